//! SQL injection: would this value change the structure of a SQL query it is pasted into?
//!
//! A value can land in a query in three places: inside a `'...'` string, inside a `"..."`
//! string (or a PostgreSQL identifier), or bare, where a number or a name was expected. The
//! check reads the value once per place with its own small SQL lexer (MySQL, PostgreSQL, MSSQL,
//! Oracle and SQLite syntax) and asks whether what follows the break-out is SQL that means
//! something: a tautology (`' or 'a'='a`), a `UNION SELECT`, a stacked statement
//! (`; DROP TABLE`), a comment that cuts the rest of the query off (`admin'--`), a clause
//! (`ORDER BY 5`), or a function an attacker calls for timing or errors (`sleep(5)`,
//! `extractvalue(`). Prose that happens to use SQL words (`select a union representative`,
//! `drop me an email`) never reaches a break-out and is left alone.
//!
//! Comments inside keywords (`UN/**/ION`), MySQL executable comments (`/*!50000UNION*/`), odd
//! whitespace (`%0b`, `%a0`) and a second layer of percent-encoding are read through.
//!
//! The lexer works on the borrowed bytes and keeps only a fixed window of tokens, so a scan
//! allocates nothing (except when a second percent-decoding has to be undone) and runs in time
//! linear in the value.

use super::Hit;

mod quick;

/// Scans one decoded value.
///
/// Returns a hit for an injection: level 1 when the value plainly changes a query's structure,
/// levels 2 to 4 for weaker signals.
pub fn scan(value: &str) -> Option<Hit> {
    let bytes = value.as_bytes();
    // Holds no `%` either, so there is nothing to decode again.
    if plain_short(bytes) {
        return None;
    }
    let mut best = scan_bytes_unplain(bytes);
    if best.as_ref().is_none_or(|h| h.level > 1) && has_escape(bytes) {
        let decoded = decode_again(bytes);
        if let Some(mut h) = scan_bytes(&decoded) {
            h.evidence = 0..bytes.len();
            best = pick(best, Some(h));
        }
    }
    best
}

fn pick(a: Option<Hit>, b: Option<Hit>) -> Option<Hit> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.level < a.level { b } else { a }),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Whether the value still holds `%XX`, `%uXXXX` or `\xXX` escapes.
fn has_escape(b: &[u8]) -> bool {
    let hex = |j: usize| b.get(j).is_some_and(|c| c.is_ascii_hexdigit());
    memchr::memchr2_iter(b'%', b'\\', b).any(|i| match b[i] {
        b'%' => {
            (hex(i + 1) && hex(i + 2))
                || (matches!(b.get(i + 1), Some(b'u' | b'U')) && (2..6).all(|k| hex(i + k)))
        }
        _ => b.get(i + 1) == Some(&b'x') && hex(i + 2) && hex(i + 3),
    })
}

/// Undoes one more layer of `%XX`, `%uXXXX` (only the low byte of the latter is kept, as
/// IIS-style decoders do for ASCII) and `\xXX` (what PHP's `stripcslashes` and the string
/// literals of most languages read: `\x27UNION SELECT`).
fn decode_again(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let val = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    // The byte spelled by the two hex digits at `j`.
    let pair = |j: usize| Some(val(*b.get(j)?)? * 16 + val(*b.get(j + 1)?)?);
    let mut i = 0;
    while i < b.len() {
        let escape = match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'x') => pair(i + 2).map(|c| (c, 4)),
            b'%' => pair(i + 1).map(|c| (c, 3)),
            _ => None,
        };
        if let Some((c, len)) = escape {
            out.push(c);
            i += len;
            continue;
        }
        if b[i] == b'%'
            && matches!(b.get(i + 1), Some(b'u' | b'U'))
            && let (Some(hi), Some(lo)) = (pair(i + 2), pair(i + 4))
        {
            let code = (u32::from(hi) << 8) | u32::from(lo);
            if code < 0x80 {
                out.push(code as u8);
            } else if let Some(c) = char::from_u32(code) {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            i += 6;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Values up to this long are tried with [`plain_short`] first.
const PLAIN_MAX: usize = 64;

/// A short value whose only punctuation is `@`, `-`, `,` or `'` (inside a word), never two of
/// the same in a row, none of whose words is a SQL keyword or catalogue name: an e-mail address, a CNIC or
/// telephone number, a name like `Siobhan O'Brien`. Whatever context it lands in, the query
/// reads words, numbers, strings and an operator: no rule can match, so none runs. One pass
/// over the bytes and a keyword look-up a word; `plain_values_get_no_hit` checks the claim
/// against the rules.
fn plain_short(b: &[u8]) -> bool {
    if b.len() > PLAIN_MAX {
        return false;
    }
    // One pass: punctuation tested as it comes, each run of letters looked up as a keyword at
    // once. The first test of `quick::catalogs` comes along: a `_` or `.` (every catalogue name
    // holds one) and a mark of `quick::catalog_mark`.
    let (mut separator, mut mark, mut special) = (false, false, false);
    let mut prev = 0u8;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match PLAIN_CLASS[usize::from(c)] {
            PLAIN_LETTER => {
                // Letters right after a digit may end a number the lexer reads (`0x1f` of
                // `0x1for`, `1e5`), and what follows that number may be a keyword: not plain.
                if prev.is_ascii_digit() {
                    return false;
                }
                let s = i;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                if keyword(&b[s..i]) != K::Word {
                    return false;
                }
                prev = b[i - 1];
                continue;
            }
            PLAIN_SPECIAL => {
                special = true;
                if !matches!(c, b'@' | b'-' | b',' | b'\'') || c == prev {
                    return false;
                }
                // An apostrophe inside a word (`O'Brien`, `it's`), never next to an operator.
                if c == b'\''
                    && !(prev.is_ascii_alphanumeric()
                        && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric))
                {
                    return false;
                }
            }
            PLAIN_SEPARATOR => {
                separator = true;
                mark = mark || quick::catalog_mark(b, i);
            }
            _ => {}
        }
        prev = c;
        i += 1;
    }
    if !special {
        // Without punctuation, the cheaper test of `scan_bytes` decides.
        return false;
    }
    // The `y` of `sys` (`sysibm.`) is a mark too.
    let mark = separator
        && (mark || memchr::memchr2_iter(b'y', b'Y', b).any(|k| quick::catalog_mark(b, k)));
    !(mark && quick::catalogs(b))
}

/// Byte classes of [`plain_short`]: ASCII letters, [`SPECIAL`] bytes, `.` and `_`, the rest.
const PLAIN_LETTER: u8 = 1;
const PLAIN_SPECIAL: u8 = 2;
const PLAIN_SEPARATOR: u8 = 3;
static PLAIN_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = if (c as u8).is_ascii_alphabetic() {
            PLAIN_LETTER
        } else if SPECIAL[c] {
            PLAIN_SPECIAL
        } else if c == b'.' as usize || c == b'_' as usize {
            PLAIN_SEPARATOR
        } else {
            0
        };
        c += 1;
    }
    t
};

/// Bytes that can start anything the rules look at besides words and numbers.
pub(super) const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let s = b"'\"`;()#*/=|&<>@,-{}[]!~^+%\\:";
    let mut i = 0;
    while i < s.len() {
        t[s[i] as usize] = true;
        i += 1;
    }
    t
};

fn scan_bytes(b: &[u8]) -> Option<Hit> {
    if plain_short(b) {
        return None;
    }
    scan_bytes_unplain(b)
}

/// [`scan_bytes`] after [`plain_short`] has said no.
fn scan_bytes_unplain(b: &[u8]) -> Option<Hit> {
    // Prefilter: without punctuation, only a run of words and numbers is left; that can be an
    // injection only when it holds a UNION, starts with a number or a keyword the rules know,
    // or names a catalogue.
    // With punctuation, `quick::clean` proves most values clean without running the rules.
    if !b.iter().any(|&c| SPECIAL[c as usize]) {
        if !words_only_suspect(b) && !words_name_catalog(b) {
            return None;
        }
    } else if quick::clean(b) {
        return None;
    }
    scan_bytes_full(b)
}

/// [`scan`] for a value without a [`SPECIAL`] byte (the caller has checked): only the words
/// can make it an injection, and it holds no escape to decode again.
pub(super) fn scan_plain(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    if words_only_suspect(b) || words_name_catalog(b) {
        scan_bytes_full(b)
    } else {
        None
    }
}

/// [`scan_bytes`] without the prefilters.
fn scan_bytes_full(b: &[u8]) -> Option<Hit> {
    let mut best = check(b, Ctx::Bare);
    if best.as_ref().is_some_and(|h| h.level == 1) {
        return best;
    }
    for (q, ctx) in [(b'\'', Ctx::Quote(b'\'')), (b'"', Ctx::Quote(b'"'))] {
        if memchr::memchr(q, b).is_some() {
            best = pick(best, check(b, ctx));
            if best.as_ref().is_some_and(|h| h.level == 1) {
                return best;
            }
        }
    }
    best
}

/// The words [`words_only_suspect`] looks for.
const SUSPECT: [&[u8]; 21] = [
    b"union",
    b"case",
    b"or",
    b"and",
    b"xor",
    b"order",
    b"group",
    b"having",
    b"waitfor",
    b"select",
    b"procedure",
    b"into",
    b"exec",
    b"execute",
    b"shutdown",
    b"where",
    b"limit",
    b"div",
    b"like",
    b"rlike",
    b"regexp",
];

/// For each length, a bit per first letter of the words of [`SUSPECT`]: most words of a value
/// are turned away by one look-up.
const SUSPECT_FIRST: [u32; 10] = {
    let mut t = [0u32; 10];
    let mut i = 0;
    while i < SUSPECT.len() {
        let w = SUSPECT[i];
        t[w.len()] |= 1 << (w[0] - b'a');
        i += 1;
    }
    t
};

