//! Path normalisation: the one canonical form of a request path that policy rules are matched
//! against.
//!
//! A client can spell `/admin` in many ways that a web server, a framework or the file system
//! behind it will still read as `/admin`: `/%61dmin`, `//admin`, `/x/../admin`, `/admin;x`,
//! `\admin`, `/admin.`, `/%2561dmin`, `/%c0%afadmin`... A rule written as "`/admin` only from the
//! IT network" or "deny `/.git/`" must see through all of them. [`normalize`] undoes every such
//! spelling and reports what it had to undo as [`PathFlags`], so the audit log can say why a path
//! looked odd and the policy can refuse what is merely ambiguous.
//!
//! ```
//! use qila::path::{normalize, PathFlags};
//!
//! let p = normalize("/static/%252e%252e/ADMIN;jsessionid=1");
//! assert_eq!(p.as_str(), "/ADMIN");
//! assert!(p.flags().contains(PathFlags::DOUBLE_ENCODED | PathFlags::DOT_SEGMENTS));
//! assert!(qila::path::is_under_ignore_case(p.as_str(), "/admin"));
//!
//! // A path that is already canonical is returned as it is, without allocating.
//! let p = normalize("/services/passport-renewal/form.html");
//! assert!(p.flags().is_empty());
//! assert!(matches!(p.into_cow(), std::borrow::Cow::Borrowed(_)));
//! ```
//!
//! # What is undone, in order
//!
//! 1. **Decoding**, to a fixed point. `%XX` escapes, IIS `%uXXXX` escapes, overlong UTF-8
//!    (`%c0%ae` is `.`, `%c0%af` is `/`, `%e0%80%ae` is `.`), the lax overlong form that some old
//!    decoders accept (`%c0` directly before an ASCII byte, as in `%c0%2e`, is dropped) and the
//!    Unicode look-alikes that Windows "best fit" and NFKC turn into ASCII (fullwidth forms
//!    U+FF01 to U+FF5E, so `．` is `.` and `ａ` is `a`; U+2215 `∕` is `/`; U+2216 `∖` and
//!    U+FE68 `﹨` are `\`; the dot leaders U+2024 `․` and U+2025 `‥` are `.` and `..`, U+FE52
//!    `﹒` is `.`; the Roman numerals U+2160 to U+217F are letters, so `ⅽ` is `c`).
//!    Whatever a decoding produces can form a new escape with what follows (`%252e` becomes
//!    `%2e`, which becomes `.`), and that is decoded too, until nothing changes.
//! 2. **NUL.** The path ends at the first NUL byte (`%00`, `%u0000`, `%c0%80`).
//! 3. **Text.** Bytes that are not UTF-8 become U+FFFD.
//! 4. **Segments.** `\` is a separator like `/`. In each segment, everything from `;` on is a path
//!    parameter and is removed (`/admin;x` is `/admin`, `/..;/` is `/../`). Empty segments
//!    (`//`) and `.` are dropped, `..` removes the segment before it and never climbs above the
//!    root. Trailing dots and spaces are stripped from every other segment, as Windows and IIS
//!    do (`/admin.` and `/admin%20` are `/admin`; a segment of dots only, such as `...`, is
//!    dropped). A leading `/` is added when missing; the empty path is `/`.
//!
//! An encoded `?` or `#` (`%3f`, `%23`) becomes a plain character of the path; it starts no query
//! here, since the caller has already cut the query off.
//!
//! The result is valid UTF-8, starts with `/`, and contains no escape that decodes, no `\`, no
//! `;`, no NUL, no empty, `.` or `..` segment and no segment ending in a dot or a space.
//! Normalising it again changes nothing. Letter case is kept: use [`starts_with_ignore_case`]
//! or [`is_under_ignore_case`] to match rules.
//!
//! # Decisions a policy author should know
//!
//! - **Over-decoding is deliberate.** A server decodes once; a chain of a proxy, a framework and
//!   an application may decode two or three times, and nothing tells us how many layers sit
//!   behind Qila. Decoding every layer finds the deepest meaning any of them could see. For a
//!   deny rule or an admin-only rule, matching a path that no server would actually read that way
//!   costs a refused request that was an attack anyway (no browser double-encodes a path); not
//!   matching a path that some layer does read that way is a bypass. Decoding runs to the fixed
//!   point rather than stopping after a number of rounds because a single pass with a stack of
//!   output bytes reaches that point in linear time (every reduction shortens the output), and a
//!   round limit would leave escapes in the result, so the result would not be canonical.
//! - **Over-decoding is not safe for exemptions.** `/admin/%252e%252e/static/x` normalises to
//!   `/static/x`, but a server that decodes once routes it to `/admin`. So a rule that *relaxes*
//!   the policy for a path (an exempt path) must not apply when
//!   [`PathFlags::is_ambiguous`] is true. No browser sends such a path.
//! - **NUL ends the path**, as it does for C, PHP and the file system: `/admin%00.jpg` is `/admin`
//!   and [`PathFlags::NUL`] is set. A backend that does not stop at NUL reads more than we do, so
//!   a path with a NUL is ambiguous and is best refused outright.
//! - **A trailing slash is kept** when the path ends with a separator or with a segment that was
//!   removed (`/admin/`, `/admin/.`, `/a/b/..` give `/admin/`, `/admin/`, `/a/`), so a rule can
//!   tell a directory from a file. `/admin...` is `/admin` (a stripped name, not a removed one).
//! - **`//` is merged before `..` is applied**, as nginx does by default: `/a//../b` is `/b`
//!   (a server that keeps the empty segment reads `/a/b`; the combination is ambiguous).
//! - **Only `.` and `..` are dot segments.** `...`, `.. ` and `..%20` are names made of dots and
//!   spaces, which Windows strips to nothing: they are dropped and do not climb
//!   (`/static/.../x` is `/static/x`), and `trailing-dot` marks the path ambiguous. `..;` is `..`
//!   (the parameter goes first), as Tomcat and Jetty read it.
//!
//! # Performance
//!
//! [`normalize`] first scans the bytes once for anything that could need work (`%`, `\`, `;`,
//! NUL, `//`, a segment ending in `.` or space, a fullwidth form or `∕`/`∖`): a branch-free table
//! look-up per byte, about 1 ns per byte. A path with none of them is returned as
//! [`Cow::Borrowed`] without allocating. Only the rest take the full path, which is linear in the
//! length of the input for every input.
//!
//! # Untrusted input
//!
//! Every byte of the path is controlled by the client. [`normalize`] never panics, runs in time
//! and memory linear in the input length, and its result never grows beyond the input length
//! plus one byte, except where invalid bytes become U+FFFD (three bytes each).

