//! A cheap proof that a value is clean, so the rules run only on values that could match.
//!
//! Every rule of the check needs one of a few things: a comment or `||`, `&&`, `@@`; a keyword
//! that only SQL uses in that role (`select`, `waitfor`, `outfile`, a statement that acts on a
//! table); a catalogue name or a known function called with `(`; a comparison next to a
//! boolean; `case` with `when`; a cast after a parenthesis; or, in the first tokens after a break-out (or after the opening
//! parentheses of a bare value), a keyword, an operator or a comparison. [`clean`] looks
//! for those and answers `true` only when none is there, so the rules would find nothing. Prose
//! (`Siobhan O'Brien`, `open from nine to five, or in person`) and browser headers pass here in
//! tens of nanoseconds, without allocating; long values are searched with `memchr` and one
//! Aho-Corasick pass instead of being tokenized.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::{Func, K, Lexer, Tok, function, is_catalog, is_space, is_word_byte, keyword, number};
use crate::screen::fold::Folded;

/// Values longer than this are searched for keywords with Aho-Corasick instead of being read
/// word by word (and the weaker keywords are assumed to be there).
const LONG: usize = 512;

/// How many tokens the search for a plain word looks at.
const WORD_LOOKAHEAD: usize = 32;

/// Whether `b` (which holds some punctuation) certainly gets no hit from the rules.
pub(super) fn clean(b: &[u8]) -> bool {
    if anchors(b) || calls(b) || catalogs(b) {
        return false;
    }
    let f = if b.len() <= LONG {
        match words(b) {
            Some(f) => f,
            None => return false,
        }
    } else {
        if strong_long(b) {
            return false;
        }
        Flags {
            logic: true,
            union: true,
            cmp: true,
        }
    };
    let symcmp = memchr::memchr3(b'=', b'<', b'>', b).is_some();
    // `or 1=1` anywhere: the tautology rule of the window.
    if f.logic && symcmp {
        return false;
    }
    // "Nothing but SQL" at the end needs a context without a plain word.
    let finish = f.union || (f.logic && (f.cmp || symcmp));
    if !bare_head_clean(b) || (finish && !has_plain_word(b, 0)) {
        return false;
    }
    for q in [b'\'', b'"'] {
        if memchr::memchr(q, b).is_none() {
            continue;
        }
        let Some(close) = closing_quote(b, q) else {
            continue;
        };
        if !quoted_head_clean(b, close + 1) || (finish && !has_plain_word(b, close + 1)) {
            return false;
        }
    }
    true
}

/// Comments, `||`, `&&`, `@@` and a cast after a parenthesis (`)::int`).
fn anchors(b: &[u8]) -> bool {
    let pair = |i: usize, c: u8| b.get(i + 1) == Some(&c);
    memchr::memchr3_iter(b'#', b'-', b'/', b).any(|i| match b[i] {
        b'#' => true,
        b'-' => pair(i, b'-'),
        _ => pair(i, b'*'),
    }) || memchr::memchr3_iter(b'|', b'&', b'@', b).any(|i| pair(i, b[i]))
        || memchr::memchr_iter(b')', b).any(|i| {
            if b.get(i + 1..i + 3) != Some(b"::") {
                return false;
            }
            let w = &b[i + 3..];
            let n = w.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
            super::is_sql_type(&w[..n])
        })
}

/// A name before `(` that [`function`] knows (any suffix of the word, to be safe).
fn calls(b: &[u8]) -> bool {
    memchr::memchr_iter(b'(', b).any(|p| {
        let mut e = p;
        loop {
            if e > 0 && is_space(b, e - 1) > 0 {
                e -= 1;
            } else if e > 1 && b[e - 2] == 0xc2 && b[e - 1] == 0xa0 {
                e -= 2;
            } else {
                break;
            }
        }
        let mut s = e;
        while s > 0 && e - s < 40 && (is_word_byte(b[s - 1]) || b[s - 1] == b'.') {
            s -= 1;
        }
        let mut buf = [0u8; 40];
        let n = e - s;
        for (d, c) in buf.iter_mut().zip(&b[s..e]) {
            *d = c.to_ascii_lowercase();
        }
        (0..n).any(|k| !buf[k].is_ascii_digit() && function(&buf[k..n]) != Func::Other)
    })
}

/// The cheap first test of [`catalogs`]: every catalogue name either holds `sys` or has a `_`
/// or `.` between one of these pairs of letters (`n_s` of `information_schema`, `r..` of
/// `master..`), so a value with neither holds none.
pub(super) fn may_hold_catalog(b: &[u8]) -> bool {
    if b.len() <= 64 {
        // Short values in one pass: two `memchr` calls cost more than reading them.
        return b
            .iter()
            .enumerate()
            .any(|(i, &c)| matches!(c, b'_' | b'.' | b'y' | b'Y') && catalog_mark(b, i));
    }
    memchr::memchr2_iter(b'_', b'.', b).any(|i| catalog_mark(b, i))
        || memchr::memchr2_iter(b'y', b'Y', b).any(|i| catalog_mark(b, i))
}

