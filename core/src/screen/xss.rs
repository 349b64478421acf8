//! Cross-site scripting: would this value run script if a page echoed it back?
//!
//! A value can be echoed into HTML text, into an attribute (quoted or not), into a URL attribute,
//! into a `<script>` block or into a client-side template. The check reads the value the way a
//! browser would read it in each of those places:
//!
//! - a small, forgiving HTML tokenizer finds tags and their attributes: tags that run or load
//!   something (`<script>`, `<iframe src>`, `<object>`, `<embed>`, `<base href>`,
//!   `<meta http-equiv=refresh>`, `<link rel=import>`, `<form action>`), event handler attributes
//!   on any tag (`<svg/onload=...>`, `<x onclick=...>`), script URLs in any attribute
//!   (`href=javascript:`, `data:text/html`), `srcdoc=` and dangerous CSS
//!   (`expression(`, `behavior:`, `@import`);
//! - attribute break-outs without a tag (`" onmouseover="alert(1)`), script URLs as a whole
//!   value (`javascript:alert(1)` in a redirect parameter);
//! - calls of the usual proof-of-concept sinks (`alert(`, `prompt(`, `eval(`, `document.write(`)
//!   right after a JavaScript break-out (`';alert(1)//`, `"-alert(1)-"`);
//! - template delimiters (`{{constructor.constructor('alert(1)')()}}`, `${alert(1)}`), and the
//!   probes of server-side template injection: arithmetic on numbers (`{{7*7}}`, `${7*7}`),
//!   Python's dunder attributes (`{{''.__class__.__mro__}}`), calls that reach the system or
//!   reflection (`${T(java.lang.Runtime).getRuntime().exec('id')}`) and template statements
//!   (`{% for c in [1,2,3] %}`).
//!
//! Before that the value is decoded the way layered escaping hides it: HTML entities (named,
//! decimal, hexadecimal, with or without `;`), a further layer of `%XX` and `%uXXXX`, JavaScript
//! escapes (`\x3c`, `\u003c`, `\u{3c}`), fullwidth forms (`＜`) and NUL bytes, until nothing
//! changes (at most four rounds).
//!
//! Plain formatting markup (`<p>`, `<b>`, `<a href="https://...">`, `<ul><li>`) is at most a
//! level-4 signal, so rich-text posts pass at every lower paranoia level; prose with `<`, `>`,
//! `on=` or the word "JavaScript" does not come near level 1.
//!
//! Every pass is linear in the value: the tokenizer never goes back, a search for a closing quote
//! is remembered, and windows that look ahead or behind have fixed sizes. Values without any of
//! the bytes an attack needs are cleared by a byte-table check with no allocation.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Hit;

/// Scans one decoded value.
///
/// Returns a hit when the value would run script if echoed into a page: level 1 for a plain
/// attack (a script tag, an event handler, a script URL, a sink called after a break-out),
/// levels 2 to 4 for weaker signals down to harmless formatting markup.
pub fn scan(value: &str) -> Option<Hit> {
    let raw = value.as_bytes();
    if !has_trigger(raw) || quick_clean(raw) {
        return None;
    }
    scan_full(value)
}

/// [`scan`] without the prefilters.
fn scan_full(value: &str) -> Option<Hit> {
    let raw = value.as_bytes();
    let text = Text::decode(raw);
    let s: &[u8] = &text.bytes;
    let mut best = Best::default();
    tags(s, &mut best);
    if !best.certain() {
        let marks = Marks::find(s);
        breakouts(s, &mut best);
        if !best.certain() {
            schemes(s, &mut best);
        }
        if !best.certain() {
            sinks(s, &marks, &mut best);
        }
        if !best.certain() {
            templates(s, &marks, &mut best);
        }
        if !best.certain() {
            css_after_style(s, &marks, &mut best);
        }
        if !best.certain() {
            obfuscated(s, &mut best);
        }
    }
    best.finish(&text, value)
}

// ---------------------------------------------------------------------------------------------
// Prefilter

/// Bytes without which no rule can match: tags and break-outs need `<` or `=`, script URLs `:`,
/// calls `(` or a backtick, templates `{`, and encodings `&`, `%`, `\`, NUL or the first byte of
/// a fullwidth form.
pub(super) const TRIGGER: [bool; 256] = {
    let mut t = [false; 256];
    let set = b"<&%\\:({=`\0";
    let mut i = 0;
    while i < set.len() {
        t[set[i] as usize] = true;
        i += 1;
    }
    t[0xEF] = true;
    t[0xC2] = true;
    t
};

/// Whether `raw` holds a [`TRIGGER`] byte (a table for short values, `memchr` for long ones),
/// or a quoted member access (`document["cookie"]`). A bracket alone is no trigger: parameter
/// names such as `user[email]` are full of them.
fn has_trigger(raw: &[u8]) -> bool {
    let any = if raw.len() < 64 {
        raw.iter().any(|&b| TRIGGER[usize::from(b)])
    } else {
        memchr::memchr3(b'<', b'&', b'%', raw).is_some()
            || memchr::memchr3(b'\\', b':', b'(', raw).is_some()
            || memchr::memchr3(b'{', b'=', b'`', raw).is_some()
            || memchr::memchr3(0, 0xEF, 0xC2, raw).is_some()
    };
    any || quoted_member(raw)
}

/// Whether `raw` has a bracket right before a quote: `document["cookie"]`.
pub(super) fn quoted_member(raw: &[u8]) -> bool {
    if raw.len() < 64 {
        raw.windows(2)
            .any(|w| w[0] == b'[' && matches!(w[1], b'"' | b'\''))
    } else {
        memchr::memchr_iter(b'[', raw).any(|i| matches!(raw.get(i + 1), Some(b'"' | b'\'')))
    }
}

/// Whether a value that passed the byte prefilter still certainly gets no hit: nothing in it
/// decodes, it has no `<`, no template or bracket, no event handler name before `=`, no `style`
/// before `=`, no script scheme before `:`, no sink name before `(`, no DOM property after `.`
/// and no `constructor`. Each rule of the check needs one of those. Linear, no allocation.
fn quick_clean(s: &[u8]) -> bool {
    if memchr::memchr3(b'<', b'{', b'}', s).is_some() || memchr::memchr2(b'[', b'`', s).is_some() {
        return false;
    }
    // Escapes that a decoding round would change.
    let decodes = |i: usize| {
        let rest = &s[i..];
        match rest[0] {
            b'&' => entity(rest).is_some(),
            b'%' => percent(rest).is_some(),
            b'\\' => js_escape(rest).is_some(),
            0 => true,
            0xEF => fullwidth(rest).is_some(),
            _ => matches!(rest.get(1), Some(0xBC | 0xBE)),
        }
    };
    if memchr::memchr3_iter(b'&', b'%', b'\\', s).any(decodes)
        || memchr::memchr3_iter(0, 0xEF, 0xC2, s).any(decodes)
    {
        return false;
    }
    // `on...=` (as `breakouts` reads it), `style=`, and a sink given to a name (`a=alert`).
    for eq in memchr::memchr_iter(b'=', s) {
        if PROOF_SINKS.iter().any(|k| starts_i(&s[eq + 1..], k)) {
            return false;
        }
        let mut e = eq;
        while e > 0 && is_space(s[e - 1]) && eq - e < 8 {
            e -= 1;
        }
        let mut a = e;
        while a > 0 && s[a - 1].is_ascii_alphabetic() && e - a < 40 {
            a -= 1;
        }
        if e - a >= 5 && starts_i(&s[a..e], b"on") {
            return false;
        }
        let mut k = eq;
        while k > 0 && s[k - 1] <= b' ' {
            k -= 1;
        }
        if k >= 5 && s[k - 5..k].eq_ignore_ascii_case(b"style") {
            return false;
        }
    }
    // Script URLs, as `schemes` reads them.
    for colon in memchr::memchr_iter(b':', s) {
        let mut a = colon;
        let mut letters = 0;
        while a > 0 && letters < 12 {
            let b = s[a - 1];
            if b.is_ascii_alphabetic() {
                letters += 1;
            } else if !matches!(b, b'\t' | b'\n' | b'\r') {
                break;
            }
            a -= 1;
        }
        if letters >= 4 && script_url(&s[a..]).is_some() {
            return false;
        }
    }
    // Calls of sinks, also handed on (`(alert)(`, `alert?.(`, `.map(alert)`; `onerror=alert`
    // is an `on...=` above).
    for p in memchr::memchr_iter(b'(', s) {
        let before = &s[..p];
        let ends = |t: &[u8], k: &[u8]| {
            t.len() >= k.len() && t[t.len() - k.len()..].eq_ignore_ascii_case(k)
        };
        let call = KEYWORDS
            .iter()
            .any(|&(k, kind)| kind == Kind::Call && ends(before, k.as_bytes()));
        let handed = PROOF_SINKS.iter().any(|&k| {
            before
                .strip_suffix(b")")
                .or_else(|| before.strip_suffix(b"?."))
                .is_some_and(|t| ends(t, k))
                || starts_i(&s[p + 1..], k)
        });
        if call || handed {
            return false;
        }
    }
    // DOM properties.
    for d in memchr::memchr_iter(b'.', s) {
        let after = &s[d + 1..];
        let dom = [
            &b"cookie"[..],
            b"domain",
            b"location",
            b"href",
            b"hash",
            b"innerhtml",
            b"outerhtml",
        ];
        if dom.iter().any(|w| starts_i(after, w)) {
            return false;
        }
    }
    // `constructor`.
    if memchr::memchr2_iter(b'c', b'C', s).any(|i| starts_i(&s[i..], b"constructor")) {
        return false;
    }
    // `obfuscated`: a CSS property that loads code (its colon), `![]` (JSFuck), `cookie`.
    !(memchr::memchr_iter(b':', s).any(|c| css_loader_before(s, c))
        || jsfuck_atoms(s).next().is_some()
        || memchr::memchr2_iter(b'c', b'C', s).any(|i| starts_i(&s[i..], b"cookie")))
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// The value after decoding, with the source span of every decoded byte.
struct Text<'a> {
    bytes: Cow<'a, [u8]>,
    /// `None` when nothing was decoded (byte `i` comes from byte `i`).
    spans: Option<Vec<Span>>,
}