use std::borrow::Cow;
use std::fmt;
use std::ops::{BitOr, BitOrAssign};

use crate::decode::hex_value;

/// What [`normalize`] had to undo to reach the canonical form. A small set of flags, `Copy`.
///
/// The set is empty exactly when the path came back unchanged. Each flag has a stable kebab-case
/// name ([`PathFlags::names`], [`PathFlags::from_name`]) for audit logs and test data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PathFlags(u32);

impl PathFlags {
    /// No flag.
    pub const EMPTY: PathFlags = PathFlags(0);
    /// `encoded`: at least one `%XX` or `%uXXXX` escape was decoded.
    pub const ENCODED: PathFlags = PathFlags(1 << 0);
    /// `double-encoded`: an escape was built from the output of another decoding (`%252e`,
    /// `%%32%65`). No browser sends this.
    pub const DOUBLE_ENCODED: PathFlags = PathFlags(1 << 1);
    /// `unicode-escape`: an IIS-style `%uXXXX` escape was decoded. Other servers keep it as text.
    pub const UNICODE_ESCAPE: PathFlags = PathFlags(1 << 2);
    /// `encoded-slash`: a `/` or `\` came out of an escape, an overlong form or a look-alike
    /// (`%2f`, `%5c`, `%c0%af`, `∕`). Servers disagree on whether that separates segments.
    pub const ENCODED_SLASH: PathFlags = PathFlags(1 << 3);
    /// `overlong-utf8`: an overlong UTF-8 sequence (`%c0%ae`) was read as the character it
    /// spells, or a stray `%c0`/`%c1` before an ASCII byte was dropped.
    pub const OVERLONG_UTF8: PathFlags = PathFlags(1 << 4);
    /// `invalid-utf8`: bytes that are not UTF-8 (after decoding) were replaced with U+FFFD.
    pub const INVALID_UTF8: PathFlags = PathFlags(1 << 5);
    /// `confusable`: a Unicode look-alike of an ASCII character (a fullwidth form, `∕`, `∖`) was
    /// folded to that character.
    pub const CONFUSABLE: PathFlags = PathFlags(1 << 6);
    /// `nul`: the path held a NUL byte; it was cut there.
    pub const NUL: PathFlags = PathFlags(1 << 7);
    /// `backslash`: `\` was read as a segment separator.
    pub const BACKSLASH: PathFlags = PathFlags(1 << 8);
    /// `empty-segments`: repeated separators (`//`) were merged.
    pub const EMPTY_SEGMENTS: PathFlags = PathFlags(1 << 9);
    /// `dot-segments`: a `.` or `..` segment was resolved.
    pub const DOT_SEGMENTS: PathFlags = PathFlags(1 << 10);
    /// `escaped-root`: a `..` tried to climb above the root and was ignored.
    pub const ESCAPED_ROOT: PathFlags = PathFlags(1 << 11);
    /// `semicolon`: a `;` path parameter was removed from a segment (`;jsessionid=...`, `..;`).
    pub const SEMICOLON: PathFlags = PathFlags(1 << 12);
    /// `trailing-dot`: dots or spaces at the end of a segment were stripped (`/admin.`).
    pub const TRAILING_DOT: PathFlags = PathFlags(1 << 13);
    /// `missing-root`: the path did not start with a separator (or was empty); `/` was added.
    pub const MISSING_ROOT: PathFlags = PathFlags(1 << 14);

    /// The flags whose presence means that two servers could read the path as two different
    /// resources, or that only a crafted request would carry it. A rule that relaxes the policy
    /// (an exemption) must not apply to such a path; see [`PathFlags::is_ambiguous`].
    pub const AMBIGUOUS: PathFlags = PathFlags(
        Self::DOUBLE_ENCODED.0
            | Self::UNICODE_ESCAPE.0
            | Self::ENCODED_SLASH.0
            | Self::OVERLONG_UTF8.0
            | Self::CONFUSABLE.0
            | Self::NUL.0
            | Self::BACKSLASH.0
            | Self::ESCAPED_ROOT.0
            | Self::SEMICOLON.0
            | Self::TRAILING_DOT.0,
    );

    /// Every flag with its name, in bit order.
    const NAMED: [(PathFlags, &'static str); 15] = [
        (Self::ENCODED, "encoded"),
        (Self::DOUBLE_ENCODED, "double-encoded"),
        (Self::UNICODE_ESCAPE, "unicode-escape"),
        (Self::ENCODED_SLASH, "encoded-slash"),
        (Self::OVERLONG_UTF8, "overlong-utf8"),
        (Self::INVALID_UTF8, "invalid-utf8"),
        (Self::CONFUSABLE, "confusable"),
        (Self::NUL, "nul"),
        (Self::BACKSLASH, "backslash"),
        (Self::EMPTY_SEGMENTS, "empty-segments"),
        (Self::DOT_SEGMENTS, "dot-segments"),
        (Self::ESCAPED_ROOT, "escaped-root"),
        (Self::SEMICOLON, "semicolon"),
        (Self::TRAILING_DOT, "trailing-dot"),
        (Self::MISSING_ROOT, "missing-root"),
    ];

    /// The raw bits (stable within a release, not across releases: store names, not bits).
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// True when every flag of `other` is set in `self`.
    pub const fn contains(self, other: PathFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when at least one flag of `other` is set in `self`.
    pub const fn intersects(self, other: PathFlags) -> bool {
        self.0 & other.0 != 0
    }

    /// True when no flag is set (the path came back unchanged).
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The flags of both sets.
    pub const fn union(self, other: PathFlags) -> PathFlags {
        PathFlags(self.0 | other.0)
    }

    /// True when servers could disagree about which resource this path names: one of
    /// [`PathFlags::AMBIGUOUS`] is set, or dot segments were resolved after `//` was merged
    /// (`/a//../b` is `/b` for nginx and `/a/b` for Apache). Grant no exemption to such a path.
    /// Browsers never send one, except `;jsessionid=` on old Java sites, so refusing an ambiguous
    /// path outright costs next to nothing.
    pub const fn is_ambiguous(self) -> bool {
        self.intersects(Self::AMBIGUOUS)
            || self.contains(PathFlags(Self::DOT_SEGMENTS.0 | Self::EMPTY_SEGMENTS.0))
    }

    /// The kebab-case names of the flags that are set, in a fixed order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMED
            .into_iter()
            .filter(move |(flag, _)| self.contains(*flag))
            .map(|(_, name)| name)
    }

    /// The flag with this kebab-case name, if there is one.
    pub fn from_name(name: &str) -> Option<PathFlags> {
        Self::NAMED
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(flag, _)| *flag)
    }