/// For the byte at `i` of `b`: a `_` or `.` between a pair of letters of [`may_hold_catalog`],
/// or the `y` of `sys`.
pub(super) fn catalog_mark(b: &[u8], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let at = |i: usize| b.get(i).map_or(0, u8::to_ascii_lowercase);
    let (before, after) = (at(i - 1), at(i + 1));
    match b[i] {
        b'_' | b'.' => matches!(
            (before, after),
            (b'n', b's')
                | (b's', b'o' | b't' | b'p' | b'l')
                | (b'p', b'c' | b'e' | b'o' | b'd' | b'r')
                | (b'g', b'c' | b's')
                | (b'l', b'u' | b't' | b'h' | b'i')
                | (b'e', b'm' | b's')
                | (b'r', b'.')
        ),
        b'y' | b'Y' => before == b's' && after == b's',
        _ => false,
    }
}

/// Catalogue names (`information_schema`, `sys.objects`) in any run of word bytes and dots.
pub(super) fn catalogs(b: &[u8]) -> bool {
    if !may_hold_catalog(b) {
        return false;
    }
    let mut done = 0;
    for i in memchr::memchr2_iter(b'_', b'.', b) {
        if i < done {
            continue;
        }
        let mut s = i;
        while s > 0 && (is_word_byte(b[s - 1]) || b[s - 1] == b'.') {
            s -= 1;
        }
        let mut e = i + 1;
        while e < b.len() && (is_word_byte(b[e]) || b[e] == b'.') {
            e += 1;
        }
        done = e;
        let w = &b[s..e];
        if is_catalog(w) || w.windows(8).any(|x| x.eq_ignore_ascii_case(b"master..")) {
            return true;
        }
    }
    false
}

/// Which weaker keywords a short value holds.
struct Flags {
    /// `and`, `or`, `xor`, `div`.
    logic: bool,
    union: bool,
    /// `like`, `is`, `in`...
    cmp: bool,
}

/// Whether a keyword of this kind makes a rule of the token window (or a statement) possible.
fn strong_kind(k: K) -> bool {
    matches!(
        k,
        K::Select | K::Outfile | K::Waitfor | K::Exec | K::Stmt | K::Catalog
    )
}

/// Reads the letter runs of a short value; `None` when one is a strong keyword.
fn words(b: &[u8]) -> Option<Flags> {
    let mut f = Flags {
        logic: false,
        union: false,
        cmp: false,
    };
    // `case` and `when`: the conditional rule of the window.
    let (mut case, mut when) = (false, false);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphabetic() {
            let s = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            if i - s > 16 {
                continue;
            }
            let mut buf = [0u8; 16];
            for (d, c) in buf.iter_mut().zip(&b[s..i]) {
                *d = c.to_ascii_lowercase();
            }
            match keyword(&buf[..i - s]) {
                K::Word => {}
                // `where 1=1` is a tautology as much as `or 1=1`.
                K::Logic | K::Where | K::Having => f.logic = true,
                K::Union => f.union = true,
                K::Cmp => f.cmp = true,
                K::Case => {
                    match &buf[..i - s] {
                        b"case" => case = true,
                        b"when" => when = true,
                        _ => {}
                    }
                    if case && when {
                        return None;
                    }
                }
                // Only these statements have rules outside the head of a context.
                K::Stmt => {
                    if matches!(
                        &buf[..i - s],
                        b"update" | b"insert" | b"declare" | b"drop" | b"create" | b"alter"
                    ) {
                        return None;
                    }
                }
                k if strong_kind(k) => return None,
                _ => {}
            }
        } else if c.is_ascii_digit() {
            i = number(b, i).max(i + 1);
        } else {
            i += 1;
        }
    }
    Some(f)
}

/// Keywords that make a window rule possible, in a long value.
fn strong_long(b: &[u8]) -> bool {
    const STRONG: [&str; 12] = [
        "select", "outfile", "dumpfile", "waitfor", "exec", "update", "insert", "declare", "drop",
        "create", "alter", "shutdown",
    ];
    // A whole word (`exec` also as the start of `execute`); anything else is prose. No name is
    // inside or a prefix of another, and a match that overlaps another has a letter on one side,
    // so a search that skips overlapping matches misses no whole word.
    let whole_word = |s: usize, e: usize| {
        let before = s.checked_sub(1).map(|i| b[i]);
        let after = &b[e..];
        !before.is_some_and(|c| c.is_ascii_alphabetic())
            && (!after.first().is_some_and(u8::is_ascii_alphabetic)
                || (e - s == 4
                    && after.len() >= 3
                    && after[..3].eq_ignore_ascii_case(b"ute")
                    && !after.get(3).is_some_and(u8::is_ascii_alphabetic)))
    };
    static FOLDED: OnceLock<Option<Folded>> = OnceLock::new();
    if let Some(f) = FOLDED
        .get_or_init(|| Folded::new(STRONG.iter().map(|w| w.as_bytes())))
        .as_ref()
    {
        return f.any(b, |s, e, _| whole_word(s, e));
    }
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let Some(ac) = AC
        .get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(STRONG)
                .ok()
        })
        .as_ref()
    else {
        return true;
    };
    ac.find_iter(b).any(|m| whole_word(m.start(), m.end()))
}