impl<'a> Text<'a> {
    fn decode(raw: &'a [u8]) -> Self {
        let mut text = Text {
            bytes: Cow::Borrowed(raw),
            spans: None,
        };
        if !raw
            .iter()
            .any(|&b| matches!(b, b'&' | b'%' | b'\\' | 0 | 0xEF | 0xC2))
        {
            return text;
        }
        for _ in 0..4 {
            match decode_pass(&text.bytes, text.spans.as_deref()) {
                Some((bytes, spans)) => {
                    text.bytes = Cow::Owned(bytes);
                    text.spans = Some(spans);
                }
                None => break,
            }
        }
        text
    }

    /// The source range of decoded bytes `r`, widened to character boundaries of `value`.
    fn source(&self, r: Range<usize>, value: &str) -> Range<usize> {
        let (mut a, mut b) = match &self.spans {
            None => (r.start, r.end),
            Some(sp) => {
                let a = sp.get(r.start).map_or(value.len(), |x| x.0 as usize);
                let b = r
                    .end
                    .checked_sub(1)
                    .and_then(|i| sp.get(i))
                    .map_or(a, |x| x.1 as usize);
                (a, b)
            }
        };
        a = a.min(value.len());
        b = b.clamp(a, value.len());
        while a > 0 && !value.is_char_boundary(a) {
            a -= 1;
        }
        while b < value.len() && !value.is_char_boundary(b) {
            b += 1;
        }
        a..b
    }
}

fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// One round of decoding; `None` when the round changed nothing.
/// Where a decoded byte came from: a byte range of the original value.
type Span = (u32, u32);

fn decode_pass(src: &[u8], spans: Option<&[Span]>) -> Option<(Vec<u8>, Vec<Span>)> {
    let span = |a: usize, b: usize| -> Span {
        match spans {
            Some(m) => (
                m.get(a).map_or(u32::MAX, |x| x.0),
                m.get(b.saturating_sub(1)).map_or(u32::MAX, |x| x.1),
            ),
            None => (to_u32(a), to_u32(b)),
        }
    };
    let mut out = Vec::with_capacity(src.len());
    let mut map = Vec::with_capacity(src.len());
    let mut changed = false;
    let mut i = 0;
    while i < src.len() {
        let rest = &src[i..];
        let decoded = match rest[0] {
            b'&' => entity(rest),
            b'%' => percent(rest),
            b'\\' => js_escape(rest),
            0 => Some((1, Dec::None)),
            0xEF => fullwidth(rest),
            // `¼script¾`: on a page served as US-ASCII the high bit is dropped.
            0xC2 => match rest.get(1) {
                Some(0xBC) => Some((2, Dec::Byte(b'<'))),
                Some(0xBE) => Some((2, Dec::Byte(b'>'))),
                _ => None,
            },
            _ => None,
        };
        match decoded {
            Some((used, dec)) => {
                changed = true;
                let sp = span(i, i + used);
                let mut buf = [0u8; 4];
                let bytes: &[u8] = match dec {
                    Dec::None => &[],
                    Dec::Byte(b) => {
                        buf[0] = b;
                        &buf[..1]
                    }
                    Dec::Char(c) => c.encode_utf8(&mut buf).as_bytes(),
                };
                for &b in bytes {
                    out.push(b);
                    map.push(sp);
                }
                i += used;
            }
            None => {
                out.push(rest[0]);
                map.push(span(i, i + 1));
                i += 1;
            }
        }
    }
    changed.then_some((out, map))
}

/// What an escape sequence stands for.
enum Dec {
    None,
    Byte(u8),
    Char(char),
}