    /// Every flag, each on its own, with its name (for documentation and tests).
    pub fn all() -> impl Iterator<Item = (PathFlags, &'static str)> {
        Self::NAMED.into_iter()
    }
}

impl BitOr for PathFlags {
    type Output = PathFlags;

    fn bitor(self, rhs: PathFlags) -> PathFlags {
        self.union(rhs)
    }
}

impl BitOrAssign for PathFlags {
    fn bitor_assign(&mut self, rhs: PathFlags) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for PathFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PathFlags(")?;
        fmt::Display::fmt(self, f)?;
        f.write_str(")")
    }
}

/// The names of the flags that are set, separated by `,` (empty for no flag).
impl fmt::Display for PathFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// The canonical form of a request path, and what had to be undone to get it.
///
/// Built by [`normalize`]. Borrows the raw path when it was already canonical.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NormalizedPath<'a> {
    path: Cow<'a, str>,
    flags: PathFlags,
}

impl<'a> NormalizedPath<'a> {
    /// The canonical path: starts with `/`, no escapes, no dot segments (see the module docs).
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// The canonical path, borrowed from the raw path when nothing had to change.
    pub fn into_cow(self) -> Cow<'a, str> {
        self.path
    }

    /// What had to be undone. Empty when the raw path was already canonical.
    pub fn flags(&self) -> PathFlags {
        self.flags
    }

    /// True when the canonical path borrows the raw one (nothing was allocated).
    pub fn is_borrowed(&self) -> bool {
        matches!(self.path, Cow::Borrowed(_))
    }

    /// The same path, owning its text.
    pub fn into_owned(self) -> NormalizedPath<'static> {
        NormalizedPath {
            path: Cow::Owned(self.path.into_owned()),
            flags: self.flags,
        }
    }
}

impl AsRef<str> for NormalizedPath<'_> {
    fn as_ref(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for NormalizedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}

impl PartialEq<str> for NormalizedPath<'_> {
    fn eq(&self, other: &str) -> bool {
        self.path == other
    }
}

impl PartialEq<&str> for NormalizedPath<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.path == *other
    }
}

/// Normalises a raw request path (the part of the target before `?`, still percent-encoded, as
/// the client sent it) into the canonical form that policy rules are matched against.
///
/// See the [module documentation](self) for every step and the reasons behind them. Returns
/// [`Cow::Borrowed`] without allocating when `raw_path` is already canonical.
///
/// ```
/// use qila::path::{normalize, PathFlags};
///
/// assert_eq!(normalize("/a/../admin").as_str(), "/admin");
/// assert_eq!(normalize("/%D8%B5%D9%81%D8%AD%DB%81").as_str(), "/صفحہ");
/// let p = normalize("/admin%00.jpg");
/// assert_eq!(p.as_str(), "/admin");
/// assert!(p.flags().contains(PathFlags::NUL));
/// ```
pub fn normalize(raw_path: &str) -> NormalizedPath<'_> {
    if is_canonical(raw_path.as_bytes()) {
        return NormalizedPath {
            path: Cow::Borrowed(raw_path),
            flags: PathFlags::EMPTY,
        };
    }
    normalize_slow(raw_path)
}