/// [`SUSPECT`], [`pack`]ed.
static SUSPECT_KEYS: [u128; SUSPECT.len()] = {
    let mut t = [0u128; SUSPECT.len()];
    let mut i = 0;
    while i < SUSPECT.len() {
        t[i] = pack(SUSPECT[i]);
        i += 1;
    }
    t
};

/// [`pack`] of `w` (at most 16 bytes) in lower case, built in a register: bytes stored to a
/// buffer and read back as one number would stall the load.
fn pack_lower(w: &[u8]) -> u128 {
    let mut key = 0u128;
    for &c in w {
        key = (key << 8) | u128::from(c.to_ascii_lowercase());
    }
    key << (8 * (16 - w.len()))
}

/// For a value without punctuation: does it name a catalogue (`information_schema.tables`)?
/// Every name [`is_catalog`] knows holds a `_` or a `.`, which most such values lack.
fn words_name_catalog(b: &[u8]) -> bool {
    memchr::memchr2(b'_', b'.', b).is_some() && quick::catalogs(b)
}

/// For a value of letters, digits and spaces only: does it hold a word the rules could use?
fn words_only_suspect(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() {
            let s = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let w = &b[s..i];
            if w.len() >= 2
                && w.len() <= 9
                && SUSPECT_FIRST[w.len()] & (1 << (w[0].to_ascii_lowercase() - b'a')) != 0
            {
                let key = pack_lower(w);
                if SUSPECT_KEYS.contains(&key) {
                    return true;
                }
            }
        } else {
            i += 1;
        }
    }
    false
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    /// The value replaces a number or a name.
    Bare,
    /// The value sits inside a string opened by this quote.
    Quote(u8),
}

/// What a function name is known for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Func {
    /// Timing, errors, files, commands: no form field calls these.
    Danger,
    /// `sleep`: dangerous with a number argument.
    Sleep,
    /// `char`, `chr`, `concat`...: used to build strings without quotes.
    Build,
    /// Other well-known SQL functions (`version`, `cast`, `substring`...).
    Sql,
    /// Any other word followed by `(`.
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Str,
    Num,
    Word,
    /// A name that only a database catalogue uses (`information_schema`, `sysobjects`).
    Catalog,
    Var,
    /// `@@version` and other system variables.
    SysVar,
    Op,
    /// `=`, `<`, `>`, `<>`, `!=`, `LIKE`, `IS`, `IN`, `BETWEEN`...
    Cmp,
    /// `AND`, `OR`, `XOR`, `&&`, `||`.
    Logic,
    Not,
    LPar,
    RPar,
    Comma,
    Semi,
    Comment,
    Func(Func),
    Union,
    /// `ALL`, `DISTINCT`.
    Quant,
    Select,
    From,
    Where,
    Order,
    Group,
    By,
    Having,
    Limit,
    Procedure,
    Into,
    Outfile,
    Value,
    /// `INSERT`, `UPDATE`, `DELETE`, `DROP`, `CREATE`, `ALTER`, `TRUNCATE`, `DECLARE`,
    /// `SHUTDOWN`, `EXEC`...: a statement start.
    Stmt,
    Exec,
    Waitfor,
    Delay,
    Table,
    Set,
    Values,
    As,
    Case,
    Exists,
    /// Any other SQL keyword.
    Kw,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    k: K,
    s: usize,
    e: usize,
    /// Whitespace or a comment came right before this token.
    gap: bool,
}

struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
    /// Inside a MySQL `/*! ... */` executable comment.
    exec_comment: bool,
    /// Open ODBC `{fn ...}` escapes.
    odbc: u32,
}

fn is_space(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0 => 1,
        0xc2 if b.get(i + 1) == Some(&0xa0) => 2,
        _ => 0,
    }
}

/// Whether `rest` starts with what SQL's `IS` can be followed by: `NULL`, `NOT`, `TRUE`,
/// `FALSE`, `UNKNOWN`, `DISTINCT`, a number, a string or other punctuation (SQLite's `IS`
/// compares with any value), or a comment that may hide one. Not another word: `this is good`.
fn is_test_follows(rest: &[u8]) -> bool {
    // `is+null`: a URL-encoded space.
    let rest = rest.strip_prefix(b"+").unwrap_or(rest);
    if rest.starts_with(b"/*") || rest.starts_with(b"--") || rest.starts_with(b"#") {
        return true;
    }
    let n = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if n == 0 {
        // SQLite's `IS` compares with any value: `'aa' is 0`.
        return true;
    }
    if rest.get(n).is_some_and(|&c| is_word_byte(c)) {
        return false;
    }
    let w = &rest[..n];
    [
        &b"null"[..],
        b"not",
        b"true",
        b"false",
        b"unknown",
        b"distinct",
    ]
    .iter()
    .any(|k| w.eq_ignore_ascii_case(k))
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

impl<'a> Lexer<'a> {
    fn new(b: &'a [u8], start: usize) -> Self {
        Lexer {
            b,
            i: start,
            exec_comment: false,
            odbc: 0,
        }
    }

    /// Skips a quoted run opened at `self.i` by `q`; returns whether it was closed. A
    /// backslash escapes in strings; in a MySQL `` `identifier` `` it is an ordinary byte
    /// (`` @`\` `` is a variable named `\`, and what follows it is SQL).
    fn string(&mut self, q: u8) -> bool {
        let b = self.b;
        let mut i = self.i + 1;
        let escape = if q == b'`' { q } else { b'\\' };
        loop {
            let Some(off) = memchr::memchr2(q, escape, &b[i.min(b.len())..]) else {
                self.i = b.len();
                return false;
            };
            i += off;
            if b[i] == b'\\' {
                i += 2;
                continue;
            }
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            self.i = i + 1;
            return true;
        }
    }

    /// Reads `[a-z]+` words joined by inline comments (`UN/**/ION`) when the join is a keyword.
    fn word(&mut self) -> (K, usize) {
        let b = self.b;
        let s = self.i;
        let mut i = s;
        while i < b.len()
            && is_space(b, i) == 0
            && (is_word_byte(b[i])
                || (b[i] == b'.'
                    && i + 1 < b.len()
                    && (is_word_byte(b[i + 1]) || b[i + 1] == b'.')))
        {
            i += 1;
        }
        let mut buf = [0u8; 32];
        let mut n = 0;
        for &c in &b[s..i] {
            if n < buf.len() {
                buf[n] = c.to_ascii_lowercase();
            }
            n += 1;
        }
        // A comment splitting a keyword.
        if n < 16
            && b[s..i].iter().all(u8::is_ascii_alphabetic)
            && b.get(i..i + 2) == Some(b"/*")
            && b.get(i + 2) != Some(&b'!')
        {
            if let Some(end) = memchr::memmem::find(&b[i + 2..], b"*/") {
                let j = i + 2 + end + 2;
                let mut k = j;
                while k < b.len() && b[k].is_ascii_alphabetic() {
                    k += 1;
                }
                if k > j && n + (k - j) <= 16 {
                    let mut joined = buf;
                    for (d, c) in joined[n..].iter_mut().zip(&b[j..k]) {
                        *d = c.to_ascii_lowercase();
                    }
                    let kind = keyword(&joined[..n + k - j]);
                    if !matches!(kind, K::Word) {
                        self.i = k;
                        return (self.after_word(kind, &joined[..n + k - j]), k);
                    }
                }
            }
        }
        self.i = i;
        let kind = if n <= buf.len() {
            keyword(&buf[..n])
        } else {
            K::Word
        };
        let kind = if kind == K::Word && is_catalog(&b[s..i]) {
            K::Catalog
        } else {
            kind
        };
        let name = &buf[..n.min(buf.len())];
        (self.after_word(kind, name), i)
    }

    /// A word directly followed by `(` is a function call.
    fn after_word(&self, kind: K, name: &[u8]) -> K {
        let b = self.b;
        let mut j = self.i;
        while j < b.len() && is_space(b, j) > 0 {
            j += is_space(b, j);
        }
        if b.get(j) != Some(&b'(') {
            if kind == K::Cmp && name == b"is" && !is_test_follows(&b[j..]) {
                // `this is good`: before a word other than NULL, NOT, TRUE, FALSE, UNKNOWN
                // or DISTINCT, `is` is prose.
                return K::Word;
            }
            return kind;
        }
        let spaced = j != self.i;
        match kind {
            K::Word | K::Catalog => {
                let f = function(name);
                if spaced && matches!(f, Func::Other | Func::Sleep) {
                    kind
                } else {
                    K::Func(f)
                }
            }
            // `insert(`, `replace(`, `left(`, `if(`, `char(`, `values(` are functions in MySQL.
            K::Stmt | K::Kw | K::Value if !spaced => K::Func(function(name)),
            _ => kind,
        }
    }

    fn next(&mut self) -> Option<Tok> {
        let b = self.b;
        let mut gap = false;
        loop {
            let i = self.i;
            if i >= b.len() {
                return None;
            }
            let sp = is_space(b, i);
            if sp > 0 {
                self.i += sp;
                gap = true;
                continue;
            }
            let c = b[i];
            let next = b.get(i + 1).copied();
            // A `+` next to a word or a quote is a URL-encoded space: `1'+or+1=1`.
            if c == b'+' {
                let near = |x: Option<&u8>| {
                    x.is_some_and(|&x| x.is_ascii_alphabetic() || x == b'\'' || x == b'"')
                };
                if near(b.get(i + 1)) || (i > 0 && near(b.get(i - 1))) {
                    self.i += 1;
                    gap = true;
                    continue;
                }
            }
            // Comments.
            if c == b'/' && next == Some(b'*') {
                if b.get(i + 2) == Some(&b'!') {
                    let mut j = i + 3;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    self.i = j;
                    self.exec_comment = true;
                    gap = true;
                    continue;
                }
                let end =
                    memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |e| i + 2 + e + 2);
                self.i = end;
                return Some(Tok {
                    k: K::Comment,
                    s: i,
                    e: end,
                    gap,
                });
            }
            if c == b'*' && next == Some(b'/') && self.exec_comment {
                self.exec_comment = false;
                self.i += 2;
                gap = true;
                continue;
            }
            if c == b'#' || (c == b'-' && next == Some(b'-')) {
                let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e + 1);
                self.i = end;
                return Some(Tok {
                    k: K::Comment,
                    s: i,
                    e: end,
                    gap,
                });
            }
            // ODBC escapes: `{fn ...}`, `{call ...}`, `{d '...'}`.
            if c == b'{' {
                let mut j = i + 1;
                while j < b.len() && is_space(b, j) > 0 {
                    j += is_space(b, j);
                }
                let mut k = j;
                while k < b.len() && b[k].is_ascii_alphabetic() {
                    k += 1;
                }
                let w = &b[j..k];
                if ["fn", "call", "oj", "d", "t", "ts", "escape"]
                    .iter()
                    .any(|x| w.eq_ignore_ascii_case(x.as_bytes()))
                {
                    self.i = k;
                    self.odbc += 1;
                    gap = true;
                    continue;
                }
            }
            if c == b'}' && self.odbc > 0 {
                self.odbc -= 1;
                self.i += 1;
                gap = true;
                continue;
            }
            let (k, e) = match c {
                b'\'' | b'"' => {
                    self.string(c);
                    (K::Str, self.i)
                }
                b'`' => {
                    let closed = self.string(c);
                    // `` `information_schema` ``, `[sysobjects]`: a quoted name is still the
                    // catalogue.
                    let inner = &b[i + 1..self.i - usize::from(closed)];
                    (
                        if is_catalog(inner) {
                            K::Catalog
                        } else {
                            K::Word
                        },
                        self.i,
                    )
                }
                b'[' => {
                    let end = memchr::memchr(b']', &b[i..]).map_or(b.len(), |e| i + e + 1);
                    self.i = end;
                    let inner = &b[i + 1..end - usize::from(b[end - 1] == b']')];
                    (
                        if is_catalog(inner) {
                            K::Catalog
                        } else {
                            K::Word
                        },
                        end,
                    )
                }
                b'(' => {
                    self.i += 1;
                    (K::LPar, self.i)
                }
                b')' => {
                    self.i += 1;
                    (K::RPar, self.i)
                }
                b',' => {
                    self.i += 1;
                    (K::Comma, self.i)
                }
                b';' => {
                    self.i += 1;
                    (K::Semi, self.i)
                }
                b'@' => {
                    let sys = next == Some(b'@');
                    let mut j = i + if sys { 2 } else { 1 };
                    while j < b.len() && (is_word_byte(b[j]) || b[j] == b'.') {
                        j += 1;
                    }
                    self.i = j;
                    (if sys && j > i + 2 { K::SysVar } else { K::Var }, j)
                }
                b'0'..=b'9' => {
                    let e = number(b, i);
                    self.i = e;
                    (K::Num, e)
                }
                b'.' if next.is_some_and(|n| n.is_ascii_digit()) => {
                    let e = number(b, i);
                    self.i = e;
                    (K::Num, e)
                }
                b'|' if next == Some(b'|') => {
                    self.i += 2;
                    (K::Logic, self.i)
                }
                b'&' if next == Some(b'&') => {
                    self.i += 2;
                    (K::Logic, self.i)
                }
                b'=' | b'<' | b'>' | b'!' => {
                    let mut j = i + 1;
                    while j < b.len() && matches!(b[j], b'=' | b'<' | b'>') && j < i + 3 {
                        j += 1;
                    }
                    self.i = j;
                    if c == b'!' && j == i + 1 {
                        (K::Not, j)
                    } else {
                        (K::Cmp, j)
                    }
                }
                c if is_word_byte(c) => {
                    // String prefixes: N'..', E'..', X'..', B'..', _utf8'..'.
                    let (k, e) = self.word();
                    (k, e)
                }
                _ => {
                    self.i += 1;
                    (K::Op, self.i)
                }
            };
            return Some(Tok { k, s: i, e, gap });
        }
    }
}