fn hex_val(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

/// Reads hex digits (at most `max`) from `s`; returns value and count.
fn hex_run(s: &[u8], max: usize) -> (u32, usize) {
    let mut v: u32 = 0;
    let mut n = 0;
    while n < max {
        match s.get(n).and_then(|&b| hex_val(b)) {
            Some(d) => {
                v = v.saturating_mul(16).saturating_add(d);
                n += 1;
            }
            None => break,
        }
    }
    (v, n)
}

fn code_point(v: u32) -> Dec {
    match v {
        0 => Dec::None,
        _ => Dec::Char(char::from_u32(v).unwrap_or('\u{fffd}')),
    }
}

/// Named entities that stand for characters an attack needs (and a few harmless neighbours),
/// longest first where one is a prefix of another.
const NAMED: &[(&[u8], u8)] = &[
    (b"newline", b'\n'),
    (b"percnt", b'%'),
    (b"lowbar", b'_'),
    (b"equals", b'='),
    (b"period", b'.'),
    (b"dollar", b'$'),
    (b"commat", b'@'),
    (b"verbar", b'|'),
    (b"lbrack", b'['),
    (b"rbrack", b']'),
    (b"lbrace", b'{'),
    (b"rbrace", b'}'),
    (b"colon", b':'),
    (b"grave", b'`'),
    (b"comma", b','),
    (b"quest", b'?'),
    (b"quot", b'"'),
    (b"apos", b'\''),
    (b"lpar", b'('),
    (b"rpar", b')'),
    (b"bsol", b'\\'),
    (b"excl", b'!'),
    (b"semi", b';'),
    (b"nbsp", b' '),
    (b"lsqb", b'['),
    (b"rsqb", b']'),
    (b"lcub", b'{'),
    (b"rcub", b'}'),
    (b"plus", b'+'),
    (b"vert", b'|'),
    (b"amp", b'&'),
    (b"sol", b'/'),
    (b"tab", b'\t'),
    (b"num", b'#'),
    (b"ast", b'*'),
    (b"hat", b'^'),
    (b"lt", b'<'),
    (b"gt", b'>'),
];

/// The character reference at the start of `s` (which starts with `&`), as [`entity`] reads
/// it, appended to `out`; returns the bytes it took, `None` when it is none.
pub(super) fn decode_entity(s: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let (used, dec) = entity(s)?;
    match dec {
        Dec::None => {}
        Dec::Byte(b) => out.push(b),
        Dec::Char(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
    }
    Some(used)
}

/// `&...` at the start of `s`: numeric (`&#106;`, `&#x6a`, `&#0000106`) or named (`&lt`,
/// `&colon;`, `&Tab;`), the `;` optional as legacy browsers allow.
fn entity(s: &[u8]) -> Option<(usize, Dec)> {
    let semi = |n: usize| n + usize::from(s.get(n) == Some(&b';'));
    if s.get(1) == Some(&b'#') {
        let hex = matches!(s.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let mut v: u32 = 0;
        let mut n = start;
        while let Some(&b) = s.get(n) {
            let d = if hex {
                hex_val(b)
            } else {
                char::from(b).to_digit(10)
            };
            match d {
                Some(d) => {
                    v = v
                        .saturating_mul(if hex { 16 } else { 10 })
                        .saturating_add(d)
                }
                None => break,
            }
            n += 1;
        }
        if n == start {
            return None;
        }
        return Some((semi(n), code_point(v)));
    }
    let name_len = s[1..]
        .iter()
        .take(8)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &s[1..1 + name_len];
    NAMED
        .iter()
        .find(|(n, _)| name.len() >= n.len() && name[..n.len()].eq_ignore_ascii_case(n))
        .map(|&(n, b)| (semi(1 + n.len()), Dec::Byte(b)))
}

/// `%XX` or `%uXXXX` at the start of `s`.
fn percent(s: &[u8]) -> Option<(usize, Dec)> {
    if matches!(s.get(1), Some(b'u' | b'U')) {
        let (v, n) = hex_run(&s[2..], 4);
        if n == 4 {
            return Some((6, code_point(v)));
        }
    }
    let (v, n) = hex_run(&s[1..], 2);
    (n == 2).then(|| (3, Dec::Byte(u8::try_from(v).unwrap_or(b'?'))))
}

/// `\xXX`, `\uXXXX` or `\u{X...}` at the start of `s`.
fn js_escape(s: &[u8]) -> Option<(usize, Dec)> {
    match s.get(1) {
        Some(b'x' | b'X') => {
            let (v, n) = hex_run(&s[2..], 2);
            (n == 2).then(|| (4, code_point(v)))
        }
        Some(b'u' | b'U') => {
            if s.get(2) == Some(&b'{') {
                let (v, n) = hex_run(&s[3..], 6);
                (n > 0 && s.get(3 + n) == Some(&b'}')).then(|| (4 + n, code_point(v)))
            } else {
                let (v, n) = hex_run(&s[2..], 4);
                (n == 4).then(|| (6, code_point(v)))
            }
        }
        Some(b'0') if !s.get(2).is_some_and(u8::is_ascii_digit) => Some((2, Dec::None)),
        _ => {
            // CSS: `\28`, `\0075` (two to six hex digits, one optional space after).
            let (v, n) = hex_run(&s[1..], 6);
            (n >= 2).then(|| {
                (
                    1 + n + usize::from(s.get(1 + n) == Some(&b' ')),
                    code_point(v),
                )
            })
        }
    }
}

/// Fullwidth ASCII (`U+FF01`..`U+FF5E`) and the small `﹤` `﹥` at the start of `s`.
fn fullwidth(s: &[u8]) -> Option<(usize, Dec)> {
    let (b1, b2) = (*s.get(1)?, *s.get(2)?);
    let ascii = match (b1, b2) {
        (0xBC, 0x81..=0xBF) => b2 - 0x81 + 0x21,
        (0xBD, 0x80..=0x9E) => b2 - 0x80 + 0x60,
        (0xB9, 0xA4) => b'<',
        (0xB9, 0xA5) => b'>',
        _ => return None,
    };
    Some((3, Dec::Byte(ascii)))
}

// ---------------------------------------------------------------------------------------------
// Result

/// The strongest finding so far.
#[derive(Default)]
struct Best {
    /// 0 while nothing was found.
    level: u8,
    rule: &'static str,
    at: Range<usize>,
}

impl Best {
    fn add(&mut self, level: u8, rule: &'static str, at: Range<usize>) {
        if self.level == 0 || level < self.level {
            *self = Best { level, rule, at };
        }
    }

    fn certain(&self) -> bool {
        self.level == 1
    }

    fn finish(self, text: &Text<'_>, value: &str) -> Option<Hit> {
        (self.level > 0).then(|| Hit {
            level: self.level,
            rule: self.rule,
            evidence: text.source(self.at, value),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

fn starts_i(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn contains_i(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Skips bytes up to and including space and the C0 controls that browsers drop before a URL.
fn trim_url_start(v: &[u8]) -> &[u8] {
    let n = v.iter().take_while(|&&b| b <= b' ').count();
    &v[n..]
}

/// Whether `v` (a short window) reads like code: a call with an argument (`alert(1)`,
/// `x.y('a')`), a tagged template (`` alert`1` ``) or a script URL.
fn js_like(v: &[u8]) -> bool {
    let v = &v[..v.len().min(256)];
    v.windows(2).enumerate().any(|(i, w)| {
        let callee = is_ident(w[0]) || w[0] == b')' || w[0] == b']';
        (callee && w[1] == b'`')
            || (callee && w[1] == b'(' && v.get(i + 2).is_some_and(|&c| c != b')'))
    }) || contains_i(v, b"javascript:")
}

/// The scheme a URL value starts with, if it is one that runs script: `javascript:`,
/// `vbscript:`, `livescript:` (tabs and newlines inside are ignored, as browsers do), or a
/// `data:` URL of an HTML, SVG, XML or script type. Returns the scheme's rule name.
fn script_url(v: &[u8]) -> Option<&'static str> {
    let v = trim_url_start(v);
    let mut word = [0u8; 12];
    let mut n = 0;
    let mut i = 0;
    while i < v.len() && n < word.len() {
        let b = v[i];
        if matches!(b, b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if b == b':' {
            break;
        }
        if !b.is_ascii_alphabetic() {
            return None;
        }
        word[n] = b.to_ascii_lowercase();
        n += 1;
        i += 1;
    }
    if v.get(i) != Some(&b':') {
        return None;
    }
    match &word[..n] {
        b"javascript" | b"vbscript" | b"livescript" | b"mocha" => Some("script-url"),
        b"data" => data_url_type(&v[i + 1..]).then_some("data-url"),
        _ => None,
    }
}

/// Whether a `data:` URL body (after the colon) declares a type that runs script.
fn data_url_type(rest: &[u8]) -> bool {
    let rest = trim_url_start(rest);
    [
        &b"text/html"[..],
        b"text/xml",
        b"image/svg",
        b"application/xhtml",
        b"application/xml",
        b"text/javascript",
        b"application/javascript",
        b"application/x-javascript",
        b"text/ecmascript",
        b"text/vbscript",
    ]
    .iter()
    .any(|t| starts_i(rest, t))
}

// ---------------------------------------------------------------------------------------------
// Keyword marks

/// Kinds of keyword found by the one Aho-Corasick pass.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A function an attack calls to prove itself or to run a string (`alert`, `eval`).
    Call,
    /// Assigning navigation or reading secrets (`document.cookie`, `location.href`).
    Dom,
    /// `constructor` (the sandbox escape in template payloads).
    Ctor,
    /// CSS that runs or loads something (`expression(`, `behavior:`, `@import`).
    Css,
    /// `{{`
    OpenMustache,
    /// `}}`
    CloseMustache,
    /// `${` or `#{`
    OpenInterp,
    /// `<%`
    OpenErb,
    /// `{%` (a Jinja, Twig, Django or Liquid statement)
    OpenStmt,
    /// `style` (an attribute, when `=` follows).
    Style,
    /// A global object indexed by a computed name (`top[`, `window[`).
    Global,
}

const KEYWORDS: &[(&str, Kind)] = &[
    ("alert", Kind::Call),
    ("prompt", Kind::Call),
    ("confirm", Kind::Call),
    ("eval", Kind::Call),
    ("settimeout", Kind::Call),
    ("setinterval", Kind::Call),
    ("document.write", Kind::Call),
    ("document.writeln", Kind::Call),
    ("fromcharcode", Kind::Call),
    ("atob", Kind::Call),
    ("function", Kind::Call),
    ("execscript", Kind::Call),
    ("msgbox", Kind::Call),
    ("print", Kind::Call),
    ("import", Kind::Call),
    ("document.cookie", Kind::Dom),
    ("document.domain", Kind::Dom),
    ("document.location", Kind::Dom),
    ("window.location", Kind::Dom),
    ("top.location", Kind::Dom),
    ("location.href", Kind::Dom),
    ("location.hash", Kind::Dom),
    (".innerhtml", Kind::Dom),
    (".outerhtml", Kind::Dom),
    ("constructor", Kind::Ctor),
    ("expression(", Kind::Css),
    ("behavior", Kind::Css),
    ("behaviour", Kind::Css),
    ("-moz-binding", Kind::Css),
    ("@import", Kind::Css),
    ("javascript:", Kind::Css),
    ("vbscript:", Kind::Css),
    ("{{", Kind::OpenMustache),
    ("}}", Kind::CloseMustache),
    ("${", Kind::OpenInterp),
    ("#{", Kind::OpenInterp),
    ("<%", Kind::OpenErb),
    ("{%", Kind::OpenStmt),
    ("style", Kind::Style),
    ("top[", Kind::Global),
    ("window[", Kind::Global),
    ("self[", Kind::Global),
    ("parent[", Kind::Global),
    ("this[", Kind::Global),
    ("frames[", Kind::Global),
    ("globalthis[", Kind::Global),
];

fn keywords() -> Option<&'static AhoCorasick> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(KEYWORDS.iter().map(|k| k.0))
            .ok()
    })
    .as_ref()
}

/// Keyword positions in the decoded value, in order.
struct Marks {
    list: Vec<(usize, usize, Kind)>,
}

impl Marks {
    fn find(s: &[u8]) -> Self {
        let list = keywords().map_or_else(Vec::new, |ac| {
            ac.find_iter(s)
                .filter_map(|m| {
                    KEYWORDS
                        .get(m.pattern().as_usize())
                        .map(|k| (m.start(), m.end(), k.1))
                })
                .collect()
        });
        Marks { list }
    }

    /// Marks that start inside `r`.
    fn within(&self, r: Range<usize>) -> &[(usize, usize, Kind)] {
        let a = self.list.partition_point(|m| m.0 < r.start);
        let b = self.list.partition_point(|m| m.0 < r.end);
        self.list.get(a..b).unwrap_or(&[])
    }
}

// ---------------------------------------------------------------------------------------------
// Tags

/// Remembers the last search for a closing quote, so overlapping tags that share an unclosed
/// quote do not search the same bytes twice.
#[derive(Default)]
struct QuoteCache {
    /// Per quote byte (`"`, `'`, backtick): searched from, found at (`None`: not before the end).
    last: [Option<(usize, Option<usize>)>; 3],
}

impl QuoteCache {
    fn next(&mut self, s: &[u8], q: u8, from: usize) -> Option<usize> {
        let k = match q {
            b'"' => 0,
            b'\'' => 1,
            _ => 2,
        };
        if let Some((f, found)) = self.last[k] {
            if from >= f && found.is_none_or(|e| from <= e) {
                return found;
            }
        }
        let found = s
            .get(from..)
            .and_then(|t| memchr::memchr(q, t))
            .map(|o| from + o);
        self.last[k] = Some((from, found));
        found
    }
}

/// What one tag carried, collected while its attributes are read.
#[derive(Default)]
struct TagInfo {
    attrs: bool,
    /// An attribute other than `type` and `language`: `<script src>`, `<script/x>`.
    source: bool,
    href: bool,
    action: bool,
    refresh: bool,
    import: bool,
}

/// Finds every `<name ...` and judges the tag and its attributes.
fn tags(s: &[u8], best: &mut Best) {
    let mut quotes = QuoteCache::default();
    let mut from = 0;
    while let Some(off) = s.get(from..).and_then(|t| memchr::memchr(b'<', t)) {
        let lt = from + off;
        from = lt + 1;
        tag_at(s, lt, &mut quotes, best);
        if best.certain() {
            return;
        }
    }
}

/// Tags whose content is raw text; closing one is how a value leaves a script or a title.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"title",
    b"textarea",
    b"noscript",
    b"xmp",
    b"iframe",
    b"noembed",
];

/// Tags that load and run a document or plugin once they have a source.
const EMBEDS: &[&[u8]] = &[
    b"iframe", b"frame", b"object", b"embed", b"applet", b"portal", b"layer", b"ilayer",
];

fn tag_at(s: &[u8], lt: usize, quotes: &mut QuoteCache, best: &mut Best) {
    let mut p = lt + 1;
    let closing = s.get(p) == Some(&b'/');
    if closing {
        p += 1;
    }
    if !closing && s.get(p) == Some(&b'?') {
        // `<?xml-stylesheet href=...?>`, `<?import implementation=...>`
        let t = s.get(p + 1..).unwrap_or(&[]);
        if starts_i(t, b"import")
            || (starts_i(t, b"xml-stylesheet") && contains_i(&t[..t.len().min(160)], b"href"))
        {
            best.add(1, "active-markup", lt..(lt + 20).min(s.len()));
        }
        return;
    }
    if !closing && s.get(p) == Some(&b'!') {
        // `<!ENTITY x SYSTEM "file:///etc/passwd">`: a document type's entity, which an XML
        // parser expands (reading files, fetching URLs, or multiplying itself); no text a
        // person writes declares one.
        let t = s.get(p + 1..).unwrap_or(&[]);
        if starts_i(t, b"entity") && t.get(6).is_some_and(|&b| is_space(b)) {
            best.add(1, "xml-entity", lt..(lt + 40).min(s.len()));
        }
        return;
    }
    if !s.get(p).is_some_and(|b| b.is_ascii_alphabetic()) {
        return;
    }
    let name_start = p;
    while p < s.len() && !is_space(s[p]) && !matches!(s[p], b'/' | b'>' | b'<') {
        p += 1;
    }
    let full = &s[name_start..p];
    // `<svg:script>`, `<x:script>`: the local name decides.
    let name = full
        .iter()
        .rposition(|&b| b == b':')
        .map_or(full, |i| &full[i + 1..]);
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    if closing {
        if RAW_TEXT.iter().any(|n| is(n)) {
            best.add(3, "raw-text-close", lt..p);
        }
        return;
    }

    let mut info = TagInfo::default();
    let end = attributes(s, p, name, quotes, &mut info, best);
    if best.certain() {
        return;
    }
    let whole = lt..end.min(s.len());
    let closed = s.get(end.wrapping_sub(1)) == Some(&b'>');

    if is(b"script") {
        // The text after `<script>` up to the next tag.
        let body_end = s
            .get(end..)
            .and_then(|t| memchr::memchr(b'<', t))
            .map_or(s.len(), |o| end + o)
            .min(end.saturating_add(512));
        let body = s.get(end..body_end).unwrap_or(&[]);
        let code = js_like(body) || body.iter().any(|b| matches!(b, b'=' | b'+' | b'['));
        // `<script>KCF</script>`: a closed script block with a token inside, not prose. Extra
        // `<` before the end tag are text to the parser (`//<</script>`).
        let closes = s.get(body_end..).is_some_and(|t| {
            let stray = t
                .iter()
                .take_while(|&&b| b == b'<')
                .count()
                .saturating_sub(1);
            let t = &t[stray..];
            starts_i(t, b"</script") || starts_i(t, b"<\\/script")
        });
        let token = !body.is_empty() && !body.iter().any(|&b| is_space(b));
        // `"><script>`: an attribute value closed, its tag ended, and a script opened.
        let broke_out = lt >= 2 && s[lt - 1] == b'>' && matches!(s[lt - 2], b'"' | b'\'');
        // A whole element: with a token or nothing inside (`<script>KCF</script>`), a language
        // named (`<script language=vbs>MsgBox 1</script>`), or a body that calls a
        // proof-of-concept function without parentheses (VBScript).
        let element = || {
            closed
                && closes
                && (token
                    || body.is_empty()
                    || info.attrs
                    || body.split(|&b| !b.is_ascii_alphabetic()).any(|w| {
                        w.eq_ignore_ascii_case(b"msgbox")
                            || PROOF_SINKS.iter().any(|n| w.eq_ignore_ascii_case(n))
                    }))
        };
        if info.source || code || broke_out || element() {
            best.add(1, "script-tag", lt..body_end.max(whole.end));
        } else {
            best.add(2, "script-tag", whole);
        }
    } else if EMBEDS.iter().any(|n| is(n)) {
        best.add(if info.attrs { 1 } else { 3 }, "embed-tag", whole);
    } else if is(b"base") {
        best.add(if info.href { 1 } else { 3 }, "base-tag", whole);
    } else if is(b"meta") {
        best.add(if info.refresh { 1 } else { 3 }, "meta-refresh", whole);
    } else if is(b"link") {
        best.add(
            if info.import || info.href { 1 } else { 2 },
            "link-tag",
            whole,
        );
    } else if is(b"form") || is(b"isindex") {
        best.add(if info.action { 1 } else { 3 }, "form-action", whole);
    } else if is(b"style") {
        best.add(2, "style-tag", whole);
    } else if is(b"xml") || is(b"import") {
        // IE data islands and HTC behaviours load script from `src` / `implementation`.
        best.add(if info.source { 1 } else { 3 }, "active-markup", whole);
    } else if is(b"svg") || is(b"math") || is(b"xss") {
        best.add(3, "active-markup", whole);
    } else {
        let broke_out = lt >= 2 && s[lt - 1] == b'>' && matches!(s[lt - 2], b'"' | b'\'' | b'`');
        if broke_out {
            best.add(2, "tag-breakout", lt - 2..whole.end);
        } else {
            best.add(4, "html-tag", whole);
        }
    }
}

/// Reads the attributes of the tag whose name ends at `p`; returns where the tag ends (after
/// `>`, or at a `<` that starts another tag, or at the end).
fn attributes(
    s: &[u8],
    mut p: usize,
    tag: &[u8],
    quotes: &mut QuoteCache,
    info: &mut TagInfo,
    best: &mut Best,
) -> usize {
    loop {
        while p < s.len() && (is_space(s[p]) || s[p] == b'/') {
            p += 1;
        }
        match s.get(p) {
            None => return s.len(),
            Some(b'>') => return p + 1,
            Some(b'<') => return p,
            Some(_) => {}
        }
        let name_start = p;
        p += 1; // the first byte is part of the name, even if it is `=`
        while p < s.len() && !is_space(s[p]) && !matches!(s[p], b'/' | b'>' | b'=' | b'<') {
            p += 1;
        }
        let name = &s[name_start..p];
        info.attrs = true;
        info.source |=
            !(name.eq_ignore_ascii_case(b"type") || name.eq_ignore_ascii_case(b"language"));
        let mut q = p;
        while q < s.len() && is_space(s[q]) {
            q += 1;
        }
        let mut value = None;
        if s.get(q) == Some(&b'=') {
            q += 1;
            while q < s.len() && is_space(s[q]) {
                q += 1;
            }
            match s.get(q) {
                Some(&quote @ (b'"' | b'\'' | b'`')) => {
                    let close = quotes.next(s, quote, q + 1).unwrap_or(s.len());
                    value = Some(q + 1..close);
                    p = (close + 1).min(s.len());
                }
                _ => {
                    let v0 = q;
                    if s.get(q) == Some(&b'<') {
                        q += 1;
                    }
                    while q < s.len() && !is_space(s[q]) && !matches!(s[q], b'>' | b'<') {
                        q += 1;
                    }
                    value = Some(v0..q);
                    p = q;
                }
            }
        }
        attribute(
            s,
            name_start..name.len() + name_start,
            value,
            tag,
            info,
            best,
        );
        if best.certain() {
            return p;
        }
    }
}

/// Judges one attribute.
fn attribute(
    s: &[u8],
    name_at: Range<usize>,
    value_at: Option<Range<usize>>,
    tag: &[u8],
    info: &mut TagInfo,
    best: &mut Best,
) {
    let name = &s[name_at.clone()];
    let Some(value_at) = value_at else { return };
    let value = s.get(value_at.clone()).unwrap_or(&[]);
    let at = name_at.start..value_at.end.min(s.len());
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);

    if name.len() >= 5 && starts_i(name, b"on") && name[2..].iter().all(|b| b.is_ascii_alphabetic())
    {
        // `onClick={handler}` is JSX quoted in prose; an empty handler runs nothing.
        let v = trim_url_start(value);
        let level = if v.is_empty() || v[0] == b'{' { 2 } else { 1 };
        best.add(level, "event-handler", at);
        return;
    }
    if let Some(rule) = script_url(value) {
        best.add(1, rule, at);
        return;
    }
    if is(b"srcdoc") {
        best.add(1, "srcdoc", at);
    } else if is(b"style") {
        let css = [
            &b"expression("[..],
            b"javascript:",
            b"behavior",
            b"-moz-binding",
            b"@import",
        ];
        if css.iter().any(|k| contains_i(value, k)) {
            best.add(1, "css-script", at);
        }
    } else if is(b"href") || is(b"xlink:href") {
        info.href = true;
    } else if is(b"action") || is(b"formaction") {
        info.action = true;
        if is(b"formaction") {
            best.add(1, "form-action", at);
        }
    } else if is(b"http-equiv") {
        info.refresh |= ["refresh", "set-cookie", "link"]
            .iter()
            .any(|k| contains_i(value, k.as_bytes()));
    } else if is(b"content") || is(b"charset") {
        let meta = tag.eq_ignore_ascii_case(b"meta");
        info.refresh |= meta
            && (contains_i(value, b"url=")
                || contains_i(value, b"utf-7")
                || contains_i(value, b"utf7"));
    } else if is(b"datasrc") || is(b"implementation") {
        best.add(1, "data-binding", at);
    } else if is(b"attributename") {
        let v = value.rsplit(|&b| b == b':').next().unwrap_or(value);
        if v.eq_ignore_ascii_case(b"href") && !tag.eq_ignore_ascii_case(b"animatetransform") {
            best.add(1, "svg-animate-href", at);
        }
    } else if is(b"rel") {
        info.import |= contains_i(value, b"import");
    }
}

// ---------------------------------------------------------------------------------------------
// Break-outs without a tag

/// `" onmouseover="alert(1)`, `' autofocus onfocus=alert(1) x='`, `x onerror=alert(1)`: an event
/// handler attribute written into an attribute the page already has open.
fn breakouts(s: &[u8], best: &mut Best) {
    for eq in memchr::memchr_iter(b'=', s) {
        // The attribute name before `=` (spaces allowed between).
        let mut e = eq;
        while e > 0 && is_space(s[e - 1]) && eq - e < 8 {
            e -= 1;
        }
        let mut a = e;
        while a > 0 && s[a - 1].is_ascii_alphabetic() && e - a < 40 {
            a -= 1;
        }
        let name = &s[a..e];
        if name.len() < 5 || !starts_i(name, b"on") {
            continue;
        }
        let before = a.checked_sub(1).map(|i| s[i]);
        let sep = before.is_none_or(|b| is_space(b) || matches!(b, b'"' | b'\'' | b'`' | b'/'));
        if !sep {
            continue;
        }
        let v = trim_url_start(&s[eq + 1..]);
        let v = v
            .strip_prefix(b"\"")
            .or_else(|| v.strip_prefix(b"'"))
            .unwrap_or(v);
        let quoted = matches!(before, Some(b'"' | b'\'' | b'`'))
            || s[..a]
                .iter()
                .rev()
                .take(64)
                .any(|&b| matches!(b, b'"' | b'\''));
        let end = (eq + 1 + 64).min(s.len());
        let known = KNOWN_EVENTS.iter().any(|n| name.eq_ignore_ascii_case(n));
        let quote_before = matches!(before, Some(b'"' | b'\'' | b'`'))
            || (a >= 2 && is_space(s[a - 1]) && matches!(s[a - 2], b'"' | b'\'' | b'`'));
        let value_quoted = matches!(
            s.get(eq + 1..).map(trim_url_start).and_then(|t| t.first()),
            Some(b'"' | b'\'')
        );
        if (js_like(v) && (quoted || before.is_none() || known))
            || (known && quote_before && !v.is_empty())
            || (known && before.is_none() && value_quoted)
        {
            best.add(1, "event-handler", a..end);
        } else if quoted {
            best.add(2, "event-handler", a..end);
        } else {
            best.add(3, "event-handler", a..end);
        }
        if best.certain() {
            return;
        }
    }
}

/// Event handlers that payloads use most; outside a tag, an unquoted `name=call(...)` counts
/// only for these.
const KNOWN_EVENTS: &[&[u8]] = &[
    b"onload",
    b"onerror",
    b"onclick",
    b"onmouseover",
    b"onmouseout",
    b"onmouseenter",
    b"onmousemove",
    b"onmousedown",
    b"onmouseup",
    b"onfocus",
    b"onfocusin",
    b"onblur",
    b"onchange",
    b"oninput",
    b"onkeydown",
    b"onkeyup",
    b"onkeypress",
    b"onsubmit",
    b"onbegin",
    b"onend",
    b"onanimationstart",
    b"onanimationend",
    b"ontransitionend",
    b"onpageshow",
    b"onhashchange",
    b"ontoggle",
    b"onpointerover",
    b"onpointerenter",
    b"onscroll",
    b"onbeforescriptexecute",
    b"onafterscriptexecute",
    b"onstart",
    b"onfinish",
    b"onresize",
    b"ondrag",
    b"ondragstart",
    b"ondrop",
    b"oncopy",
    b"onpaste",
    b"oncut",
    b"ondblclick",
    b"oncontextmenu",
    b"onwheel",
    b"onplay",
    b"onunload",
    b"onbeforeunload",
    b"onmessage",
    b"onpopstate",
    b"onreadystatechange",
    b"onloadstart",
    b"onselect",
    b"onauxclick",
];

// ---------------------------------------------------------------------------------------------
// Script URLs outside a tag

/// `javascript:alert(1)` as the whole value (a redirect target), after `=` or a quote (a URL
/// inside a URL, a broken-out attribute), or inside `url(...)`.
fn schemes(s: &[u8], best: &mut Best) {
    for colon in memchr::memchr_iter(b':', s) {
        // Walk back over the scheme letters (tabs and newlines inside are ignored).
        let mut a = colon;
        let mut letters = 0;
        while a > 0 && letters < 12 {
            let b = s[a - 1];
            if b.is_ascii_alphabetic() {
                letters += 1;
            } else if !matches!(b, b'\t' | b'\n' | b'\r') {
                break;
            }
            a -= 1;
        }
        if letters < 4 || (a > 0 && s[a - 1].is_ascii_alphabetic()) {
            continue;
        }
        let Some(rule) = script_url(&s[a..]) else {
            continue;
        };
        let rest_end = (colon + 1 + 256).min(s.len());
        let rest = &s[colon + 1..rest_end];
        // What comes before the scheme, past spaces and control characters.
        let mut k = a;
        while k > 0 && s[k - 1] <= b' ' {
            k -= 1;
        }
        let ctx = k.checked_sub(1).map(|i| s[i]);
        let url_place = matches!(ctx, None | Some(b'=' | b'"' | b'\'' | b'`' | b'(' | b'>'));
        let code = rule == "data-url" || js_like(rest) || rest.starts_with(b"//");
        let level = match (url_place, code) {
            (true, true) => 1,
            (false, true) => 2,
            (true, false) => 3,
            (false, false) => continue,
        };
        best.add(level, rule, a..rest_end);
        if best.certain() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sinks

/// Bytes after which code can start: a break-out from a string or expression.
fn js_boundary(b: u8) -> bool {
    matches!(
        b,
        b'\''
            | b'"'
            | b'`'
            | b';'
            | b')'
            | b'}'
            | b'{'
            | b'-'
            | b'+'
            | b'*'
            | b'|'
            | b'&'
            | b','
            | b'='
            | b'('
            | b'['
            | b'>'
            | b':'
            | b'!'
            | b'~'
            | b'^'
            | b'?'
            | b'/'
            | b'\n'
    )
}

/// Whether a call's first argument looks like a payload's (a literal, a regex, a DOM value).
fn payload_arg(arg: &[u8]) -> bool {
    let Some(&c) = arg.first() else { return false };
    if !c.is_ascii_alphabetic() {
        return c != b')' && !is_space(c);
    }
    [
        &b"document"[..],
        b"window",
        b"this",
        b"top",
        b"self",
        b"parent",
        b"location",
        b"string",
        b"atob",
        b"name",
        b"unescape",
        b"decodeuri",
        b"xss",
        b"origin",
    ]
    .iter()
    .any(|w| starts_i(arg, w))
}

/// Whether `name(` stands in `rest` as a call of that name (not the end of a longer one).
fn called_later(rest: &[u8], name: &[u8]) -> bool {
    let rest = &rest[..rest.len().min(256)];
    memchr::memmem::find_iter(rest, name)
        .any(|i| rest.get(i + name.len()) == Some(&b'(') && (i == 0 || !is_ident(rest[i - 1])))
}

/// The functions that payloads prove themselves with, which no page hands on as a value.
const PROOF_SINKS: [&[u8]; 4] = [b"alert", b"prompt", b"confirm", b"eval"];

/// Whether the sink named at `s[a..e]`, not followed by `(`, is still called: through
/// parentheses or an optional call (`(alert)(1)`, `alert?.(1)`), as a method's argument
/// (`[1].map(alert)`, `Reflect.apply(alert,`), as an event handler (`onerror=alert;throw 1`),
/// or through an alias (`a=alert;a(1)`).
/// Only for [`PROOF_SINKS`]: `print` and `import` are handed on in ordinary code.
fn handed_on(s: &[u8], a: usize, e: usize, after: &[u8]) -> bool {
    if !PROOF_SINKS.iter().any(|n| s[a..e].eq_ignore_ascii_case(n)) {
        return false;
    }
    if after.starts_with(b"?.(") {
        return true;
    }
    let Some(prev) = a.checked_sub(1) else {
        return false;
    };
    let word_before = |end: usize| {
        let start = s[..end]
            .iter()
            .rposition(|&b| !is_ident(b))
            .map_or(0, |i| i + 1);
        (start, &s[start..end])
    };
    match s[prev] {
        b'(' if after.starts_with(b")(") => true,
        b'(' if matches!(after.first(), Some(b')' | b',')) => {
            let (start, method) = word_before(prev);
            !method.is_empty() && start > 0 && s[start - 1] == b'.'
        }
        b'=' => {
            let (_, name) = word_before(prev);
            let ends = after
                .first()
                .is_none_or(|&c| matches!(c, b';' | b',' | b' ' | b'\n'));
            // `onerror=alert`, or an alias called later: `a=alert;a(1)`, `_=eval,_(x)`.
            ends && (KNOWN_EVENTS.iter().any(|n| name.eq_ignore_ascii_case(n))
                || (!name.is_empty() && called_later(&s[e..], name)))
        }
        _ => false,
    }
}

/// Elements of rich text whose content is shown as text, never run: code samples and prose.
const TEXT_ELEMENTS: &[&[u8]] = &[
    b"b",
    b"blockquote",
    b"code",
    b"div",
    b"em",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"i",
    b"kbd",
    b"li",
    b"p",
    b"pre",
    b"samp",
    b"small",
    b"span",
    b"strong",
    b"td",
    b"th",
    b"tt",
];

/// Whether the `>` at `gt` ends the start tag of one of [`TEXT_ELEMENTS`] (`<code>`,
/// `<pre class="x">`), a tag that is not itself inside another one (`<script <b>` is a script
/// element with an odd attribute).
fn ends_start_tag(s: &[u8], gt: usize) -> bool {
    let from = gt.saturating_sub(256);
    let Some(lt) = memchr::memrchr2(b'<', b'>', &s[from..gt]).map(|i| from + i) else {
        return false;
    };
    let name_len = s[lt + 1..gt]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric())
        .count();
    let name = &s[lt + 1..lt + 1 + name_len];
    let before = &s[lt.saturating_sub(256)..lt];
    s[lt] == b'<'
        && matches!(s.get(lt + 1 + name_len), Some(b'>' | b' ' | b'\t' | b'\n'))
        && TEXT_ELEMENTS.iter().any(|e| name.eq_ignore_ascii_case(e))
        && memchr::memrchr2(b'<', b'>', before).is_none_or(|i| before[i] == b'>')
}

/// Calls of proof-of-concept and string-running functions, navigation and cookie access.
fn sinks(s: &[u8], marks: &Marks, best: &mut Best) {
    for &(a, e, kind) in &marks.list {
        if !matches!(kind, Kind::Call | Kind::Dom | Kind::Ctor | Kind::Global) {
            continue;
        }
        let prev = a.checked_sub(1).map(|i| s[i]);
        if prev.is_some_and(|b| is_ident(b) && b != b'$') {
            continue; // part of a longer name (`myalert`, `reprint`)
        }
        // The context before the name, past spaces and a `window.`-style receiver dot.
        let mut k = a;
        while k > 0 && (s[k - 1] == b' ' || s[k - 1] == b'.') && a - k < 4 {
            k -= 1;
        }
        let receiver = prev == Some(b'.');
        let ctx = k.checked_sub(1).map(|i| s[i]);
        // `top['alert'](1)`, `window["eval"]`
        let bracketed = matches!(prev, Some(b'\'' | b'"'))
            && a >= 2
            && s[a - 2] == b'['
            && s.get(e) == prev.as_ref()
            && s.get(e + 1) == Some(&b']');
        // Text after an ordinary start tag is markup's text, not code: `<code>print("hi")`.
        let text = ctx == Some(b'>') && k.checked_sub(1).is_some_and(|gt| ends_start_tag(s, gt));
        let breakout = (ctx.is_none_or(js_boundary) && !text) || bracketed || receiver;
        let end = (e + 48).min(s.len());
        let after = s.get(if bracketed { e + 2 } else { e }..).unwrap_or(&[]);
        match kind {
            Kind::Call => {
                let (call, arg) = match after.first() {
                    Some(b'(') => (true, trim_url_start(&after[1..])),
                    Some(b'`') => {
                        // `` alert`1` ``: a short template without spaces, not markdown code.
                        let t = &after[1..after.len().min(48)];
                        let close = memchr::memchr(b'`', t);
                        let tight = close.is_some_and(|c| !t[..c].iter().any(|&b| is_space(b)));
                        (tight, &b"1"[..])
                    }
                    _ => (handed_on(s, a, e, after), &b"1"[..]),
                };
                if !call {
                    continue;
                }
                let level = match (breakout, payload_arg(arg)) {
                    (true, true) => 1,
                    (true, false) | (false, true) => 3,
                    (false, false) => continue,
                };
                best.add(level, "js-sink", a..end);
            }
            Kind::Dom => {
                let assign = {
                    let t = trim_url_start(after);
                    t.first() == Some(&b'=') && t.get(1) != Some(&b'=')
                };
                let level = if breakout && (assign || matches!(ctx, Some(b'+' | b'='))) {
                    1
                } else if breakout {
                    3
                } else {
                    4
                };
                best.add(level, "dom-access", a..end);
            }
            Kind::Global => {
                // `top['al'+'ert'](1)`, `top[8680439..toString(30)](1)`
                let w = &s[e..(e + 64).min(s.len())];
                let called = w.windows(2).any(|p| p == b"](");
                if called {
                    best.add(if breakout { 1 } else { 3 }, "js-sink", a..end);
                }
            }
            Kind::Ctor => {
                // `constructor.constructor(`, `constructor('...')`, `['constructor']`
                let chained = starts_i(after, b".constructor(") || starts_i(after, b"(");
                let level = if breakout && (chained || bracketed) {
                    1
                } else {
                    4
                };
                best.add(level, "js-constructor", a..end);
            }
            _ => {}
        }
        if best.certain() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Templates

/// The statements of Jinja, Twig, Django, Nunjucks and Liquid that loop, branch, assign, load or
/// print (`raw` and `block` only mark text, and stay a weak signal).
const STATEMENTS: &[&[u8]] = &[
    b"call", b"capture", b"debug", b"extends", b"filter", b"for", b"from", b"if", b"import",
    b"include", b"load", b"macro", b"print", b"set", b"with",
];

/// A `{% statement ... %}` body: its first word is one of [`STATEMENTS`].
fn statement(body: &[u8]) -> bool {
    let t = body.trim_ascii_start();
    let t = t.strip_prefix(b"-").unwrap_or(t).trim_ascii_start();
    let word = t.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    word > 0 && STATEMENTS.iter().any(|k| t[..word].eq_ignore_ascii_case(k))
}

/// Python's dunder attributes (`__class__`, `__globals__`, `.__ base __`), the way out of a
/// Jinja or Mako sandbox: `__`, a name, `__`, with spaces allowed around the name.
fn dunder(code: &[u8]) -> bool {
    memchr::memmem::find_iter(code, b"__").any(|i| {
        let rest = code[i + 2..].trim_ascii_start();
        let name = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        name > 0 && rest[name..].trim_ascii_start().starts_with(b"__")
    })
}

/// What a template body calls to reach the operating system or the runtime's reflection:
/// `popen(`, `system(`, `exec(`, Java's `getRuntime()`, `ProcessBuilder`, `Class.forName(`,
/// `getClass()`, Python's `subprocess`, FreeMarker's `?new()`, Jinja's `|attr(` (a dunder
/// spelled as a string).
const SINKS: &[&[u8]] = &[
    b"popen(",
    b"system(",
    b"exec(",
    b"getruntime(",
    b"processbuilder",
    b".forname(",
    b".getclass(",
    b"subprocess",
    b"?new(",
    b"|attr(",
];

fn sink(code: &[u8]) -> bool {
    SINKS.iter().any(|s| contains_i(code, s))
}

/// Arithmetic on number literals (`7*7`, `4 + 4`, `7*'7'`): the probe that shows a template
/// engine evaluated the value.
fn arithmetic(code: &[u8]) -> bool {
    let digits_at = |i: usize| code.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = 0;
    while i < code.len() {
        if !matches!(code[i], b'*' | b'+' | b'-' | b'/' | b'%') {
            i += 1;
            continue;
        }
        let mut a = i;
        while a > 0 && code[a - 1] == b' ' {
            a -= 1;
        }
        let mut b = i + 1;
        while b < code.len() && matches!(code[b], b' ' | b'\'' | b'"') {
            b += 1;
        }
        // A number before (not the end of a name such as `x1`) and a number after.
        if a > 0
            && code[a - 1].is_ascii_digit()
            && !code[..a]
                .iter()
                .rev()
                .find(|c| !c.is_ascii_digit())
                .is_some_and(|&c| is_ident(c) || c == b'.')
            && digits_at(b)
        {
            return true;
        }
        i += 1;
    }
    false
}

/// The next occurrence of a closing delimiter at or after a position, remembered: the marks
/// of [`templates`] come in order, so one search answers every position up to what it found.
struct NextClose {
    needle: &'static [u8],
    /// Where the last search started and what it found.
    last: Option<(usize, Option<usize>)>,
}

impl NextClose {
    fn new(needle: &'static [u8]) -> NextClose {
        NextClose { needle, last: None }
    }

    fn find(&mut self, s: &[u8], from: usize) -> Option<usize> {
        if let Some((f, found)) = self.last {
            if from >= f && found.is_none_or(|x| from <= x) {
                return found;
            }
        }
        let found = s
            .get(from..)
            .and_then(|t| memchr::memmem::find(t, self.needle))
            .map(|o| from + o);
        self.last = Some((from, found));
        found
    }
}

/// `{{...}}`, `${...}`, `#{...}`, `<%...%>`, `{%...%}`: weighed by what is inside.
fn templates(s: &[u8], marks: &Marks, best: &mut Best) {
    let mut open_mustache: Option<usize> = None;
    // The next `}`, `%>` and `%}` at or after a position; positions only grow, so searches
    // never overlap.
    let mut close_after = NextClose::new(b"}");
    let mut erb_close = NextClose::new(b"%>");
    let mut stmt_close = NextClose::new(b"%}");
    let mut covered = 0;
    for &(a, e, kind) in &marks.list {
        let (start, body) = match kind {
            Kind::OpenMustache => {
                if open_mustache.is_none() {
                    open_mustache = Some(a);
                }
                continue;
            }
            Kind::CloseMustache => match open_mustache.take() {
                Some(o) => (o, o + 2..a),
                None => continue,
            },
            Kind::OpenInterp => match close_after.find(s, e) {
                Some(c) => (a, e..c),
                None => continue,
            },
            Kind::OpenErb => (a, e..erb_close.find(s, e).unwrap_or(s.len())),
            Kind::OpenStmt => match stmt_close.find(s, e) {
                Some(c) => (a, e..c),
                None => continue,
            },
            _ => continue,
        };
        // Unclosed delimiters make bodies overlap: judge each stretch once, in a short window.
        if start < covered {
            continue;
        }
        let body = body.start..body.end.min(body.start.saturating_add(256));
        covered = body.end;
        let inner = marks.within(body.clone());
        let code = s.get(body.clone()).unwrap_or(&[]);
        let danger = inner.iter().any(|m| matches!(m.2, Kind::Ctor | Kind::Dom))
            || inner
                .iter()
                .any(|m| m.2 == Kind::Call && s.get(m.1) == Some(&b'('))
            || dunder(code)
            || sink(code)
            || (kind != Kind::OpenStmt && arithmetic(code))
            || (kind == Kind::OpenStmt && statement(code));
        let calls = code.iter().any(|&b| matches!(b, b'(' | b'['));
        let level = match (danger, calls, kind) {
            (true, _, _) => 1,
            (false, _, Kind::OpenErb) => 2,
            (false, true, _) => 2,
            (false, false, Kind::OpenInterp | Kind::OpenStmt) => 3,
            (false, false, _) => 4,
        };
        let end = (body.end + 2).min(s.len());
        best.add(level, "template-injection", start..end);
        if best.certain() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Obfuscated script

/// Script written so that no keyword stands whole, and CSS that loads code outside a `style`
/// attribute (a value a page writes into a style sheet):
///
/// - a template literal called as a method's tag: `` [].sort.call`${alert}1337` `` runs
///   `alert` with no parenthesis;
/// - JSFuck, script from `!`, `+`, `[]` and `()` only: `(![]+[])[+!+[]]` (three or more of
///   `![]`, `+[]`);
/// - `document` and `cookie` kept apart by comments, brackets or parentheses:
///   `document["cookie"]`, `(document)["cookie"]`, `document /*x*/ . cookie`;
/// - `-moz-binding: url(` and `behavior: url(`, which load script into a page.
fn obfuscated(s: &[u8], best: &mut Best) {
    for t in memchr::memchr_iter(b'`', s) {
        let mut k = t;
        while k > 0 && is_space(s[k - 1]) {
            k -= 1;
        }
        const TAGS: [&[u8]; 3] = [b"call", b"apply", b"bind"];
        let tag = TAGS
            .iter()
            .find(|w| k >= w.len() && s[k - w.len()..k].eq_ignore_ascii_case(w));
        if let Some(w) = tag {
            let mut d = k - w.len();
            while d > 0 && is_space(s[d - 1]) {
                d -= 1;
            }
            let dotted = d > 0 && s[d - 1] == b'.';
            let interpolated = memchr::memmem::find(&s[t..(t + 64).min(s.len())], b"${").is_some();
            if dotted && interpolated {
                best.add(1, "js-sink", d - 1..(t + 1));
                return;
            }
        }
    }
    let mut fuck = jsfuck_atoms(s);
    if let (Some(at), true) = (fuck.next(), fuck.count() >= 2) {
        best.add(1, "jsfuck", at..s.len().min(at + 48));
        return;
    }
    for c in memchr::memchr2_iter(b'c', b'C', s) {
        if !starts_i(&s[c..], b"cookie") || s.get(c + 6).is_some_and(|&b| is_ident(b)) {
            continue;
        }
        // Back over quotes, brackets, dots, parentheses, spaces and comments to `document`.
        let mut k = c;
        let mut plain = true;
        loop {
            if k >= 2 && &s[k - 2..k] == b"*/" {
                let Some(open) = memchr::memmem::rfind(&s[..k - 2], b"/*") else {
                    break;
                };
                k = open;
                plain = false;
            } else if k > 0
                && matches!(
                    s[k - 1],
                    b'\'' | b'"' | b'[' | b']' | b'(' | b')' | b'.' | b' ' | b'\t'
                )
            {
                plain &= s[k - 1] == b'.';
                k -= 1;
            } else {
                break;
            }
        }
        let doc = k >= 8 && s[k - 8..k].eq_ignore_ascii_case(b"document");
        if doc && !plain && !(k > 8 && is_ident(s[k - 9])) {
            best.add(1, "dom-access", k - 8..c + 6);
            return;
        }
    }
    for c in memchr::memchr_iter(b':', s) {
        if css_loader_before(s, c) {
            let rest = &s[c + 1..];
            let rest = &rest[rest.iter().take_while(|&&b| is_space(b)).count()..];
            if starts_i(rest, b"url(") {
                let a = c.saturating_sub(12);
                best.add(1, "css-script", a..(c + 1 + 4).min(s.len()));
                return;
            }
        }
    }
}

/// Where JSFuck's atoms `![]` and `+[]` start.
fn jsfuck_atoms(s: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'[', s)
        .filter(|&i| i > 0 && matches!(s[i - 1], b'!' | b'+') && s.get(i + 1) == Some(&b']'))
        .map(|i| i - 1)
}

/// `-moz-binding` or `behavior` (`behaviour`) right before the colon at `c`, past spaces.
fn css_loader_before(s: &[u8], c: usize) -> bool {
    let mut e = c;
    while e > 0 && is_space(s[e - 1]) {
        e -= 1;
    }
    let before = &s[..e];
    [&b"-moz-binding"[..], b"behavior", b"behaviour"]
        .iter()
        .any(|w| {
            before.len() >= w.len()
                && before[before.len() - w.len()..].eq_ignore_ascii_case(w)
                && !(before.len() > w.len() && is_ident(before[before.len() - w.len() - 1]))
        })
}

// ---------------------------------------------------------------------------------------------
// CSS

/// A `<style>` tag followed by CSS that runs or loads something, or a `style=` attribute
/// (inside a tag or written into one) that does.
fn css_after_style(s: &[u8], marks: &Marks, best: &mut Best) {
    for &(a, e, kind) in &marks.list {
        if kind != Kind::Style || a.checked_sub(1).is_some_and(|i| is_ident(s[i])) {
            continue;
        }
        if trim_url_start(s.get(e..).unwrap_or(&[])).first() != Some(&b'=') {
            continue;
        }
        let window = e..(e + 160).min(s.len());
        if let Some(&(_, ce, _)) = marks.within(window).iter().find(|m| m.2 == Kind::Css) {
            best.add(1, "css-script", a..ce);
            return;
        }
    }
    let Some(finder) = style_finder() else { return };
    if let Some(m) = finder.find(s) {
        let rest = marks.within(m.end()..s.len());
        if let Some(&(a, e, _)) = rest.iter().find(|m| m.2 == Kind::Css) {
            best.add(1, "css-script", m.start()..e.max(a));
        }
    }
}

fn style_finder() -> Option<&'static AhoCorasick> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(["<style"])
            .ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_clean_never_clears_what_the_rules_flag() {
        let text = crate::screen::test_support::case_file("xss.toml");
        for line in text.lines() {
            for v in std::iter::once(line).chain(line.split(['"', '\''])) {
                if quick_clean(v.as_bytes()) {
                    assert_eq!(scan_full(v), None, "{v}");
                }
            }
        }
    }
    use std::time::{Duration, Instant};

    fn level(v: &str) -> Option<u8> {
        scan(v).map(|h| h.level)
    }

    #[test]
    fn plain_values_pass_the_prefilter() {
        assert_eq!(scan("hello world"), None);
        assert_eq!(scan("Ayesha Khan"), None);
        assert_eq!(scan("لاہور پاکستان"), None);
    }

    #[test]
    fn attacks_block_at_level_one() {
        for v in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)//",
            "<svg/onload=alert(1)>",
            "\"><script>alert(document.cookie)</script>",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            "javascript:alert(1)",
            "';alert(1)//",
            "{{constructor.constructor('alert(1)')()}}",
            "%3Cscript%3Ealert(1)%3C/script%3E",
            "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
            "＜script＞alert(1)＜/script＞",
            "<scr\0ipt>alert(1)</scr\0ipt>",
        ] {
            assert_eq!(level(v), Some(1), "{v}");
        }
    }

    #[test]
    fn prose_and_formatting_do_not_block() {
        for v in [
            "I <3 Lahore",
            "a < b and c > d",
            "I love JavaScript: it's great",
            "<p>Hello <b>world</b></p>",
            "?session=on&x=1",
        ] {
            assert!(level(v).is_none_or(|l| l > 1), "{v}");
        }
    }

    #[test]
    fn evidence_points_into_the_original_value() {
        let v = "name=%3Cscript%3Ealert(1)%3C/script%3E";
        let hit = scan(v).expect("hit");
        assert!(
            v.get(hit.evidence.clone())
                .is_some_and(|e| e.starts_with("%3Cscript")),
            "{hit:?}"
        );
    }

    fn fast(v: &str) {
        let t = Instant::now();
        let _ = scan(v);
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "slow on {}",
            &v[..v.len().min(40)]
        );
    }

    /// Pieces that values in the differential test are made of.
    const PIECES: &[&str] = &[
        " ",
        "<",
        ">",
        "/",
        "=",
        ":",
        "(",
        ")",
        "{",
        "}",
        "[",
        "`",
        "'",
        "\"",
        "&",
        "#",
        ";",
        "%",
        "3c",
        "\\",
        "x3c",
        "u003c",
        "\0",
        "＜",
        "\u{bc}",
        "\t",
        ".",
        "on",
        "onload",
        "onerror",
        "click",
        "x",
        "script",
        "img",
        "src",
        "style",
        "expression",
        "javascript",
        "data",
        "text/html",
        "alert",
        "eval",
        "print",
        "document",
        "cookie",
        "location",
        "href",
        "constructor",
        "$",
        "lt",
        "gt",
        "amp",
        "colon",
        "1",
        "a",
        "word",
        "https",
        "Brien",
        "top",
        "window",
        "import",
        "behavior",
        "<%",
        "{{",
        "${",
        "innerHTML",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// The prefilters never clear a value the rules would flag.
        #[test]
        fn prefilter_agrees_with_the_rules(idx in proptest::collection::vec(0..PIECES.len(), 0..14)) {
            let v: String = idx.iter().map(|&i| PIECES[i]).collect();
            let reference = if has_trigger(v.as_bytes()) { scan_full(&v) } else { None };
            proptest::prop_assert_eq!(scan(&v), reference, "{:?}", v);
        }
    }

    #[test]
    fn adversarial_megabyte_inputs_are_linear() {
        const MB: usize = 1 << 20;
        fast(&"<".repeat(MB));
        fast(&"&#".repeat(MB / 2));
        fast(&"&#x".repeat(MB / 3));
        fast(&"<a title=\"".repeat(MB / 10));
        fast(&"<a b ".repeat(MB / 5));
        fast(&"<a '".repeat(MB / 4));
        fast(&"{{".repeat(MB / 2));
        fast(&"${".repeat(MB / 2));
        fast(&"<%".repeat(MB / 2));
        fast(&" onx=".repeat(MB / 5));
        fast(&"javascript:".repeat(MB / 11));
        fast(&"%25".repeat(MB / 3));
        fast(&"<style".repeat(MB / 6));
        fast(&"alert(".repeat(MB / 6));
        fast(&"=".repeat(MB));
        fast(&":".repeat(MB));
    }
}