/// True when `path` starts with `prefix`, ignoring ASCII case (`/Admin/x` starts with `/admin`).
///
/// This is a plain prefix test: `/administrator` starts with `/admin`. To match a path and what
/// lies below it, use [`is_under_ignore_case`].
pub fn starts_with_ignore_case(path: &str, prefix: &str) -> bool {
    let (path, prefix) = (path.as_bytes(), prefix.as_bytes());
    path.len() >= prefix.len() && path[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// True when `path` is `base` or lies below it, ignoring ASCII case and on segment boundaries:
/// `/admin`, `/ADMIN/` and `/admin/users` are under `/admin`; `/administrator` is not. A `base`
/// that ends with `/` only matches what lies below it (`/admin/` does not contain `/admin`).
pub fn is_under_ignore_case(path: &str, base: &str) -> bool {
    if !starts_with_ignore_case(path, base) {
        return false;
    }
    base.ends_with('/') || matches!(path.as_bytes().get(base.len()), None | Some(b'/'))
}

/// What the fast scan needs to know about each byte, as bits.
const ALWAYS_SLOW: u8 = 1; // `%`, `\`, `;`, NUL
const SEPARATOR: u8 = 2; // `/`
const DOT_OR_SPACE: u8 = 4; // `.`, ` `: a segment may not end with one
const LOOK_ALIKE_LEAD: u8 = 8; // `EF`, `E2`: may start a fullwidth form, `∕` or `∖`

static SCAN: [u8; 256] = {
    let mut t = [0; 256];
    t[b'%' as usize] = ALWAYS_SLOW;
    t[b'\\' as usize] = ALWAYS_SLOW;
    t[b';' as usize] = ALWAYS_SLOW;
    t[0] = ALWAYS_SLOW;
    t[b'/' as usize] = SEPARATOR;
    t[b'.' as usize] = DOT_OR_SPACE;
    t[b' ' as usize] = DOT_OR_SPACE;
    t[0xEF] = LOOK_ALIKE_LEAD;
    t[0xE2] = LOOK_ALIKE_LEAD;
    t
};

/// The fast scan: true when `b` is already canonical, so [`normalize`] can borrow it.
///
/// One branch-free pass over the bytes (a table look-up and a few bit operations each): it
/// looks for a byte that always needs work, and for a `/` right after `/`, `.` or a space (an
/// empty segment, or a segment ending in a dot or a space). Only when it sees the first byte of
/// a possible look-alike (rare: `EF`, `E2`) does it look closer.
#[inline]
fn is_canonical(b: &[u8]) -> bool {
    let [b'/', rest @ ..] = b else { return false };
    let mut seen = 0u8;
    let mut prev = SEPARATOR;
    for &c in rest {
        let t = SCAN[usize::from(c)];
        // A separator after a separator, a dot or a space: 1 in bit 0.
        let bad_slash =
            (t & SEPARATOR) >> 1 & ((prev & SEPARATOR) >> 1 | (prev & DOT_OR_SPACE) >> 2);
        seen |= t & (ALWAYS_SLOW | LOOK_ALIKE_LEAD) | bad_slash;
        prev = t;
    }
    if seen & ALWAYS_SLOW != 0 || prev & DOT_OR_SPACE != 0 {
        return false;
    }
    seen & LOOK_ALIKE_LEAD == 0 || !has_look_alike(b)
}

/// True when `b` holds a look-alike that [`confusable_tail`] reads: a fullwidth form (`EF BC
/// xx`, `EF BD xx`), `∕` or `∖` (`E2 88 95`, `E2 88 96`), a dot leader (`E2 80 A4`, `E2 80 A5`),
/// a small full stop or reverse solidus (`EF B9 92`, `EF B9 A8`), or a Roman numeral (`E2 85
/// A0`..`BF`).
pub(crate) fn has_look_alike(b: &[u8]) -> bool {
    memchr::memchr2_iter(0xEF, 0xE2, b).any(|at| {
        matches!(
            b.get(at..),
            Some(
                [0xEF, 0xBC | 0xBD, ..]
                    | [0xEF, 0xB9, 0x92 | 0xA8, ..]
                    | [0xE2, 0x88, 0x95 | 0x96, ..]
                    | [0xE2, 0x80, 0xA4 | 0xA5, ..]
                    | [0xE2, 0x85, 0xA0..=0xBF, ..]
            )
        )
    })
}

#[inline(never)]
fn normalize_slow(raw_path: &str) -> NormalizedPath<'_> {
    let raw = raw_path.as_bytes();
    let mut flags = PathFlags::EMPTY;
    let text: Cow<'_, str> = if needs_decoding(raw) {
        let decoded = decode(raw, &mut flags);
        match String::from_utf8(decoded) {
            Ok(s) => Cow::Owned(s),
            Err(e) => {
                flags |= PathFlags::INVALID_UTF8;
                Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned())
            }
        }
    } else {
        Cow::Borrowed(raw_path)
    };
    let resolved = resolve(text.as_bytes(), &mut flags);
    let path = if resolved == raw {
        Cow::Borrowed(raw_path)
    } else {
        match String::from_utf8(resolved) {
            Ok(s) => Cow::Owned(s),
            // Unreachable: `resolve` only cuts valid UTF-8 at ASCII bytes. Kept panic-free.
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    };
    NormalizedPath { path, flags }
}

/// True when the decoder has anything to do: an escape, a NUL, or a possible look-alike.
fn needs_decoding(raw: &[u8]) -> bool {
    memchr::memchr3(b'%', 0, 0xEF, raw).is_some() || memchr::memchr(0xE2, raw).is_some()
}

#[inline]
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Up to four bytes that one reduction hands back to the decoder, with their decode depth.
struct Produced {
    bytes: [u8; 4],
    len: usize,
    depth: u8,
}

impl Produced {
    fn byte(b: u8, depth: u8) -> Produced {
        Produced {
            bytes: [b, 0, 0, 0],
            len: 1,
            depth,
        }
    }

    /// The UTF-8 form of `cp`, or U+FFFD (flagged) when `cp` is not a character.
    fn code_point(cp: u32, depth: u8, flags: &mut PathFlags) -> Produced {
        let c = char::from_u32(cp).unwrap_or_else(|| {
            *flags |= PathFlags::INVALID_UTF8;
            char::REPLACEMENT_CHARACTER
        });
        let mut bytes = [0; 4];
        let len = c.encode_utf8(&mut bytes).len();
        Produced { bytes, len, depth }
    }
}

/// Decodes to a fixed point in one pass. Bytes are pushed onto `out` one at a time; after each
/// push, the end of `out` is checked for a pattern that decodes (an escape, an overlong sequence,
/// a look-alike). A match is popped and what it stands for is pushed back the same way, so it can
/// complete a further pattern with the bytes before it (`%25` `2e` → `%2e` → `.`). Every
/// reduction shortens `out`, so there are fewer reductions than input bytes: linear time.
///
/// `depth` runs beside `out`: how many percent-decodings produced each byte (0 = sent as is).
fn decode(input: &[u8], flags: &mut PathFlags) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(input.len());
    let mut depth: Vec<u8> = Vec::with_capacity(input.len());
    // Bytes handed back by a reduction, pushed before the next input byte; last one first.
    let mut pending: Vec<(u8, u8)> = Vec::new();
    let mut input = input.iter();
    loop {
        let (b, d) = match pending.pop() {
            Some(next) => next,
            None => match input.next() {
                Some(&b) => (b, 0),
                None => break,
            },
        };
        if b == 0 {
            *flags |= PathFlags::NUL;
            break;
        }
        out.push(b);
        depth.push(d);
        if let Some(p) = reduce_tail(&mut out, &mut depth, flags) {
            for &nb in p.bytes[..p.len].iter().rev() {
                pending.push((nb, p.depth));
            }
        }
    }
    out
}

/// Pops the last `n` bytes of `out` and returns the deepest decode depth among them.
fn pop_tail(out: &mut Vec<u8>, depth: &mut Vec<u8>, n: usize) -> u8 {
    let keep = out.len().saturating_sub(n);
    let deepest = depth
        .get(keep..)
        .and_then(|d| d.iter().copied().max())
        .unwrap_or(0);
    out.truncate(keep);
    depth.truncate(keep);
    deepest
}

