//! Errors.

use std::fmt;

/// A policy that cannot be used. The message names the key and, where the policy came from
/// text, the line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The policy text is not valid TOML or JSON, has an unknown key, or a key has a value that
    /// cannot be used (a bad CIDR, glob, timestamp or status). Fix the place named by `key` and
    /// `line`, then load the policy again; the previous policy stays in force meanwhile.
    #[error("{}", Located { key, line: *line, column: *column, message })]
    Invalid {
        /// The key, as a dotted path (`admin.allow[1]`); empty when the text itself is broken.
        key: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong and how to write it instead.
        message: String,
    },
    /// The `QILA_MODE` environment variable (or a `--mode` option) names no mode. Set it to
    /// `read-only`, `open` or `monitor`, or unset it to use the policy's `mode`.
    #[error("mode `{0}` is not one of `read-only`, `open`, `monitor`")]
    UnknownMode(String),
}

struct Located<'a> {
    key: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: ")?,
            (Some(l), None) => write!(f, "line {l}: ")?,
            _ => {}
        }
        if !self.key.is_empty() {
            write!(f, "key `{}`: ", self.key)?;
        }
        f.write_str(self.message)
    }
}

impl PolicyError {
    /// A stable kebab-case code for bindings (`policy-invalid`, `unknown-mode`).
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::Invalid { .. } => "policy-invalid",
            PolicyError::UnknownMode(_) => "unknown-mode",
        }
    }

    /// The line the problem is on, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Invalid { line, .. } => *line,
            PolicyError::UnknownMode(_) => None,
        }
    }

    /// The key the problem is in, if known.
    pub fn key(&self) -> Option<&str> {
        match self {
            PolicyError::Invalid { key, .. } if !key.is_empty() => Some(key),
            _ => None,
        }
    }
}