/// End of a number starting at `i`: digits, a fraction, an exponent, `0x..` and `0b..`.
fn number(b: &[u8], i: usize) -> usize {
    let mut j = i;
    if b[i] == b'0'
        && matches!(b.get(i + 1), Some(b'x' | b'X'))
        && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        j = i + 2;
        while j < b.len() && b[j].is_ascii_hexdigit() {
            j += 1;
        }
        return j;
    }
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    if j < b.len() && b[j] == b'.' {
        j += 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
    }
    if j < b.len() && matches!(b[j], b'e' | b'E') {
        let mut k = j + 1;
        if k < b.len() && matches!(b[k], b'+' | b'-') {
            k += 1;
        }
        if k < b.len() && b[k].is_ascii_digit() {
            j = k;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
        }
    }
    j
}

/// SQL keywords by spelling (lower case, sorted), and what each is to the rules.
const KEYWORDS: [(&[u8], K); 104] = [
    (b"all", K::Quant),
    (b"alter", K::Stmt),
    (b"and", K::Logic),
    (b"any", K::Kw),
    (b"as", K::As),
    (b"asc", K::Kw),
    (b"begin", K::Stmt),
    (b"between", K::Cmp),
    (b"binary", K::Kw),
    (b"by", K::By),
    (b"call", K::Stmt),
    (b"case", K::Case),
    (b"char", K::Kw),
    (b"collate", K::Kw),
    (b"copy", K::Stmt),
    (b"create", K::Stmt),
    (b"current_date", K::Value),
    (b"current_time", K::Value),
    (b"current_user", K::Value),
    (b"database", K::Table),
    (b"declare", K::Stmt),
    (b"delay", K::Delay),
    (b"delete", K::Stmt),
    (b"desc", K::Kw),
    (b"distinct", K::Quant),
    (b"distinctrow", K::Quant),
    (b"div", K::Logic),
    (b"drop", K::Stmt),
    (b"dumpfile", K::Outfile),
    (b"else", K::Case),
    (b"end", K::Case),
    (b"escape", K::Kw),
    (b"exec", K::Exec),
    (b"execute", K::Exec),
    (b"exists", K::Exists),
    (b"false", K::Value),
    (b"from", K::From),
    (b"grant", K::Stmt),
    (b"group", K::Group),
    (b"handler", K::Stmt),
    (b"having", K::Having),
    (b"if", K::Kw),
    (b"iif", K::Kw),
    (b"ilike", K::Cmp),
    (b"in", K::Cmp),
    (b"insert", K::Stmt),
    (b"int", K::Kw),
    (b"into", K::Into),
    (b"is", K::Cmp),
    (b"join", K::Kw),
    (b"like", K::Cmp),
    (b"limit", K::Limit),
    (b"load", K::Stmt),
    (b"localtime", K::Value),
    (b"login", K::Table),
    (b"merge", K::Stmt),
    (b"mod", K::Kw),
    (b"not", K::Not),
    (b"null", K::Value),
    (b"nvarchar", K::Kw),
    (b"offset", K::Limit),
    (b"on", K::Kw),
    (b"or", K::Logic),
    (b"order", K::Order),
    (b"outfile", K::Outfile),
    (b"print", K::Stmt),
    (b"procedure", K::Procedure),
    (b"procedure_", K::Table),
    (b"regexp", K::Cmp),
    (b"rename", K::Stmt),
    (b"replace", K::Stmt),
    (b"revoke", K::Stmt),
    (b"rlike", K::Cmp),
    (b"schema", K::Table),
    (b"select", K::Select),
    (b"session_user", K::Value),
    (b"set", K::Set),
    (b"shutdown", K::Stmt),
    (b"some", K::Kw),
    (b"sounds", K::Cmp),
    (b"sysname", K::Kw),
    (b"system_user", K::Value),
    (b"table", K::Table),
    (b"then", K::Case),
    (b"time", K::Delay),
    (b"top", K::Limit),
    (b"true", K::Value),
    (b"truncate", K::Stmt),
    (b"union", K::Union),
    (b"unknown", K::Value),
    (b"update", K::Stmt),
    (b"user", K::Table),
    (b"using", K::Kw),
    (b"utc_date", K::Value),
    (b"utc_time", K::Value),
    (b"value", K::Values),
    (b"values", K::Values),
    (b"varchar", K::Kw),
    (b"view", K::Table),
    (b"waitfor", K::Waitfor),
    (b"when", K::Case),
    (b"where", K::Where),
    (b"while", K::Stmt),
    (b"xor", K::Logic),
];

/// The longest word in [`KEYWORDS`].
const KEYWORD_MAX: usize = 12;

/// For each length, the first letters of the keywords that long (bit `c - b'a'`): most words of
/// prose are turned away by one look-up, before the search.
static KEYWORD_FIRST: [u32; KEYWORD_MAX + 1] = {
    let mut t = [0u32; KEYWORD_MAX + 1];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let w = KEYWORDS[i].0;
        t[w.len()] |= 1 << (w[0] - b'a');
        i += 1;
    }
    t
};

/// Whether `value` holds a word of SQL: a keyword (`or`, `union`, `select`) or the name of a
/// known function (`sleep`, `version`). A hit without one rests on punctuation alone
/// (`x'#`, `'='`), which generated passwords are full of.
pub fn speaks_sql(value: &str) -> bool {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let w = &b[start..i];
        if keyword(w) != K::Word {
            return true;
        }
        let mut lower = [0u8; 24];
        if let Some(buf) = lower.get_mut(..w.len()) {
            buf.copy_from_slice(w);
            buf.make_ascii_lowercase();
            if function(buf) != Func::Other {
                return true;
            }
        }
    }
    false
}