/// Looks for a pattern that ends at the last byte of `out`; when there is one, pops it and
/// returns what it stands for.
fn reduce_tail(out: &mut Vec<u8>, depth: &mut Vec<u8>, flags: &mut PathFlags) -> Option<Produced> {
    let last = *out.last()?;
    if last.is_ascii_hexdigit() {
        // `%XX`
        if let [.., b'%', h, l] = out[..] {
            if let (Some(h), Some(l)) = (hex_value(h), hex_value(l)) {
                let v = h << 4 | l;
                let d = pop_tail(out, depth, 3).saturating_add(1);
                *flags |= PathFlags::ENCODED;
                if d >= 2 {
                    *flags |= PathFlags::DOUBLE_ENCODED;
                }
                if v == b'/' || v == b'\\' {
                    *flags |= PathFlags::ENCODED_SLASH;
                }
                return Some(Produced::byte(v, d));
            }
        }
        // `%uXXXX`
        if let [.., b'%', b'u' | b'U', a, b, c, e] = out[..] {
            if let (Some(a), Some(b), Some(c), Some(e)) =
                (hex_value(a), hex_value(b), hex_value(c), hex_value(e))
            {
                let cp = u32::from(a) << 12 | u32::from(b) << 8 | u32::from(c) << 4 | u32::from(e);
                let d = pop_tail(out, depth, 6).saturating_add(1);
                *flags |= PathFlags::ENCODED | PathFlags::UNICODE_ESCAPE;
                if d >= 2 {
                    *flags |= PathFlags::DOUBLE_ENCODED;
                }
                if cp == u32::from(b'/') || cp == u32::from(b'\\') {
                    *flags |= PathFlags::ENCODED_SLASH;
                }
                return Some(Produced::code_point(cp, d, flags));
            }
        }
    }
    if is_continuation(last) {
        if let Some((n, cp)) = overlong_tail(out) {
            let d = pop_tail(out, depth, n);
            *flags |= PathFlags::OVERLONG_UTF8;
            if cp == u32::from(b'/') || cp == u32::from(b'\\') {
                *flags |= PathFlags::ENCODED_SLASH;
            }
            return Some(Produced::code_point(cp, d, flags));
        }
        if let Some(ascii) = confusable_tail(out) {
            let d = pop_tail(out, depth, 3);
            *flags |= PathFlags::CONFUSABLE;
            if ascii == b"/" || ascii == b"\\" {
                *flags |= PathFlags::ENCODED_SLASH;
            }
            let mut bytes = [0; 4];
            bytes[..ascii.len()].copy_from_slice(ascii);
            return Some(Produced {
                bytes,
                len: ascii.len(),
                depth: d,
            });
        }
        return None;
    }
    // A lax decoder reads `C0 2E` as `.`: drop a `C0`/`C1` (never valid in UTF-8) that stands
    // before a byte that is not a continuation. Not before `%`, which may yet decode into one.
    if let [.., 0xC0 | 0xC1, y] = out[..] {
        if y != b'%' {
            let d = depth.last().copied().unwrap_or(0);
            pop_tail(out, depth, 2);
            *flags |= PathFlags::OVERLONG_UTF8;
            return Some(Produced::byte(y, d));
        }
    }
    None
}

/// An overlong UTF-8 sequence at the end of `out`: its length and the code point it spells.
fn overlong_tail(out: &[u8]) -> Option<(usize, u32)> {
    for n in 2..=6 {
        let Some(seq) = out.len().checked_sub(n).and_then(|start| out.get(start..)) else {
            break;
        };
        let (&lead, rest) = seq.split_first()?;
        let second = *rest.first()?;
        // The lead bytes that announce `n` bytes, and the second bytes that make the
        // sequence encode a code point that fits in fewer bytes.
        let (lead_bits, overlong) = match (n, lead) {
            (2, 0xC0 | 0xC1) => (u32::from(lead & 0x1F), true),
            (3, 0xE0) => (0, second < 0xA0),
            (4, 0xF0) => (0, second < 0x90),
            (5, 0xF8) => (0, second < 0x88),
            (6, 0xFC) => (0, second < 0x84),
            _ => continue,
        };
        if !overlong || !rest.iter().all(|&c| is_continuation(c)) {
            continue;
        }
        let cp = rest
            .iter()
            .fold(lead_bits, |cp, &c| cp << 6 | u32::from(c & 0x3F));
        return Some((n, cp));
    }
    None
}

/// A look-alike of ASCII at the end of `out`, as NFKC and Windows "best fit" read it: a
/// fullwidth form (U+FF01..U+FF5E), `∕` (U+2215) and `∖` (U+2216), the dot leaders `․` and `‥`
/// (U+2024, U+2025), the small `﹒` and `﹨` (U+FE52, U+FE68), and the Roman numerals
/// (U+2160..U+217F: `ⅽ` is `c`, `ⅷ` is `viii`). Returns the ASCII text it stands for.
fn confusable_tail(out: &[u8]) -> Option<&'static [u8]> {
    // Every ASCII byte as a one-byte slice, for the fullwidth forms.
    const ASCII: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut i = 0;
        while i < 128 {
            t[i] = i as u8;
            i += 1;
        }
        t
    };
    const ROMAN: [&[u8]; 16] = [
        b"i", b"ii", b"iii", b"iv", b"v", b"vi", b"vii", b"viii", b"ix", b"x", b"xi", b"xii", b"l",
        b"c", b"d", b"m",
    ];
    const ROMAN_UPPER: [&[u8]; 16] = [
        b"I", b"II", b"III", b"IV", b"V", b"VI", b"VII", b"VIII", b"IX", b"X", b"XI", b"XII", b"L",
        b"C", b"D", b"M",
    ];
    match out {
        [.., 0xEF, b1 @ (0xBC | 0xBD), b2] => {
            let cp = 0xF000 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
            let ascii = usize::try_from(cp.checked_sub(0xFEE0)?).ok()?;
            (0xFF01..=0xFF5E)
                .contains(&cp)
                .then(|| &ASCII[ascii..=ascii])
        }
        [.., 0xE2, 0x88, 0x95] => Some(b"/"),
        [.., 0xE2, 0x88, 0x96] => Some(b"\\"),
        [.., 0xE2, 0x80, 0xA4] | [.., 0xEF, 0xB9, 0x92] => Some(b"."),
        [.., 0xE2, 0x80, 0xA5] => Some(b".."),
        [.., 0xEF, 0xB9, 0xA8] => Some(b"\\"),
        [.., 0xE2, 0x85, b2 @ 0xA0..=0xAF] => Some(ROMAN_UPPER[usize::from(b2 - 0xA0)]),
        [.., 0xE2, 0x85, b2 @ 0xB0..=0xBF] => Some(ROMAN[usize::from(b2 - 0xB0)]),
        _ => None,
    }
}

