//! Case-insensitive literal search for long values.
//!
//! An Aho-Corasick automaton built with `ascii_case_insensitive` steps through a value a byte at
//! a time: about a nanosecond a byte, a millisecond for a 1 MB body, for each check that uses
//! one. [`Folded`] instead lowers the ASCII letters of a block of the value into a stack buffer
//! (a loop the compiler vectorises) and runs a case-sensitive SIMD search (Teddy, from the
//! `aho-corasick` crate's `packed` module) over the block. Blocks overlap by the length of the
//! longest pattern less one, so no occurrence is cut in two.
//!
//! The search is leftmost-first and does not report overlapping matches; a caller that needs
//! every occurrence checks the neighbourhood of each match (every occurrence the search skips
//! starts inside a match it reports).

use aho_corasick::packed::{Config, MatchKind, Searcher};

/// Bytes folded and searched at a time.
const BLOCK: usize = 4096;

/// ASCII upper-case letters to lower case; every other byte as it is.
#[inline]
fn fold(c: u8) -> u8 {
    c | (u8::from(c.wrapping_sub(b'A') < 26) << 5)
}

/// A set of literals searched for without regard to ASCII case.
pub(super) struct Folded {
    searcher: Searcher,
    /// The length of the longest literal.
    longest: usize,
}

impl Folded {
    /// `None` when the SIMD search is not available (another architecture, too many
    /// literals): callers keep an automaton for that case.
    pub(super) fn new<'a>(literals: impl IntoIterator<Item = &'a [u8]>) -> Option<Folded> {
        let folded: Vec<Vec<u8>> = literals
            .into_iter()
            .map(|l| l.iter().map(|&c| fold(c)).collect())
            .collect();
        let longest = folded.iter().map(Vec::len).max()?;
        if longest == 0 {
            return None;
        }
        let searcher = Config::new()
            .match_kind(MatchKind::LeftmostFirst)
            .builder()
            .extend(&folded)
            .build()?;
        // Only the SIMD searcher is faster than the automaton; its Rabin-Karp fallback is not.
        (searcher.minimum_len() > 0).then_some(Folded { searcher, longest })
    }

    /// Calls `f(start, end, literal)` for matches in `hay`, in order, until it returns true;
    /// returns whether one did.
    pub(super) fn any(&self, hay: &[u8], mut f: impl FnMut(usize, usize, usize) -> bool) -> bool {
        let mut buf = [0u8; BLOCK];
        let mut pos = 0;
        // Matches that start before this were seen in the previous block.
        let mut seen = 0;
        loop {
            let end = (pos + BLOCK).min(hay.len());
            let block = &mut buf[..end - pos];
            for (d, &c) in block.iter_mut().zip(&hay[pos..end]) {
                *d = fold(c);
            }
            for m in self.searcher.find_iter(&*block) {
                let (s, e) = (pos + m.start(), pos + m.end());
                if s < seen {
                    continue;
                }
                if f(s, e, m.pattern().as_usize()) {
                    return true;
                }
                seen = e;
            }
            if end == hay.len() {
                return false;
            }
            pos = end - (self.longest - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_lowers_only_ascii_capitals() {
        for c in 0..=255u8 {
            let want = if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c
            };
            assert_eq!(fold(c), want, "{c:#x}");
        }
    }

    #[test]
    fn finds_across_block_boundaries_in_any_case() {
        let Some(f) = Folded::new([&b"select"[..], b"drop", b"a_b"]) else {
            return; // no SIMD search on this machine: the callers' automaton is tested instead
        };
        for at in [
            0,
            1,
            BLOCK - 6,
            BLOCK - 3,
            BLOCK - 1,
            BLOCK,
            2 * BLOCK - 2,
            3 * BLOCK,
        ] {
            for word in ["SeLeCt", "DROP", "A_B"] {
                let mut hay = vec![b'x'; 3 * BLOCK + 10];
                hay[at..at + word.len()].copy_from_slice(word.as_bytes());
                let mut found = Vec::new();
                f.any(&hay, |s, e, _| {
                    found.push((s, e));
                    false
                });
                assert_eq!(found, vec![(at, at + word.len())], "{word} at {at}");
            }
        }
        assert!(!f.any(b"selec dro a-b", |_, _, _| true));
        assert!(!f.any(b"", |_, _, _| true));
    }
}