/// Tokens from `start`, without comments (the caller has ruled them out).
fn tokens(b: &[u8], start: usize) -> impl Iterator<Item = Tok> + '_ {
    let mut lx = Lexer::new(b, start);
    std::iter::from_fn(move || lx.next())
}

/// Kinds that end the rules after a break-out without a hit, when no strong keyword, comment or
/// known function is in the value.
fn safe_after(k: Option<K>, quoted: bool) -> bool {
    let Some(k) = k else { return true };
    match k {
        K::Word
        | K::Func(Func::Other)
        | K::Num
        | K::Str
        | K::LPar
        | K::Var
        | K::Kw
        | K::Case
        | K::Value
        | K::Table
        | K::Delay
        | K::Quant
        | K::By
        | K::From
        | K::As
        | K::Exists
        | K::Values => true,
        K::Not | K::Cmp | K::Op | K::Comma => !quoted,
        _ => false,
    }
}

/// The head rules of the bare context (`bare_rules`) cannot match.
fn bare_head_clean(b: &[u8]) -> bool {
    let mut t = tokens(b, 0);
    let Some(t0) = t.next() else { return true };
    let t1 = t.next();
    // `-1 union`: a sign before the first number is skipped, as the rules do.
    let (first, mut next) = match t1 {
        Some(x) if t0.k == K::Op && x.k == K::Num => (x, t.next()),
        _ => (t0, t1),
    };
    match first.k {
        K::Num | K::Str | K::RPar => {
            while next.is_some_and(|x| x.k == K::RPar) {
                next = t.next();
            }
            safe_after(next.map(|x| x.k), false)
        }
        // `(1234=1234)`: a number tested in parentheses.
        K::LPar => {
            let mut n = next;
            while n.is_some_and(|x| x.k == K::LPar) {
                n = t.next();
            }
            !(n.is_some_and(|x| x.k == K::Num) && t.next().is_some_and(|x| x.k == K::Cmp))
        }
        k => !matches!(
            k,
            K::Logic
                | K::Union
                | K::Semi
                | K::Order
                | K::Group
                | K::Having
                | K::Where
                | K::Stmt
                | K::Exec
                | K::Waitfor
        ),
    }
}

/// The rules after a break-out at `start` (`quote_rules`, `after_breakout`) cannot match.
fn quoted_head_clean(b: &[u8], start: usize) -> bool {
    let r0 = tokens(b, start).find(|x| x.k != K::RPar);
    safe_after(r0.map(|x| x.k), true)
}

/// Whether the tokens from `start` hold a word that stays prose (a word not followed by `(`),
/// which rules out "nothing but SQL".
fn has_plain_word(b: &[u8], start: usize) -> bool {
    let mut prev_word = false;
    for t in tokens(b, start).take(WORD_LOOKAHEAD) {
        if prev_word && t.k != K::LPar {
            return true;
        }
        prev_word = t.k == K::Word;
    }
    prev_word && tokens(b, start).nth(WORD_LOOKAHEAD).is_none()
}

/// Where the string a value continues is closed by `q`, as the quoted context reads it.
pub(super) fn closing_quote(b: &[u8], q: u8) -> Option<usize> {
    let mut i = 0;
    loop {
        let off = memchr::memchr2(q, b'\\', &b[i.min(b.len())..])?;
        i += off;
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b.get(i + 1) == Some(&q) {
            i += 2;
            continue;
        }
        return Some(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_names_pass_the_first_test() {
        for name in [
            "information_schema",
            "performance_schema",
            "sqlite_schema",
            "sysibm.systables",
            "syscat.schemata",
            "utl_http",
            "utl_inaddr",
            "dbms_pipe",
            "dbms_lock",
            "xp_dirtree",
            "xp_regread",
            "sysobjects",
            "syscolumns",
            "sysservers",
            "sysdatabases",
            "sys.objects",
            "sys.tables",
            "xp_cmdshell",
            "sp_executesql",
            "sp_oacreate",
            "sp_configure",
            "pg_catalog",
            "pg_shadow",
            "mysql.user",
            "sqlite_master",
            "all_tables",
            "master..x",
        ] {
            for v in [
                name.to_owned(),
                name.to_ascii_uppercase(),
                format!("x.{name}_y"),
            ] {
                assert!(may_hold_catalog(v.as_bytes()), "{v}");
                if v.contains(['_', '.']) && v.len() >= 9 {
                    assert!(catalogs(v.as_bytes()), "{v}");
                }
            }
        }
        for v in [
            "ayesha.khan@example.pk",
            "https://portal.gov.example/a_b",
            "a.b_c",
        ] {
            assert!(!may_hold_catalog(v.as_bytes()), "{v}");
        }
    }
}