/// Step 4: segments. `p` is decoded, valid UTF-8; the result only cuts it at ASCII bytes.
fn resolve(p: &[u8], flags: &mut PathFlags) -> Vec<u8> {
    let is_sep = |b: &u8| *b == b'/' || *b == b'\\';
    if memchr::memchr(b'\\', p).is_some() {
        *flags |= PathFlags::BACKSLASH;
    }
    let mut segments = p.split(is_sep).peekable();
    if p.first().is_some_and(is_sep) {
        segments.next(); // the empty piece before the root
    } else {
        *flags |= PathFlags::MISSING_ROOT;
    }
    let mut out: Vec<u8> = Vec::with_capacity(p.len() + 1);
    // Whether the last segment left nothing behind (then the result ends with `/`).
    let mut removed_last = false;
    while let Some(segment) = segments.next() {
        removed_last = true;
        if segment.is_empty() {
            if segments.peek().is_some() {
                *flags |= PathFlags::EMPTY_SEGMENTS;
            }
            continue;
        }
        let name = match memchr::memchr(b';', segment) {
            Some(at) => {
                *flags |= PathFlags::SEMICOLON;
                &segment[..at]
            }
            None => segment,
        };
        match name {
            b"." => *flags |= PathFlags::DOT_SEGMENTS,
            b".." => {
                *flags |= PathFlags::DOT_SEGMENTS;
                match memchr::memrchr(b'/', &out) {
                    Some(at) => out.truncate(at),
                    None => *flags |= PathFlags::ESCAPED_ROOT,
                }
            }
            _ => {
                let kept = name.len()
                    - name
                        .iter()
                        .rev()
                        .take_while(|&&b| b == b'.' || b == b' ')
                        .count();
                if kept < name.len() {
                    *flags |= PathFlags::TRAILING_DOT;
                }
                if kept > 0 {
                    out.push(b'/');
                    out.extend_from_slice(&name[..kept]);
                    removed_last = false;
                }
            }
        }
    }
    if out.is_empty() || removed_last {
        out.push(b'/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn n(raw: &str) -> (String, PathFlags) {
        let p = normalize(raw);
        (p.as_str().to_owned(), p.flags())
    }

    #[test]
    fn canonical_paths_are_borrowed() {
        for raw in [
            "/",
            "/page",
            "/services/passport-renewal/form.html",
            "/static/css/site.css",
            "/.well-known/security.txt",
            "/a.b/c",
            "/files/report.v2.pdf",
            "/admin/",
            "/صفحہ",
            "/search+results",
        ] {
            let p = normalize(raw);
            assert!(p.is_borrowed(), "{raw} was copied");
            assert!(p.flags().is_empty(), "{raw}: {:?}", p.flags());
            assert_eq!(p.as_str(), raw);
        }
    }

    #[test]
    fn fast_scan_sends_every_trick_to_the_slow_path() {
        for raw in [
            "",
            "admin",
            "//",
            "/a//b",
            "/.",
            "/..",
            "/a/.",
            "/a/./b",
            "/a.",
            "/a ",
            "/a./b",
            "/a /b",
            "/%61",
            "/a\\b",
            "/a;b",
            "/a\0b",
            "/\u{FF0E}",
            "/a\u{2215}b",
            "/a\u{2216}b",
            "/\u{FF41}",
        ] {
            assert!(
                !is_canonical(raw.as_bytes()),
                "{raw:?} passed the fast scan"
            );
        }
        // Non-ASCII that needs no work stays on the fast path.
        for raw in ["/\u{FFFD}", "/\u{2200}", "/\u{FB50}", "/\u{2014}"] {
            assert!(is_canonical(raw.as_bytes()), "{raw:?} failed the fast scan");
        }
    }

    #[test]
    fn slow_path_borrows_when_nothing_changes() {
        let p = normalize("/100%/off%zz");
        assert_eq!(p.as_str(), "/100%/off%zz");
        assert!(p.is_borrowed());
        assert!(p.flags().is_empty());
    }

    #[test]
    fn decodes_every_layer() {
        assert_eq!(n("/%252e%252e%252fadmin").0, "/admin");
        assert_eq!(n("/%25252561dmin").0, "/admin");
        assert_eq!(n("/%%36%31dmin").0, "/admin");
        assert_eq!(n("/%3%3%3%31").0, "/1");
        let (p, f) = n("/x/%u002e%u002e/admin");
        assert_eq!(p, "/admin");
        assert!(f.contains(PathFlags::UNICODE_ESCAPE | PathFlags::DOT_SEGMENTS));
        assert!(!f.contains(PathFlags::DOUBLE_ENCODED));
        // An overlong `%` starts a new escape.
        assert_eq!(n("/%c0%a561dmin").0, "/admin");
        // A fullwidth `％` does too.
        assert_eq!(n("/\u{FF05}61dmin").0, "/admin");
    }

    #[test]
    fn dot_leaders_small_forms_and_roman_numerals_read_as_ascii() {
        // `‥／‥／ｅｔⅽ／ｐａｓｓｗⅾ` (NFKC: `../../etc/passwd`), percent-encoded.
        let raw = "/x/y/%e2%80%a5%ef%bc%8f%e2%80%a5%ef%bc%8f%ef%bd%85%ef%bd%94%e2%85%bd%ef%bc%8f\
                   %ef%bd%90%ef%bd%81%ef%bd%93%ef%bd%93%ef%bd%97%e2%85%be";
        let (path, flags) = n(raw);
        assert_eq!(path, "/etc/passwd");
        assert!(flags.contains(PathFlags::CONFUSABLE));
        assert_eq!(
            n("/a\u{FE68}\u{2024}\u{2024}\u{FE68}b\u{FE52}\u{2167}").0,
            "/b.VIII"
        );
        for raw in ["/\u{2025}", "/a\u{FE68}b", "/\u{217F}"] {
            assert!(
                !is_canonical(raw.as_bytes()),
                "{raw:?} passed the fast scan"
            );
        }
    }

    #[test]
    fn overlong_forms() {
        assert_eq!(n("/x/%c0%ae%c0%ae/admin").0, "/admin");
        assert_eq!(n("/x/%e0%80%ae%e0%80%ae/admin").0, "/admin");
        assert_eq!(n("/x/%f0%80%80%ae%f0%80%80%ae/admin").0, "/admin");
        assert_eq!(n("/x/%f8%80%80%80%ae%fc%80%80%80%80%ae/admin").0, "/admin");
        assert_eq!(n("/x/..%c0%afadmin").0, "/admin");
        assert_eq!(n("/x/..%c1%9cadmin").0, "/admin");
        // Overlong forms of non-ASCII characters become the character.
        assert_eq!(n("/%e0%82%a9").0, "/\u{A9}");
        // Lax form.
        let (p, f) = n("/x/%c0%2e%c0%2e/admin");
        assert_eq!(p, "/admin");
        assert!(f.contains(PathFlags::OVERLONG_UTF8));
        // A lone C0 before a `%` that never decodes, or at the end, is invalid UTF-8.
        let (p, f) = n("/a%c0%zz");
        assert_eq!(p, "/a\u{FFFD}%zz");
        assert!(f.contains(PathFlags::INVALID_UTF8));
        assert_eq!(n("/a%c0").0, "/a\u{FFFD}");
        // A valid sequence is not overlong.
        assert_eq!(n("/%e0%a4%85").0, "/\u{905}");
        assert!(!n("/%e0%a4%85").1.contains(PathFlags::OVERLONG_UTF8));
    }

    #[test]
    fn surrogate_escapes_are_invalid() {
        let (p, f) = n("/%uD800x");
        assert_eq!(p, "/\u{FFFD}x");
        assert!(f.contains(PathFlags::INVALID_UTF8 | PathFlags::UNICODE_ESCAPE));
    }

    #[test]
    fn nul_ends_the_path() {
        for (raw, want) in [
            ("/admin%00.jpg", "/admin"),
            ("/admin/%00", "/admin/"),
            ("/admin%u0000x", "/admin"),
            ("/admin%c0%80x", "/admin"),
            ("/admin\0x", "/admin"),
            ("%00/admin", "/"),
            ("/x/%2500", "/x/"),
        ] {
            let (p, f) = n(raw);
            assert_eq!(p, want, "{raw:?}");
            assert!(f.contains(PathFlags::NUL), "{raw:?}");
        }
    }

    #[test]
    fn flag_names_round_trip() {
        let mut all = PathFlags::EMPTY;
        for (flag, name) in PathFlags::all() {
            assert_eq!(PathFlags::from_name(name), Some(flag));
            assert_eq!(flag.names().collect::<Vec<_>>(), [name]);
            assert!(!all.intersects(flag), "{name} shares a bit");
            all |= flag;
        }
        assert_eq!(PathFlags::from_name("nope"), None);
        let f = PathFlags::NUL | PathFlags::ENCODED;
        assert_eq!(f.to_string(), "encoded,nul");
        assert_eq!(format!("{f:?}"), "PathFlags(encoded,nul)");
        assert!(PathFlags::EMPTY.is_empty());
        assert!(!PathFlags::ENCODED.is_ambiguous());
        assert!(!PathFlags::DOT_SEGMENTS.is_ambiguous());
        assert!((PathFlags::DOT_SEGMENTS | PathFlags::EMPTY_SEGMENTS).is_ambiguous());
        assert!(PathFlags::DOUBLE_ENCODED.is_ambiguous());
    }

    #[test]
    fn prefix_helpers() {
        assert!(starts_with_ignore_case("/ADMIN/x", "/admin"));
        assert!(starts_with_ignore_case("/administrator", "/admin"));
        assert!(!starts_with_ignore_case("/adm", "/admin"));
        assert!(!starts_with_ignore_case("/صفحہ", "/admin"));
        assert!(is_under_ignore_case("/Admin", "/admin"));
        assert!(is_under_ignore_case("/admin/", "/admin"));
        assert!(is_under_ignore_case("/admin/users", "/admin"));
        assert!(!is_under_ignore_case("/administrator", "/admin"));
        assert!(is_under_ignore_case("/admin/users", "/admin/"));
        assert!(!is_under_ignore_case("/admin", "/admin/"));
        assert!(is_under_ignore_case("/anything", "/"));
        // A multi-byte character straddling the prefix length does not panic.
        assert!(!starts_with_ignore_case("/ص", "/a"));
        assert!(is_under_ignore_case("/ص", "/"));
        assert!(!is_under_ignore_case("/ص", "/a"));
    }

    /// Normalises `input` and checks what must hold for any input at all.
    fn check_canonical(input: &str) -> NormalizedPath<'_> {
        let p = normalize(input);
        let s = p.as_str();
        assert!(s.starts_with('/'));
        assert!(!s.contains(['\\', ';', '\0']));
        assert!(!s.contains("//"));
        let again = normalize(s);
        assert_eq!(again.as_str(), s, "not idempotent");
        assert!(again.flags().is_empty() && again.is_borrowed());
        assert_eq!(p.flags().is_empty(), s == input);
        p
    }

    #[test]
    fn odd_input_never_panics() {
        let mb = 1 << 20;
        let mut inputs: Vec<String> = vec![
            "%".repeat(mb),
            "%%%".to_owned(),
            "%".to_owned(),
            "%2".to_owned(),
            "%u".to_owned(),
            "%u12".to_owned(),
            "%c0".to_owned(),
            "/%c0".to_owned(),
            "%c0%".to_owned(),
            "%e0%80".to_owned(),
            "%f0%80%80".to_owned(),
            "../".repeat(100_000),
            "/..".repeat(100_000),
            ";".repeat(mb),
            "\\".repeat(mb),
            ".".repeat(mb),
            " ".repeat(mb),
            "%25".repeat(mb / 3),
            "%c0".repeat(mb / 3),
            "%c0%".repeat(mb / 4),
            "%3".repeat(mb / 2) + "1",
            "%uff05".repeat(mb / 6),
            "\u{FF0E}".repeat(mb / 3),
            "%00".repeat(mb / 3),
        ];
        // Every byte value, raw where it is UTF-8 and escaped everywhere.
        let mut all_escaped = String::from("/");
        let mut all_raw = String::from("/");
        for b in 0..=255u8 {
            all_escaped.push_str(&format!("%{b:02x}"));
            all_escaped.push_str(&format!("/%{b:02X}x/x%u00{b:02x}/%c0%{b:02x}/"));
            if b.is_ascii() {
                all_raw.push(char::from(b));
                all_raw.push('/');
            }
            inputs.push(format!("/a%{b:02x}b"));
            inputs.push(format!("/a%c0%{b:02x}b"));
            inputs.push(format!("/a%e0%80%{b:02x}b"));
        }
        inputs.push(all_escaped);
        inputs.push(all_raw);
        for c in [
            '\u{80}',
            '\u{7FF}',
            '\u{800}',
            '\u{FFFF}',
            '\u{10000}',
            '\u{10FFFF}',
        ] {
            inputs.push(format!("/{c}/{c}.{c}%20"));
        }
        for input in &inputs {
            let p = check_canonical(input);
            // Output length is bounded (U+FFFD takes 3 bytes for 1 invalid byte).
            assert!(p.as_str().len() <= 3 * input.len() + 1);
        }
        assert_eq!(
            normalize(&"%".repeat(mb)).as_str(),
            format!("/{}", "%".repeat(mb))
        );
        assert_eq!(normalize(&"../".repeat(100_000)).as_str(), "/");
        assert_eq!(normalize(&("%3".repeat(1000) + "1")).as_str(), "/1");
        // Each `%25` decodes to `%`, which the next `%25` cannot reach: `%%...%`.
        assert_eq!(
            normalize(&"%25".repeat(1000)).as_str(),
            format!("/{}", "%".repeat(1000))
        );
        assert_eq!(
            normalize(&("%25".repeat(1000) + "41")).as_str(),
            format!("/{}A", "%".repeat(999))
        );
        assert_eq!(normalize(&"%00".repeat(10)).as_str(), "/");
        assert_eq!(normalize("%c0").as_str(), "/\u{FFFD}");
    }

    /// A small deterministic generator (xorshift) for the token-soup tests.
    fn soup(tokens: &[&str], seed: u64, count: usize) -> Vec<String> {
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..count)
            .map(|_| {
                let len = (next() % 14) as usize;
                (0..len)
                    .map(|_| tokens[(next() % tokens.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn token_soup_is_canonical() {
        let tokens = [
            "/", "\\", ".", "..", "%", "%2", "%2e", "%2F", "%5c", "%25", "%u", "%u00", "%u002e",
            "%uff0e", "%c0", "%c1", "%ae", "%af", "%e0", "%80", "%9c", "%00", ";", "a", "A", "1",
            "e", " ", "%20", "ｆ", "．", "∕", "ص", "%ef", "%bc", "%8e", "%3", "u", "%f0", "\0",
            "%ff",
        ];
        for input in soup(&tokens, 0x9E37_79B9_7F4A_7C15, 20_000) {
            let p = check_canonical(&input);
            assert!(
                !p.as_str().split('/').any(|s| s == ".." || s == "."),
                "{input:?}"
            );
        }
    }

    #[test]
    fn one_pass_decoding_agrees_with_decoding_in_rounds() {
        // Escapes whose decodings are digits, `a`, `A` or `%`: nothing that segments, folds or
        // starts a `%u` escape, so the result is the decoded text behind a `/`.
        let tokens = [
            "%", "2", "5", "3", "4", "1", "6", "a", "%25", "%32", "%35", "%34", "%31", "%36",
            "%41", "%61", "%2", "%3",
        ];
        let mut compared = 0;
        for input in soup(&tokens, 0x2545_F491_4F6C_DD1D, 20_000) {
            let mut rounds = format!("/{input}").into_bytes();
            loop {
                let next = crate::decode::percent_decode(&rounds, false).into_owned();
                if next == rounds {
                    break;
                }
                rounds = next;
            }
            let special = |b: &u8| b"/\\;. \0uU".contains(b) || *b >= 0x80;
            if rounds[1..].iter().any(special) {
                continue;
            }
            assert_eq!(
                normalize(&format!("/{input}")).as_str().as_bytes(),
                rounds,
                "{input:?}"
            );
            compared += 1;
        }
        assert!(compared > 15_000, "only {compared} compared");
    }

    /// Best of three runs of `normalize(input)`.
    fn time(input: &str) -> Duration {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(normalize(std::hint::black_box(input)));
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    }

    #[test]
    fn stays_linear() {
        // The inputs that make a naive implementation quadratic: one more decoding layer per
        // escape, chains of reductions, deep `..` stacks.
        let shapes: [fn(usize) -> String; 7] = [
            |k| "%25".repeat(k) + "2e",
            |k| "%3".repeat(k) + "1",
            |k| "%".repeat(3 * k),
            |k| "%c0%".repeat(k),
            |k| "/a".repeat(k) + &"/..".repeat(k),
            |k| "../".repeat(k),
            |k| "%uff05".repeat(k / 2) + &"3".repeat(k),
        ];
        for (i, shape) in shapes.iter().enumerate() {
            let small = shape(40_000);
            let large = shape(320_000);
            let (ts, tl) = (time(&small), time(&large));
            // Linear: about 8 times longer for 8 times the input; quadratic would be 64.
            let limit = ts * 24 + Duration::from_millis(20);
            assert!(tl < limit, "shape {i}: {ts:?} for 40k, {tl:?} for 320k");
        }
    }
}
