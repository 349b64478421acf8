//! A memory of values already screened clean, so that what requests repeat (the same browser's
//! `User-Agent`, the same `Referer`, the same session cookie, the paths and query strings of the
//! pages every visitor asks for) is screened once rather than on every request.
//!
//! The memory is a fixed table of 64-bit fingerprints, a keyed SipHash of the place (header,
//! cookie, path...), the name and the value, under a key drawn at random when the process first
//! needs it. Only values on which no check fired at any paranoia level are remembered, so the
//! answer "clean" holds for every policy. To skip screening, an attacker would need a value
//! whose fingerprint equals that of a value already remembered, without knowing the key: a
//! blind search over 2^64. A slot that two values share simply holds the later one; nothing is
//! ever wrongly remembered as clean.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Location;

const SLOTS: usize = 4096;

static TABLE: [AtomicU64; SLOTS] = [const { AtomicU64::new(0) }; SLOTS];
static KEY: OnceLock<RandomState> = OnceLock::new();

/// The fingerprint of `name` = `value` in `place` (never 0, which marks an empty slot). The
/// same text is screened differently in different places, so the place is part of it. `value`
/// is what every check reads or derives its input from: a header's raw bytes, not its decoded
/// text, since the scanner check reads the raw `User-Agent`.
pub(crate) fn fingerprint(place: Location, name: &str, value: &[u8]) -> u64 {
    let mut h = KEY.get_or_init(RandomState::new).build_hasher();
    h.write_u8(place as u8);
    h.write(name.as_bytes());
    h.write_u8(0xFF); // not in a name: separates name from value
    h.write(value);
    h.finish() | 1
}

fn slot(fp: u64) -> &'static AtomicU64 {
    &TABLE[(fp >> 17) as usize % SLOTS]
}

/// Whether the value with this fingerprint was screened clean before.
pub(crate) fn known(fp: u64) -> bool {
    slot(fp).load(Ordering::Relaxed) == fp
}

/// Remembers that the value with this fingerprint is clean.
pub(crate) fn remember(fp: u64) {
    slot(fp).store(fp, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_only_what_it_was_told() {
        const UA: &[u8] = b"Mozilla/5.0 (X11; Linux x86_64) Test/1";
        let a = fingerprint(Location::Header, "user-agent", UA);
        let b = fingerprint(Location::Header, "user-agent", b"Mozilla/5.0 Test/2");
        let c = fingerprint(Location::Header, "referer", UA);
        let d = fingerprint(Location::Cookie, "user-agent", UA);
        assert!(a != b && a != c && a != d);
        assert!(!known(a));
        remember(a);
        assert!(known(a));
        assert!(!known(b) && !known(c) && !known(d));
    }
}
