//! Screening: what still comes in (reads in lockdown, everything in `open` mode) is checked for
//! attacks in every place user input hides.
//!
//! Each check is a module with a `scan` function over one decoded value; this module finds the
//! values in a request and turns hits into findings.

pub mod cmdi;
pub mod php;
pub mod probe;
pub mod sqli;
pub mod traversal;
pub mod webshell;
pub mod xss;

use std::ops::Range;

/// One check's verdict on one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The lowest paranoia level at which this hit blocks: 1 for certain attacks, up to 4 for
    /// weak signals.
    pub level: u8,
    /// A short kebab-case name of what matched (`union-select`, `script-tag`).
    pub rule: &'static str,
    /// The byte range of the scanned value that shows it (for the evidence in the verdict).
    pub evidence: Range<usize>,
}