/// What a word (in any ASCII case) is to the rules: a keyword's kind, or [`K::Word`].
fn keyword(w: &[u8]) -> K {
    let Some(first) = w.first().map(u8::to_ascii_lowercase) else {
        return K::Word;
    };
    if w.len() > KEYWORD_MAX
        || !first.is_ascii_lowercase()
        || KEYWORD_FIRST[w.len()] & (1 << (first - b'a')) == 0
    {
        return K::Word;
    }
    let key = pack_lower(w);
    let mut h = slot(key);
    loop {
        match KEYWORD_TABLE[h] {
            (k, i) if k == key => return KEYWORDS[i as usize].1,
            (0, _) => return K::Word,
            _ => h = (h + 1) % KEYWORD_TABLE.len(),
        }
    }
}

/// Where a [`pack`]ed word starts looking in [`KEYWORD_TABLE`].
const fn slot(key: u128) -> usize {
    (((key ^ (key >> 64)) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
}

/// A word of at most 16 bytes as a number that sorts as the word does (the bytes big-endian,
/// zeros after), so the search compares numbers instead of calling `memcmp`.
const fn pack(w: &[u8]) -> u128 {
    let mut x = 0u128;
    let mut i = 0;
    while i < 16 {
        x <<= 8;
        if i < w.len() {
            x |= w[i] as u128;
        }
        i += 1;
    }
    x
}

/// [`KEYWORDS`] as an open-addressing hash table of 256 slots: the [`pack`]ed spelling and
/// the index in [`KEYWORDS`], zero for an empty slot. Less than half full, so a look-up reads
/// one or two slots (a binary search costs seven hard-to-predict branches).
static KEYWORD_TABLE: [(u128, u8); 256] = {
    let mut t = [(0u128, 0u8); 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let key = pack(KEYWORDS[i].0);
        let mut h = slot(key);
        while t[h].0 != 0 {
            h = (h + 1) % 256;
        }
        t[h] = (key, i as u8);
        i += 1;
    }
    t
};

fn function(w: &[u8]) -> Func {
    match w {
        b"sleep" => Func::Sleep,
        b"benchmark"
        | b"pg_sleep"
        | b"extractvalue"
        | b"updatexml"
        | b"load_file"
        | b"xp_cmdshell"
        | b"dbms_pipe.receive_message"
        | b"dbms_lock.sleep"
        | b"utl_inaddr.get_host_address"
        | b"utl_inaddr.get_host_name"
        | b"utl_http.request"
        | b"ctxsys.drithsx.sn"
        | b"sys_eval"
        | b"sys_exec"
        | b"name_const"
        | b"randomblob"
        | b"pg_read_file"
        | b"pg_ls_dir"
        | b"dbms_xmlgen.getxml"
        | b"xmltype"
        | b"sys.fn_varbintohexstr"
        | b"sys.dbms_export_extension"
        | b"geometrycollection"
        | b"multipoint"
        | b"polygon"
        | b"linestring"
        | b"multilinestring"
        | b"multipolygon"
        | b"exp"
        | b"gtid_subset"
        | b"json_keys"
        | b"lo_import"
        | b"lo_export"
        | b"sleep_"
        | b"openrowset"
        | b"opendatasource"
        | b"xp_dirtree"
        | b"master..xp_cmdshell"
        | b"master..xp_dirtree" => Func::Danger,
        b"char" | b"chr" | b"nchar" | b"concat" | b"concat_ws" | b"group_concat" | b"unhex"
        | b"char_length" | b"string_agg" | b"listagg" | b"make_set" | b"elt" => Func::Build,
        b"version"
        | b"database"
        | b"user"
        | b"current_user"
        | b"system_user"
        | b"session_user"
        | b"schema"
        | b"db_name"
        | b"user_name"
        | b"host_name"
        | b"suser_name"
        | b"is_srvrolemember"
        | b"cast"
        | b"convert"
        | b"substring"
        | b"substr"
        | b"mid"
        | b"ascii"
        | b"ord"
        | b"hex"
        | b"length"
        | b"len"
        | b"if"
        | b"iif"
        | b"ifnull"
        | b"isnull"
        | b"nullif"
        | b"coalesce"
        | b"count"
        | b"floor"
        | b"rand"
        | b"md5"
        | b"sha1"
        | b"lower"
        | b"upper"
        | b"left"
        | b"right"
        | b"instr"
        | b"locate"
        | b"position"
        | b"strcmp"
        | b"now"
        | b"connection_id"
        | b"last_insert_id"
        | b"row_count"
        | b"uuid"
        | b"bin"
        | b"oct"
        | b"conv"
        | b"aes_encrypt"
        | b"aes_decrypt"
        | b"encode"
        | b"decode"
        | b"compress"
        | b"uncompress"
        | b"to_char"
        | b"utl_raw.cast_to_varchar2"
        | b"sys_context"
        | b"current_database"
        | b"pg_user"
        | b"quote_ident"
        | b"quote_literal"
        | b"regexp_substring"
        | b"sqlite_version"
        | b"typeof"
        | b"unicode"
        | b"replace"
        | b"insert"
        | b"reverse"
        | b"trim"
        | b"ltrim"
        | b"rtrim"
        | b"space"
        | b"repeat"
        | b"lpad"
        | b"rpad"
        | b"abs"
        | b"sum"
        | b"max"
        | b"min"
        | b"avg"
        | b"values"
        | b"exists"
        | b"case"
        | b"not"
        | b"waitfor" => Func::Sql,
        _ => Func::Other,
    }
}

/// The type names of a PostgreSQL cast (`::int`), any case.
fn is_sql_type(w: &[u8]) -> bool {
    const TYPES: [&[u8]; 30] = [
        b"int",
        b"integer",
        b"int2",
        b"int4",
        b"int8",
        b"smallint",
        b"bigint",
        b"numeric",
        b"decimal",
        b"real",
        b"float",
        b"float4",
        b"float8",
        b"bool",
        b"boolean",
        b"text",
        b"varchar",
        b"char",
        b"bpchar",
        b"bytea",
        b"json",
        b"jsonb",
        b"date",
        b"timestamp",
        b"interval",
        b"uuid",
        b"regclass",
        b"oid",
        b"xml",
        b"inet",
    ];
    TYPES.iter().any(|t| w.eq_ignore_ascii_case(t))
}

/// Names that only a database catalogue or a system procedure uses.
fn is_catalog(w: &[u8]) -> bool {
    const NAMES: [&[u8]; 26] = [
        b"information_schema",
        b"performance_schema",
        b"sysobjects",
        b"syscolumns",
        b"sysservers",
        b"sysdatabases",
        b"sys.objects",
        b"sys.tables",
        b"xp_cmdshell",
        b"sp_executesql",
        b"sp_oacreate",
        b"sp_configure",
        b"pg_catalog",
        b"pg_shadow",
        b"mysql.user",
        b"sqlite_master",
        b"sqlite_schema",
        b"all_tables",
        // DB2's catalogues.
        b"sysibm.",
        b"syscat.",
        // Oracle's packages that reach the network or wait.
        b"utl_http",
        b"utl_inaddr",
        b"dbms_pipe",
        b"dbms_lock",
        // MSSQL procedures that read the registry or reach a share.
        b"xp_dirtree",
        b"xp_regread",
    ];
    if w.len() < 7 || !w.iter().any(|&c| c == b'_' || c == b'.') || !quick::may_hold_catalog(w) {
        return false;
    }
    NAMES
        .iter()
        .any(|n| w.windows(n.len()).any(|x| x.eq_ignore_ascii_case(n)))
        || (w.len() > 8 && w[..8].eq_ignore_ascii_case(b"master.."))
}

/// How many tokens of the head of a context the rules look at.
const HEAD: usize = 24;

fn check(b: &[u8], ctx: Ctx) -> Option<Hit> {
    let mut lx = Lexer::new(b, 0);
    let mut breakout = None;
    match ctx {
        Ctx::Bare => {}
        Ctx::Quote(q) => {
            // The value continues a string opened by `q`: find where it closes.
            let close = quick::closing_quote(b, q)?;
            lx.i = close + 1;
            breakout = Some(close);
        }
    }
    let mut head = [Tok {
        k: K::Comment,
        s: 0,
        e: 0,
        gap: false,
    }; HEAD];
    let mut n = 0;
    let mut window = Window::default();
    let mut best: Option<Hit> = None;
    // Tokens without comments for the head; a comment right after a token is remembered.
    let mut comment_after_breakout = false;
    let mut comment_after = [false; HEAD];
    let mut strong_comment = false;
    while let Some(t) = lx.next() {
        if t.k == K::Comment {
            window.comment(t, b);
            if n == 0 {
                comment_after_breakout = true;
                // `#2` and `--INFANT` are prose; `#`, `-- `, `--` at the end and `/*` are not.
                let skip = if b[t.s] == b'#' { 1 } else { 2 };
                strong_comment = !b.get(t.s + skip).is_some_and(u8::is_ascii_alphanumeric);
            } else if n <= HEAD {
                comment_after[n - 1] = true;
            }
            continue;
        }
        if n < HEAD {
            head[n] = t;
        }
        n += 1;
        if let Some(h) = window.push(t, b) {
            best = pick(best, Some(h));
            if best.as_ref().is_some_and(|h| h.level == 1) {
                return best;
            }
        }
    }
    let h = &head[..n.min(HEAD)];
    let cut = &comment_after[..n.min(HEAD)];
    let hit = match breakout {
        Some(close) => {
            // A break-out after prose (`BLUE BROWN' --INFANT`) is much weaker than `admin'--`.
            let prose = b[..close].iter().any(|&c| c == b' ' || c == b'+');
            let strong = comment_after_breakout && strong_comment && !prose;
            quote_rules(h, cut, close, comment_after_breakout, strong, prose, b)
        }
        None => bare_rules(h, cut, b),
    };
    let best = pick(best, window.finish(breakout.unwrap_or(0), b.len()));
    pick(best, hit)
}

fn hit(level: u8, rule: &'static str, evidence: std::ops::Range<usize>) -> Option<Hit> {
    Some(Hit {
        level,
        rule,
        evidence,
    })
}

/// Whether `t` can stand as a value in an expression.
fn operand(k: K) -> bool {
    matches!(
        k,
        K::Num | K::Str | K::Word | K::Var | K::SysVar | K::Value | K::Func(_) | K::Catalog
    )
}

/// Rules for what follows a break-out (or a leading number in bare context): `r` starts right
/// after it, `start` is where the evidence begins.
fn after_breakout(r: &[Tok], cut: &[bool], start: usize, b: &[u8], quoted: bool) -> Option<Hit> {
    let end_of = b.len();
    let ev = |i: usize| start..r.get(i).map_or(end_of, |t| t.e);
    // Skip closing parentheses: `') or ('1'='1`, `1)) union select`.
    let mut p = 0;
    while p < r.len() && r[p].k == K::RPar {
        p += 1;
    }
    let r0 = r.get(p).map(|t| t.k);
    let at = |i: usize| r.get(p + i).map(|t| t.k);
    let last = r.len().saturating_sub(1);
    let is_end = |i: usize| p + i >= r.len() || cut.get(p + i - 1).copied().unwrap_or(false);
    match r0 {
        None => {
            if p > 0 && cut.get(p - 1).copied().unwrap_or(false) {
                return hit(1, "comment-breakout", ev(p - 1));
            }
            None
        }
        // `1.or-id`, `1and 1`: a keyword glued to the number is never prose.
        Some(K::Logic)
            if !quoted
                && p == 0
                && start < r[0].s
                && !r[0].gap
                && b[r[0].s].is_ascii_alphabetic()
                && r.len() > 1
                // `6Or/Vq4` in a base64 token: a binary operator with nothing on its left.
                && (r[1].k != K::Op || matches!(b[r[1].s], b'-' | b'+' | b'~' | b'!')) =>
        {
            hit(1, "number-keyword", ev(1))
        }
        Some(K::Logic) => {
            let mut i = 1;
            while matches!(at(i), Some(K::Not | K::LPar | K::Op)) {
                i += 1;
            }
            let a = at(i);
            match a {
                Some(K::Select | K::Exists) => hit(1, "boolean-subquery", ev(p + i)),
                Some(k) if operand(k) => {
                    let b2 = at(i + 1);
                    if matches!(
                        k,
                        K::Func(Func::Danger | Func::Sleep | Func::Sql | Func::Build)
                    ) {
                        return hit(1, "boolean-function", ev(p + i));
                    }
                    if quoted && k == K::Str && p + i == last && (p > 0 || i > 1) && r[p].gap {
                        // `1')) or (('1`: balanced parentheses around a closed-by-the-query string.
                        return hit(1, "boolean-breakout", ev(p + i));
                    }
                    let follows = |j: usize| {
                        is_end(j)
                            || matches!(
                                at(j),
                                Some(
                                    K::Logic
                                        | K::Cmp
                                        | K::RPar
                                        | K::Semi
                                        | K::Order
                                        | K::Group
                                        | K::Limit
                                        | K::Having
                                        | K::Union
                                )
                            )
                    };
                    if matches!(b2, Some(K::Cmp)) {
                        if at(i + 2).is_some_and(|k| {
                            operand(k) || matches!(k, K::LPar | K::Op | K::Select | K::Not)
                        }) || is_end(i + 2)
                        {
                            return hit(1, "tautology", ev((p + i + 2).min(last)));
                        }
                        return hit(2, "tautology", ev(p + i + 1));
                    }
                    if matches!(b2, Some(K::Op))
                        && at(i + 2).is_some_and(operand)
                        && follows(i + 3)
                        && k != K::Word
                    {
                        return hit(1, "tautology", ev((p + i + 2).min(last)));
                    }
                    if matches!(k, K::Func(Func::Other)) && at(i + 1) == Some(K::LPar) {
                        return hit(2, "boolean-function", ev(p + i));
                    }
                    if follows(i + 1) && !matches!(b2, Some(K::Cmp)) {
                        if matches!(k, K::Value | K::Func(_) | K::Var | K::SysVar) {
                            return hit(1, "tautology", ev(p + i));
                        }
                        if k == K::Num {
                            // `' or 1--`, `1 or 1 group by`; a bare `1 or 2` is too common to block.
                            let weak = !quoted
                                && p == 0
                                && is_end(i + 1)
                                && !cut.get(p + i).copied().unwrap_or(false);
                            return hit(if weak { 3 } else { 1 }, "tautology", ev(p + i));
                        }
                    }
                    None
                }
                _ => None,
            }
        }
        Some(K::Union) => {
            let trunc = r.get(p + 1).is_some_and(|t| {
                t.k == K::Word
                    && t.e - t.s >= 3
                    && t.e - t.s < 6
                    && t.e == end_of
                    && b"select"[..t.e - t.s].eq_ignore_ascii_case(&b[t.s..t.e])
            });
            if matches!(at(1), Some(K::Select | K::Quant | K::LPar)) || trunc {
                hit(1, "union-select", ev(p + 1))
            } else if is_end(1) {
                // A value that ends in UNION leaves the SELECT to the query's own text; the
                // word alone, with no number or quote before it, is one that citizens search
                // for (a union council, a trade union).
                let alone = r[p].s <= start;
                hit(if alone { 3 } else { 1 }, "union-select", ev(p + 1))
            } else {
                None
            }
        }
        Some(K::Semi) => {
            if is_end(1) && quoted {
                return hit(1, "comment-breakout", ev(p));
            }
            match at(1) {
                Some(K::Select) if at(2) != Some(K::Word) => hit(1, "stacked-query", ev(p + 1)),
                Some(K::Stmt | K::Exec | K::Waitfor | K::Set) => {
                    stmt_shape(&r[p + 1..], &cut[p + 1..], start, b)
                }
                Some(K::Kw | K::Func(_)) if is_word_of(b, r.get(p + 1).copied(), b"if") => {
                    conditional(&r[p + 2..]).and_then(|k| hit(1, "stacked-query", ev(p + 2 + k)))
                }
                None => hit(3, "stacked-query", ev(p)),
                _ => None,
            }
        }
        Some(K::Order | K::Group) if at(1) == Some(K::By) => {
            if matches!(at(2), Some(K::Num | K::Func(_) | K::LPar))
                || quoted && !matches!(at(2), Some(K::Word))
            {
                hit(1, "order-by", ev(p + 2))
            } else {
                hit(3, "order-by", ev(p + 1))
            }
        }
        Some(K::Having | K::Where) if at(1).is_some_and(operand) && at(2) == Some(K::Cmp) => {
            hit(1, "clause", ev(p + 2))
        }
        Some(K::Limit) if at(1) == Some(K::Num) && (is_end(2) || at(2) == Some(K::Comma)) => {
            hit(if quoted { 1 } else { 2 }, "clause", ev(p + 1))
        }
        Some(K::Procedure) if is_word_of(b, r.get(p + 1).copied(), b"analyse") => {
            hit(1, "clause", ev(p + 1))
        }
        Some(K::Into) if at(1) == Some(K::Outfile) => hit(1, "into-outfile", ev(p + 1)),
        Some(K::Exec | K::Waitfor | K::Stmt | K::Set) if quoted || p > 0 => {
            stmt_shape(&r[p..], &cut[p..], start, b)
        }
        Some(K::Func(Func::Danger | Func::Sleep)) if quoted => hit(1, "function-breakout", ev(p)),
        Some(K::Cmp | K::Op) => {
            let mut i = 1;
            while matches!(at(i), Some(K::LPar | K::Op)) {
                i += 1;
            }
            match at(i) {
                Some(K::Select) => hit(1, "subquery", ev(p + i)),
                Some(K::Func(Func::Danger | Func::Sleep | Func::Sql | Func::Build)) => {
                    hit(1, "function-breakout", ev(p + i))
                }
                Some(K::Str)
                    if quoted
                        && r[p].k == K::Cmp
                        && p + i == last
                        && r[p].e - r[p].s <= 2
                        && !b[r[p].s].is_ascii_alphabetic() =>
                {
                    hit(1, "tautology", ev(p + i))
                }
                Some(K::Num | K::Str)
                    if quoted && is_end(i + 1) && cut.get(p + i).copied().unwrap_or(false) =>
                {
                    hit(1, "comment-breakout", ev(p + i))
                }
                _ => None,
            }
        }
        Some(K::Comma) if quoted || p > 0 => {
            let mut i = 1;
            while matches!(at(i), Some(K::LPar)) {
                i += 1;
            }
            match at(i) {
                Some(K::Select) => hit(1, "subquery", ev(p + i)),
                Some(K::Func(Func::Danger | Func::Sleep)) => hit(1, "function-breakout", ev(p + i)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn quote_rules(
    h: &[Tok],
    cut: &[bool],
    close: usize,
    comment: bool,
    strong: bool,
    prose: bool,
    b: &[u8],
) -> Option<Hit> {
    if h.is_empty() {
        return if comment {
            hit(
                if strong { 1 } else { 3 },
                "comment-breakout",
                close..b.len(),
            )
        } else {
            None
        };
    }
    if comment {
        // `admin'--` followed by more text: the rest of the query is cut off all the same.
        return hit(
            if strong { 2 } else { 3 },
            "comment-breakout",
            close..h[0].s,
        );
    }
    // `'-'`, `'||'`, `' or '`, `1'||'asd'||'`: operators between strings, the last one closed by
    // the query's own quote; also over SQL's own values (`1'*current_date rlike'0`,
    // `1'*@@version*-0='0`).
    if let Some(last) = h.last() {
        let q = b[close];
        let all = h.iter().all(|t| {
            matches!(
                t.k,
                K::Logic | K::Op | K::Cmp | K::Not | K::Str | K::Num | K::Value | K::SysVar
            )
        });
        let unterminated = last.k == K::Str
            && b[last.s] == q
            && last.e == b.len()
            && (last.e - last.s == 1 || b[last.e - 1] != q);
        let content = &b[(last.s + 1).min(last.e)..last.e];
        if all && unterminated && h.len() >= 2 && h[0].k != K::Str && h[0].k != K::Num {
            let short = content.len() <= 5 && !content.contains(&b' ');
            let exact = close == 0 && content.is_empty() && &b[h[0].s..h[0].e] != b"*";
            let symbolic = !b[h[0].s].is_ascii_alphabetic();
            let star = h.len() == 2 && &b[h[0].s..h[0].e] == b"*";
            if !star && (exact || short && (h[0].gap || symbolic || h.len() >= 4) && !prose) {
                return hit(1, "string-operator", close..b.len());
            }
        }
    }
    let r = after_breakout(h, cut, close, b, true);
    if prose {
        r.map(|mut x| {
            if x.rule == "comment-breakout" {
                x.level = 3;
            }
            x
        })
    } else {
        r
    }
}

/// A statement right after a break-out or a `;`: `drop table t`, `waitfor delay '0:0:5'`,
/// `exec master..xp_cmdshell`, `declare @x`, `shutdown`.
fn stmt_shape(r: &[Tok], cut: &[bool], start: usize, b: &[u8]) -> Option<Hit> {
    let first = r.first()?;
    let w = &b[first.s..first.e];
    let at = |i: usize| r.get(i).map(|t| t.k);
    let ev = |i: usize| start..r.get(i).map_or(b.len(), |t| t.e);
    let is = |x: &[u8]| w.eq_ignore_ascii_case(x);
    let ok = match first.k {
        K::Waitfor => at(1) == Some(K::Delay),
        K::Exec => match r.get(1) {
            // `exec's`: a possessive, the quote left open.
            Some(t) if t.k == K::Str => t.gap || t.e - t.s >= 2 && b[t.e - 1] == b[t.s],
            Some(t) if matches!(t.k, K::Var | K::Catalog) => true,
            // `exec('drop table t')`, `exec(@sql)`, `exec ()`; `exec (` with nothing after it
            // is a fragment of prose.
            Some(t) if t.k == K::LPar => at(2).is_some(),
            Some(t) if matches!(t.k, K::Word | K::Func(_)) => {
                let n = &b[t.s..t.e];
                n.len() > 3
                    && (n[..3].eq_ignore_ascii_case(b"xp_")
                        || n[..3].eq_ignore_ascii_case(b"sp_")
                        || n.len() > 7 && n[..7].eq_ignore_ascii_case(b"master.")
                        // Oracle's dynamic SQL on a string or a variable:
                        // `execute immediate 'drop table t'`.
                        || n.eq_ignore_ascii_case(b"immediate")
                            && matches!(at(2), Some(K::Str | K::Var)))
            }
            _ => false,
        },
        K::Set => matches!(at(1), Some(K::Var | K::Word)) && at(2) == Some(K::Cmp),
        K::Stmt if is(b"drop") || is(b"create") || is(b"alter") || is(b"truncate") => {
            at(1) == Some(K::Table)
        }
        K::Stmt if is(b"insert") => at(1) == Some(K::Into),
        K::Stmt if is(b"delete") => at(1) == Some(K::From),
        K::Stmt if is(b"update") => at(2) == Some(K::Set),
        K::Stmt if is(b"declare") => at(1) == Some(K::Var),
        K::Stmt if is(b"print") => matches!(at(1), Some(K::Var | K::SysVar)),
        // Alone after `;` or a break-out, or cut off by a comment; a value that is the word
        // and nothing else is a search for it.
        K::Stmt if is(b"shutdown") => {
            r.len() == 1 && start < first.s || cut.first().copied().unwrap_or(false)
        }
        K::Stmt if is(b"while") => matches!(at(1), Some(K::Num | K::LPar)),
        // An Oracle block around a call: `BEGIN user_lock.sleep(5); END`.
        K::Stmt if is(b"begin") => {
            r.get(1).is_some_and(|t| match t.k {
                K::Func(Func::Other) => b[t.s..t.e].contains(&b'.'),
                K::Func(_) => true,
                _ => false,
            }) && r.iter().take(16).zip(r.iter().skip(1)).any(|(t, u)| {
                t.k == K::Semi && u.k == K::Case && b[u.s..u.e].eq_ignore_ascii_case(b"end")
            })
        }
        _ => false,
    };
    if ok {
        hit(1, "stacked-query", ev(1))
    } else {
        None
    }
}

/// After a stacked `IF`: a condition of SQL's own (a comparison of values, in parentheses or
/// not) and then a statement, `(1=1) SELECT 1 ELSE DROP FUNCTION x`, `1=1 WAITFOR DELAY ...`;
/// returns where the statement is. Prose after `; if` (`; if you select one`) has words there.
fn conditional(r: &[Tok]) -> Option<usize> {
    let stmt = r
        .iter()
        .take(12)
        .position(|t| matches!(t.k, K::Select | K::Stmt | K::Exec | K::Waitfor | K::Set))?;
    let cond = &r[..stmt];
    let words = cond.iter().filter(|t| t.k == K::Word).count();
    let compares = cond.iter().any(|t| t.k == K::Cmp);
    let sql = cond.iter().all(|t| {
        matches!(
            t.k,
            K::LPar
                | K::RPar
                | K::Num
                | K::Str
                | K::Cmp
                | K::Op
                | K::Logic
                | K::Not
                | K::Var
                | K::SysVar
                | K::Value
                | K::Func(_)
                | K::Word
                | K::Exists
        )
    });
    (compares && sql && words <= 1).then_some(stmt)
}

fn bare_rules(h: &[Tok], cut: &[bool], b: &[u8]) -> Option<Hit> {
    let mut i = 0;
    // `-1 union select`, `+1 or 1=1`.
    while i < h.len() && h[i].k == K::Op && h.get(i + 1).is_some_and(|t| t.k == K::Num) && i < 2 {
        i += 1;
    }
    let first = h.get(i)?;
    match first.k {
        K::Num => {
            let rest = &h[i + 1..];
            let cut_rest = &cut[i + 1..];
            if rest.is_empty() {
                return if cut.get(i).copied().unwrap_or(false) {
                    hit(3, "comment-breakout", first.s..b.len())
                } else {
                    None
                };
            }
            after_breakout(rest, cut_rest, first.s, b, false)
        }
        K::RPar | K::Logic | K::Union | K::Semi => {
            let hit = after_breakout(&h[i..], &cut[i..], first.s, b, false);
            // A value starting with `or`/`and` is prose more often than not: only the strong
            // forms count.
            hit.filter(|h| first.k != K::Logic || h.rule != "tautology" || h.level == 1)
        }
        K::Order | K::Group | K::Having | K::Where => {
            after_breakout(&h[i..], &cut[i..], first.s, b, false)
        }
        // `'642' and (version() like ...`: a whole literal, then SQL.
        K::Str => {
            after_breakout(&h[i + 1..], &cut[i + 1..], first.s, b, false).filter(|h| h.level == 1)
        }
        K::LPar => {
            let mut j = i;
            while h.get(j).is_some_and(|t| t.k == K::LPar) {
                j += 1;
            }
            if h.get(j).is_some_and(|t| t.k == K::Select)
                && h.get(j + 1)
                    .is_some_and(|t| !matches!(t.k, K::Word | K::Quant))
            {
                return hit(1, "subquery", first.s..h[j].e);
            }
            let k = |n: usize| h.get(j + n).map(|t| t.k);
            // `(select banner from v$version where rownum=1)`: a whole query, clause and all.
            if k(0) == Some(K::Select)
                && k(1) == Some(K::Word)
                && k(2) == Some(K::From)
                && k(3).is_some_and(operand)
                && matches!(k(4), Some(K::Where | K::Order | K::Group | K::Limit))
            {
                return hit(1, "subquery", first.s..h[j + 4].e);
            }
            // `(1234=1234)`: a test of a number against itself, the probe of a numeric
            // parameter.
            if k(0) == Some(K::Num)
                && k(1) == Some(K::Cmp)
                && k(2) == Some(K::Num)
                && k(3) == Some(K::RPar)
            {
                let (x, op, y) = (h[j], h[j + 1], h[j + 2]);
                if &b[op.s..op.e] == b"=" && b[x.s..x.e] == b[y.s..y.e] {
                    return hit(1, "tautology", first.s..h[j + 3].e);
                }
            }
            None
        }
        K::Stmt | K::Exec | K::Waitfor => stmt_shape(&h[i..], &cut[i..], first.s, b),
        _ => None,
    }
}

/// A short sliding window over the tokens of one context, for the shapes that are SQL wherever
/// they appear, and a tally for the "nothing but SQL" rule.
#[derive(Default)]
struct Window {
    t: [Option<Tok>; W],
    builds: u32,
    /// Words that are neither keywords nor function names: prose.
    words: u32,
    tokens: u32,
    selects: u32,
    unions: u32,
    logic: u32,
    cmp: u32,
    sql_funcs: u32,
    parens: u32,
    /// The last token was a comment.
    cut: bool,
    /// A `CASE` expression being read: see [`Window::case`].
    case: CaseExpr,
    /// The comment that just ended was glued to the token before it and to what follows.
    glued: bool,
    /// Glued comments next to a clause keyword.
    glued_keywords: u32,
}

/// How far a `CASE WHEN x THEN y ELSE z END` has been read.
#[derive(Default, Clone, Copy)]
struct CaseExpr {
    /// 0: nothing; 1: `CASE`; 2: its `WHEN`; 3: `THEN` after a comparison or a literal.
    stage: u8,
    /// Where `CASE` starts, and the token count there.
    start: usize,
    at: u32,
    /// A symbolic comparison after `WHEN`, or a literal between `CASE` and `WHEN`.
    test: bool,
}

const W: usize = 6;

fn is_word_of(b: &[u8], t: Option<Tok>, w: &[u8]) -> bool {
    t.is_some_and(|t| b[t.s..t.e].eq_ignore_ascii_case(w))
}

impl Window {
    fn comment(&mut self, t: Tok, b: &[u8]) {
        self.cut = true;
        // `select/**/password/**/from`: a comment standing for a space, with no space around.
        self.glued = self.tokens > 0
            && t.s > 0
            && is_space(b, t.s - 1) == 0
            && t.e < b.len()
            && is_space(b, t.e) == 0;
    }

    /// `CASE WHEN 1=1 THEN 1 ELSE 0 END`, `CASE 1 WHEN 1 THEN ...`: a conditional that only
    /// SQL writes, with its keywords in order (`WHEN` right after `CASE` or one operand, a test
    /// before `THEN`, then `ELSE` or `END`). Prose ("in case, when it rains, then...") has no
    /// comparison there and seldom all four words.
    fn case(&mut self, t: Tok, b: &[u8]) -> Option<Hit> {
        let c = &mut self.case;
        if t.k != K::Case {
            // A symbolic comparison after `WHEN` (`is` and `like` are prose words too), or a
            // literal between `CASE` and `WHEN` (`CASE 1 WHEN 1`).
            let test = match c.stage {
                1 => matches!(t.k, K::Num | K::Str),
                2 => t.k == K::Cmp && !b[t.s].is_ascii_alphabetic(),
                _ => false,
            };
            c.test |= test;
            return None;
        }
        let w = &b[t.s..t.e];
        let is = |x: &[u8]| w.eq_ignore_ascii_case(x);
        if is(b"case") {
            *c = CaseExpr {
                stage: 1,
                start: t.s,
                at: self.tokens,
                test: false,
            };
        } else if is(b"when") {
            if c.stage == 1 && self.tokens - c.at <= 2 {
                c.stage = 2;
            } else {
                c.stage = 0;
            }
        } else if is(b"then") {
            c.stage = if c.stage == 2 && c.test { 3 } else { 0 };
        } else if c.stage == 3 {
            // `else` or `end`.
            return hit(1, "case-when", c.start..t.e);
        }
        None
    }

    fn push(&mut self, t: Tok, b: &[u8]) -> Option<Hit> {
        self.t.rotate_left(1);
        self.t[W - 1] = Some(t);
        self.cut = false;
        self.tokens += 1;
        if std::mem::take(&mut self.glued) {
            let clause = |k: Option<K>| {
                matches!(
                    k,
                    Some(
                        K::Select
                            | K::From
                            | K::Union
                            | K::Where
                            | K::Logic
                            | K::Order
                            | K::Group
                            | K::Having
                            | K::Limit
                            | K::Into
                    )
                )
            };
            let before = self.t[W - 2].map(|x| x.k);
            let s = self.t[W - 2].map_or(t.s, |x| x.s);
            // Right after a statement's first word: `drop/**/table`, `select/**/password`.
            if matches!(before, Some(K::Select | K::Union | K::Stmt)) {
                return hit(1, "comment-spacing", s..t.e);
            }
            if clause(before) || clause(Some(t.k)) {
                self.glued_keywords += 1;
                // Two of them: `1/**/or/**/1`, `password/**/from/**/members`.
                if self.glued_keywords >= 2 {
                    return hit(1, "comment-spacing", s..t.e);
                }
            }
        }
        // A keyword the lexer put together across a comment: `DR/**/OP`, `UN/*x*/ION`.
        if !matches!(t.k, K::Word | K::Num | K::Str | K::Var | K::Catalog)
            && b[t.s..t.e].contains(&b'/')
            && t.e - t.s > 4
        {
            return hit(1, "comment-spacing", t.s..t.e);
        }
        if (self.case.stage > 0 || t.k == K::Case)
            && let Some(h) = self.case(t, b)
        {
            return Some(h);
        }
        // Back from the current token: p(1) is the previous one.
        let p = |i: usize| {
            if i < W {
                self.t[W - 1 - i].map(|t| t.k)
            } else {
                None
            }
        };
        let tok = |i: usize| if i < W { self.t[W - 1 - i] } else { None };
        let ev = |i: usize| tok(i).map_or(t.s, |x| x.s)..t.e;
        match t.k {
            K::Word => self.words += 1,
            K::LPar => {
                self.parens += 1;
                if p(1) == Some(K::Word) && self.words > 0 {
                    self.words -= 1;
                }
            }
            K::Select => self.selects += 1,
            K::Union => self.unions += 1,
            K::Logic => self.logic += 1,
            K::Cmp => self.cmp += 1,
            K::Func(Func::Other) => {}
            K::Func(_) => self.sql_funcs += 1,
            _ => {}
        }
        // UNION [ALL|DISTINCT] [(] SELECT, with unary operators between.
        if t.k == K::Select {
            let mut i = 1;
            while i < W && matches!(p(i), Some(K::LPar | K::Quant | K::Op)) {
                i += 1;
            }
            if p(i) == Some(K::Union) {
                return hit(1, "union-select", ev(i));
            }
        }
        // SELECT followed by what only a query has: `select *`, `select version()`,
        // `select @@version`, `select (1)`, `select 1,`, `select -'1' from`.
        if p(1) == Some(K::Select) {
            match t.k {
                K::Func(_) | K::SysVar | K::Catalog | K::Var => return hit(1, "select", ev(1)),
                K::Op if &b[t.s..t.e] == b"*" => return hit(1, "select", ev(1)),
                _ => {}
            }
        }
        if p(2) == Some(K::Select)
            && p(1) == Some(K::LPar)
            && matches!(
                t.k,
                K::Num | K::Str | K::Var | K::SysVar | K::LPar | K::Func(_) | K::Select | K::Value
            )
        {
            return hit(1, "select", ev(2));
        }
        if matches!(t.k, K::Comma | K::From | K::Op | K::Semi | K::RPar)
            && matches!(p(1), Some(K::Num | K::Str | K::Value))
            && (p(2) == Some(K::Select) || p(2) == Some(K::Op) && p(3) == Some(K::Select))
        {
            return hit(1, "select", ev(if p(2) == Some(K::Select) { 2 } else { 3 }));
        }
        // `(select 1`, `(select null`.
        if p(2) == Some(K::LPar)
            && p(1) == Some(K::Select)
            && matches!(t.k, K::Num | K::Value | K::Str)
        {
            return hit(1, "subquery", ev(2));
        }
        if p(1) == Some(K::From) && t.k == K::Catalog {
            return hit(1, "catalog", ev(1));
        }
        // PostgreSQL's cast of a call's or a subquery's result, `version()::int`,
        // `(select password from users)::text`: the way to read a value through an error.
        if matches!(t.k, K::Word | K::Kw)
            && p(1) == Some(K::Op)
            && p(2) == Some(K::Op)
            && p(3) == Some(K::RPar)
            && tok(1)
                .zip(tok(2))
                .is_some_and(|(x, y)| b[x.s] == b':' && b[y.s] == b':' && x.s == y.s + 1 && !x.gap)
            && !t.gap
            && is_sql_type(&b[t.s..t.e])
        {
            return hit(1, "cast", ev(3));
        }
        // `and 1=1`, `or 'a'='a'`, `where 1=1`.
        if matches!(t.k, K::Num | K::Str)
            && p(1) == Some(K::Cmp)
            && matches!(p(2), Some(K::Num | K::Str))
            && matches!(p(3), Some(K::Logic | K::Where | K::Having))
        {
            let cmp = tok(1).map_or(&b[0..0], |x| &b[x.s..x.e]);
            if !cmp.first().is_some_and(u8::is_ascii_alphabetic) {
                return hit(1, "tautology", ev(3));
            }
        }
        match t.k {
            K::Func(Func::Danger) => {
                // Stand-alone words like `polygon(` or `exp(` need more around them.
                let w = &b[t.s..t.e];
                let weak = w.len() <= 3
                    || w.eq_ignore_ascii_case(b"polygon")
                    || w.eq_ignore_ascii_case(b"multipoint")
                    || w.eq_ignore_ascii_case(b"linestring");
                return hit(if weak { 3 } else { 1 }, "sql-function", ev(0));
            }
            K::Num if p(2) == Some(K::Func(Func::Sleep)) && p(1) == Some(K::LPar) => {
                // `sleep(5)`, not "Sleep(8 hours) a night".
                let unit = b[t.e..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(u8::is_ascii_alphabetic);
                if !unit {
                    return hit(1, "sql-function", ev(2));
                }
            }
            K::Str if p(2) == Some(K::Waitfor) && p(1) == Some(K::Delay) => {
                return hit(1, "waitfor-delay", ev(2));
            }
            K::Outfile if p(1) == Some(K::Into) => return hit(1, "into-outfile", ev(1)),
            K::Catalog if p(1) == Some(K::Exec) => return hit(1, "exec", ev(1)),
            K::Word | K::Func(_) if p(1) == Some(K::Exec) => {
                let w = &b[t.s..t.e];
                if w.len() > 3
                    && (w[..3].eq_ignore_ascii_case(b"xp_") || w[..3].eq_ignore_ascii_case(b"sp_"))
                {
                    return hit(1, "exec", ev(1));
                }
            }
            // Nested SQL functions after a boolean: `and substring(version(),1,1)`.
            K::Func(Func::Sql | Func::Build)
                if p(1) == Some(K::LPar)
                    && matches!(p(2), Some(K::Func(Func::Sql | Func::Build)))
                    && p(3) == Some(K::Logic) =>
            {
                return hit(1, "boolean-function", ev(3));
            }
            _ => {}
        }
        // Strings built from character codes: `char(58)||char(58)`, `concat(0x71,...)`.
        if p(2) == Some(K::Func(Func::Build)) && p(1) == Some(K::LPar) && t.k == K::Num {
            self.builds += 1;
            if self.builds >= 2 {
                return hit(1, "char-chain", ev(2));
            }
        }
        // CONVERT(int, ...).
        if p(3) == Some(K::Func(Func::Sql))
            && p(2) == Some(K::LPar)
            && t.k == K::Comma
            && is_word_of(b, tok(3), b"convert")
        {
            return hit(1, "error-function", ev(3));
        }
        // Statements: `update t set c=`, `insert into t values`, `drop table t`.
        if t.k == K::Cmp
            && p(2) == Some(K::Set)
            && p(4) == Some(K::Stmt)
            && is_word_of(b, tok(4), b"update")
        {
            return hit(1, "statement", ev(4));
        }
        if matches!(t.k, K::Values | K::Select | K::LPar)
            && p(1) == Some(K::Word)
            && p(2) == Some(K::Into)
            && is_word_of(b, tok(3), b"insert")
        {
            return hit(1, "statement", ev(3));
        }
        if t.k == K::Var && p(1) == Some(K::Stmt) && is_word_of(b, tok(1), b"declare") {
            return hit(1, "statement", ev(1));
        }
        // MSSQL's `PRINT @@version`: a server variable printed, which no sentence writes.
        if t.k == K::SysVar && p(1) == Some(K::Stmt) && is_word_of(b, tok(1), b"print") {
            return hit(1, "statement", ev(1));
        }
        if t.k == K::Catalog || t.k == K::SysVar {
            return hit(2, "catalog", ev(0));
        }
        if p(1) == Some(K::Stmt) && matches!(t.k, K::Table | K::Into) {
            let w = tok(1);
            if is_word_of(b, w, b"drop")
                || is_word_of(b, w, b"insert")
                || is_word_of(b, w, b"create")
                || is_word_of(b, w, b"alter")
            {
                return hit(2, "statement", ev(1));
            }
        }
        None
    }

    /// At the end of the value: is it nothing but SQL, and SQL that does something?
    fn finish(&self, start: usize, end: usize) -> Option<Hit> {
        let p = |i: usize| {
            if i < W {
                self.t[W - 1 - i].map(|t| t.k)
            } else {
                None
            }
        };
        // `select 1--`, `select null`.
        if matches!(p(0), Some(K::Num | K::Value))
            && p(1) == Some(K::Select)
            && (self.cut || self.tokens == 2)
        {
            return hit(1, "select", start..end);
        }
        if self.words > 0 || self.tokens < 3 {
            return None;
        }
        let strong = self.selects > 0
            || self.unions > 0
            || (self.logic > 0 && self.cmp > 0)
            || self.sql_funcs >= 2
            || (self.sql_funcs >= 1 && (self.cmp > 0 || self.logic > 0))
            || (self.cut && (self.logic > 0 || self.cmp > 0 || self.parens > 0));
        if strong {
            hit(1, "sql-expression", start..end)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lvl(s: &str) -> u8 {
        scan(s).map_or(0, |h| h.level)
    }

    #[test]
    fn classic() {
        for s in [
            "' or 1=1--",
            "admin'--",
            "1 union select 1,2",
            "1' and sleep(5)#",
            "-1 UNION/**/SELECT 1",
        ] {
            assert_eq!(lvl(s), 1, "{s}");
        }
        for s in [
            "privacy policy",
            "O'Brien",
            "it's",
            "select a union representative",
        ] {
            assert_eq!(lvl(s), 0, "{s}");
        }
    }

    /// The check as it was before `quick`: only the word prefilter, then the rules.
    fn reference(b: &[u8]) -> Option<Hit> {
        if !b.iter().any(|&c| SPECIAL[c as usize])
            && !words_only_suspect(b)
            && !words_name_catalog(b)
        {
            return None;
        }
        scan_bytes_full(b)
    }

    /// Pieces that values in the differential test are made of.
    const PIECES: &[&str] = &[
        " ",
        "'",
        "\"",
        "(",
        ")",
        "1",
        "0x1f",
        "=",
        "<",
        ">",
        "!",
        "-",
        "+",
        "*",
        ",",
        ".",
        ";",
        "--",
        "#",
        "/*",
        "*/",
        "/*!",
        "||",
        "&&",
        "@",
        "@@",
        "%27",
        "\\",
        "`",
        "[",
        "]",
        "{fn ",
        "}",
        "_",
        "\u{a0}",
        "or",
        "and",
        "union",
        "select",
        "from",
        "where",
        "like",
        "is",
        "in",
        "order",
        "by",
        "limit",
        "set",
        "update",
        "insert",
        "into",
        "drop",
        "table",
        "exec",
        "waitfor",
        "delay",
        "sleep",
        "version",
        "char",
        "concat",
        "null",
        "not",
        "case",
        "::",
        "int",
        "when",
        "then",
        "else",
        "end",
        "as",
        "information_schema",
        "sys.objects",
        "master..",
        "xp_cmdshell",
        "prose",
        "Brien",
        "it",
        "O",
        "word",
        "x",
        "a",
        "ab",
        "dbms_lock.sleep",
        "having",
        "group",
        "declare",
        "shutdown",
        "procedure",
        "analyse",
        "outfile",
        "values",
        "exists",
        "true",
        "all",
        "between",
        "div",
        "\u{627}",
        "semi",
        "if",
        "left",
        "count",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// The prefilters never clear a value the rules would flag.
        #[test]
        fn prefilter_agrees_with_the_rules(idx in proptest::collection::vec(0..PIECES.len(), 0..14)) {
            let v: String = idx.iter().map(|&i| PIECES[i]).collect();
            proptest::prop_assert_eq!(scan_bytes(v.as_bytes()), reference(v.as_bytes()), "{:?}", v);
        }
    }

    /// Pieces of the values [`plain_short`] clears: names, numbers, addresses, and the SQL
    /// that could hide among them.
    const PLAIN_PIECES: [&str; 24] = [
        "'",
        "-",
        "@",
        ",",
        " ",
        ".",
        "_",
        "O",
        "Brien",
        "ayesha",
        "example",
        "pk",
        "35202",
        "1",
        "0x41",
        "1e5",
        "or",
        "sys",
        "objects",
        "information",
        "schema",
        "admin",
        "sleep",
        "x",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// A value that [`plain_short`] clears gets no hit from the rules.
        #[test]
        fn plain_values_get_no_hit(idx in proptest::collection::vec(0..PLAIN_PIECES.len(), 0..12)) {
            let v: String = idx.iter().map(|&i| PLAIN_PIECES[i]).collect();
            if plain_short(v.as_bytes()) {
                proptest::prop_assert_eq!(reference(v.as_bytes()), None, "{:?}", v);
            }
        }
    }

    #[test]
    fn keywords_are_sorted_and_unique() {
        assert!(KEYWORDS.windows(2).all(|p| p[0].0 < p[1].0));
        for (w, k) in KEYWORDS {
            assert_eq!(keyword(w), k);
        }
        assert_eq!(keyword(b"union"), K::Union);
        assert_eq!(keyword(b"unions"), K::Word);
        assert_eq!(keyword(b""), K::Word);
        assert_eq!(keyword(b"procedure_"), K::Table);
        assert_eq!(keyword(b"UnIoN"), K::Union);
        assert_eq!(keyword(b"averyveryverylongwordindeed"), K::Word);
    }

    #[test]
    fn plain_shapes_are_cleared_early() {
        for v in [
            "ayesha.khan@example.pk",
            "35202-1234567-1",
            "Siobhan O'Brien",
            "+92 300",
        ] {
            assert_eq!(plain_short(v.as_bytes()), !v.contains('+'), "{v}");
        }
        for v in [
            "a' or 'b",
            "x--",
            "a@@b",
            "it's not",
            "sys.objects",
            "a,b;c",
            "'.'",
        ] {
            assert!(!plain_short(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn numbers_that_run_into_keywords() {
        for v in [
            "0x1for@oror",
            "0x1for oror",
            "0x1for",
            "1e5union select",
            "0x1fand 1",
            "0x1f or@a",
        ] {
            assert_eq!(scan_bytes(v.as_bytes()), reference(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn prefilter_agrees_on_the_corpus() {
        let text = crate::screen::test_support::case_file("sqli.toml");
        for line in text.lines() {
            let v = line.as_bytes();
            assert_eq!(scan_bytes(v), reference(v), "{line}");
            for w in line.split(['"', '\'', '=']) {
                assert_eq!(scan_bytes(w.as_bytes()), reference(w.as_bytes()), "{w}");
            }
        }
    }

    #[test]
    fn adversarial_megabyte_inputs() {
        for unit in [
            "'", "/*", "(", "-", "'\"", "\\", "%27", "1 or ", "union", "/*!", "{fn ",
        ] {
            let s = unit.repeat((1 << 20) / unit.len());
            let t = std::time::Instant::now();
            let _ = scan(&s);
            assert!(t.elapsed() < std::time::Duration::from_secs(2), "{unit}");
        }
    }
}
