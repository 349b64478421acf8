//! `traversal` check: path traversal, local file inclusion and remote file inclusion.
//!
//! A value is read the way a file API behind the portal could read it: every encoding that
//! [`crate::path::normalize`] undoes (`%2e%2e%2f`, `%252e`, `..%c0%af`, `%u2216`, fullwidth dots,
//! `..\`, `..;/`) is undone here too, by normalising the value as if it were a path. Three
//! signals then count:
//!
//! - **Climbing.** The value is normalised below eight dummy directories; how many of them its
//!   `..` segments remove is how far it climbs. Two levels or more is an attack at level 1 (no
//!   form field holds `../../`); one level is weaker, unless it was hidden by an encoding.
//! - **Targets.** Files that only an attacker asks for (`/etc/passwd`, `boot.ini`, `win.ini`,
//!   `windows/system32`, `/proc/self/environ`, `WEB-INF/web.xml`) block anywhere in a value,
//!   even with junk between the names (`etc%c1%pcpasswd`); weaker targets (`/var/log/`,
//!   `php.ini`, `httpd.conf`, `.htaccess`) block only when the value is a path with no spaces.
//! - **Wrappers.** PHP stream wrappers (`php://filter`, `phar://`, `expect://`, `zip://`,
//!   `data://`, `file://`) and filter-evasion dot runs (`....//`).
//!
//! [`scan_param`] adds remote file inclusion: an `http(s)://` or `ftp://` URL in a parameter
//! whose name says it picks a file or page (`page`, `file`, `include`, `template`...). An
//! ordinary URL in `redirect`, `next`, `url` or `return` is not a hit.
//!
//! # Performance
//!
//! A value without `.`, `/`, `\`, `%`, `:`, a possible look-alike lead byte (`EF`, `E2`) or a
//! literal hex escape (`0x`) is cleared by `memchr` scans without allocating.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::Regex;

use super::{Hit, has_pair, pair_positions, scheme_separators};
use crate::path::{PathFlags, has_look_alike, normalize};

/// The dummy directories a value is normalised below to measure how far it climbs.
const PREFIX: &str = "/~q~/~q~/~q~/~q~/~q~/~q~/~q~/~q~/";
/// How many dummy directories [`PREFIX`] holds.
const PREFIX_DEPTH: usize = 8;

/// Scans one decoded value.
pub fn scan(value: &str) -> Option<Hit> {
    let shape = Shape::of(value.as_bytes());
    if !shape.has(TRIGGER) {
        return base64_path(value);
    }
    let mut best = if shape.has(COLON) {
        wrapper(value)
    } else {
        None
    };
    if best.as_ref().is_some_and(|b| b.level == 1) {
        return best;
    }
    if shape.has(DOT_DOT) {
        best = stronger(best, dot_runs(value));
        if best.as_ref().is_some_and(|b| b.level == 1) {
            return best;
        }
    }
    let best = stronger(best, climb_and_target(value, shape));
    if best.is_some() {
        return best;
    }
    base64_path(value)
}

/// A path sent in base64, for an application that decodes it before opening the file
/// (`include(base64_decode($_GET['f']))`): `Li4vZXRjL3Bhc3N3ZA==` is `../etc/passwd`. Only a
/// value that is base64 from end to end and whose first letters encode `/`, `.`, a drive
/// (`C:`) or `php:` is decoded, and only printable text is read.
pub(super) fn base64_path(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    let lead = matches!(
        b,
        [b'L', ..] | [b'Q' | b'Y', b'z', ..] | [b'c', b'G', b'h', b'w', ..]
    );
    if !lead || b.len() < 8 || b.len() > 1024 {
        return None;
    }
    let body = b
        .strip_suffix(b"==")
        .or_else(|| b.strip_suffix(b"="))
        .unwrap_or(b);
    if !body
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_'))
    {
        return None;
    }
    let decoded = base64_decode(body)?;
    if !decoded.iter().all(|c| (0x20..0x7f).contains(c)) {
        return None;
    }
    let text = std::str::from_utf8(&decoded).ok()?;
    let found = scan(text).filter(|h| h.level == 1)?;
    Some(Hit {
        level: found.level,
        rule: "base64-path",
        evidence: 0..value.len(),
    })
}

/// Standard or URL-safe base64 without padding; `None` for a length no encoder writes.
fn base64_decode(b: &[u8]) -> Option<Vec<u8>> {
    if b.len() % 4 == 1 {
        return None;
    }
    let sextet = |c: u8| -> u32 {
        u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            _ => 63,
        })
    };
    let mut out = Vec::with_capacity(b.len() / 4 * 3 + 2);
    for chunk in b.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &c)| n | sextet(c) << (18 - 6 * k));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// What [`scan`] needs to know about a value before the work starts, found in one pass for a
/// short value (a `memchr` call each costs more than reading 30 bytes) and with `memchr` for
/// a long one.
#[derive(Clone, Copy)]
struct Shape(u16);

/// `.`, `/`, `\`, `%`, `:`, `E2`, `EF`, or `0x`: the check can find something.
const TRIGGER: u16 = 1;
/// `%`, `\`, NUL, `C0`, `C1`, `E2` or `EF`: normalising may decode or fold something.
const DECODE: u16 = 2;
const COLON: u16 = 4;
/// `..`
const DOT_DOT: u16 = 8;
/// `0x`
const ZERO_X: u16 = 16;
/// `./`
const DOT_SLASH: u16 = 32;
/// `//`
const SLASH_SLASH: u16 = 64;
/// `.`, `/` or `0`: the first byte of a pair above.
const PAIR_LEAD: u16 = 128;
/// `E2` or `EF`, which start Unicode look-alikes of `.`, `/` and `\\` (and curly quotes and
/// dashes, which are no look-alikes and need no normalising).
const LOOK_LEAD: u16 = 256;

/// The single-byte bits of [`Shape`], by byte.
static SHAPE_BYTE: [u16; 256] = {
    let mut t = [0u16; 256];
    t[b'.' as usize] = TRIGGER | PAIR_LEAD;
    t[b'/' as usize] = TRIGGER | PAIR_LEAD;
    t[b'0' as usize] = PAIR_LEAD;
    t[b'\\' as usize] = TRIGGER | DECODE;
    t[b'%' as usize] = TRIGGER | DECODE;
    t[b':' as usize] = TRIGGER | COLON;
    t[0xE2] = TRIGGER | LOOK_LEAD;
    t[0xEF] = TRIGGER | LOOK_LEAD;
    t[0] = DECODE;
    t[0xC0] = DECODE;
    t[0xC1] = DECODE;
    t
};

impl Shape {
    fn of(b: &[u8]) -> Shape {
        if b.len() > 64 {
            Shape::searched(b)
        } else {
            Shape::read(b)
        }
    }

    /// With `memchr`, for a long value.
    fn searched(b: &[u8]) -> Shape {
        let mut m = 0;
        let mut set = |bit: u16, on: bool| {
            if on {
                m |= bit;
            }
        };
        set(
            TRIGGER,
            memchr::memchr3(b'.', b'/', b'\\', b).is_some()
                || memchr::memchr3(b'%', b':', 0xE2, b).is_some()
                || memchr::memchr(0xEF, b).is_some(),
        );
        set(
            DECODE,
            memchr::memchr3(b'%', b'\\', 0, b).is_some()
                || memchr::memchr2(0xC0, 0xC1, b).is_some()
                || has_look_alike(b),
        );
        set(COLON, memchr::memchr(b':', b).is_some());
        set(DOT_DOT, has_pair(b, *b".."));
        set(ZERO_X, has_pair(b, *b"0x"));
        set(DOT_SLASH, has_pair(b, *b"./"));
        set(SLASH_SLASH, has_pair(b, *b"//"));
        if m & ZERO_X != 0 {
            m |= TRIGGER;
        }
        Shape(m)
    }

    /// In one pass, for a short value.
    fn read(b: &[u8]) -> Shape {
        let mut m = 0;
        for (i, &c) in b.iter().enumerate() {
            let bits = SHAPE_BYTE[c as usize];
            m |= bits;
            if bits & PAIR_LEAD != 0 {
                m |= match (c, b.get(i + 1)) {
                    (b'.', Some(b'.')) => DOT_DOT,
                    (b'0', Some(b'x')) => ZERO_X | TRIGGER,
                    (b'.', Some(b'/')) => DOT_SLASH,
                    (b'/', Some(b'/')) => SLASH_SLASH,
                    _ => 0,
                };
            }
        }
        if m & LOOK_LEAD != 0 && has_look_alike(b) {
            m |= DECODE;
        }
        Shape(m & !LOOK_LEAD)
    }

    fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
}

/// The hit with the lower level (the one that blocks sooner), the first on a tie.
fn stronger(a: Option<Hit>, b: Option<Hit>) -> Option<Hit> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.level < a.level { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Scans one named parameter: everything [`scan`] finds, plus remote file inclusion (a remote
/// URL in a parameter whose name says it selects a file, page or template).
pub fn scan_param(name: &str, value: &str) -> Option<Hit> {
    let local = scan(value);
    if local.as_ref().is_some_and(|h| h.level == 1) {
        return local;
    }
    let remote = remote_include(name, value);
    stronger(local, remote)
}

/// Which check a hit of this module belongs to: a PHP stream wrapper or a remote URL in an
/// include-like parameter is file inclusion (`rfi`), everything else is traversal.
pub fn check_of(hit: &Hit) -> super::CheckName {
    match hit.rule {
        "php-wrapper" | "remote-include" => super::CheckName::Rfi,
        _ => super::CheckName::Traversal,
    }
}

fn hit(level: u8, rule: &'static str, at: usize, len: usize, value: &str) -> Option<Hit> {
    let start = at.min(value.len());
    let end = at.saturating_add(len).min(value.len());
    Some(Hit {
        level,
        rule,
        evidence: start..end,
    })
}

/// PHP stream wrappers, looked for in the value as given (the caller decoded it once).
fn wrapper(value: &str) -> Option<Hit> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    const PATTERNS: [&str; 12] = [
        "php://",
        "phar://",
        "zip://",
        "expect://",
        "compress.zlib://",
        "compress.bzip2://",
        "glob://",
        "data://",
        "file://",
        "rar://",
        "ogg://",
        "ssh2.",
    ];
    let ac = AC
        .get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(PATTERNS)
                .ok()
        })
        .as_ref()?;
    let bytes = value.as_bytes();
    memchr::memchr(b':', bytes)?;
    // Every pattern that can hit stands right before a `://` (`ssh2.` only with `shell://` or
    // `exec://`): a URL with another scheme, or no `://` at all, needs no automaton.
    let wrapped = scheme_separators(bytes).any(|p| {
        [
            &b"php"[..],
            b"phar",
            b"zip",
            b"expect",
            b"compress.zlib",
            b"compress.bzip2",
            b"glob",
            b"data",
            b"file",
            b"rar",
            b"ogg",
            b"ssh2.shell",
            b"ssh2.exec",
        ]
        .iter()
        .any(|w| p >= w.len() && bytes[p - w.len()..p].eq_ignore_ascii_case(w))
    });
    if !wrapped {
        return None;
    }
    let start_of_value = value.len() - value.trim_start().len();
    for m in ac.find_iter(bytes) {
        // A wrapper starts a word: `my.php://` is no wrapper, `=php://` is.
        if m.start() > 0 && bytes[m.start() - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rule = "php-wrapper";
        let leading = m.start() == start_of_value;
        let level = match PATTERNS[m.pattern().as_usize()] {
            "php://" => 1,
            "phar://" | "zip://" | "expect://" | "compress.zlib://" | "compress.bzip2://"
            | "glob://" | "rar://" | "ogg://" => 1,
            "ssh2." => {
                if bytes[m.end()..].starts_with(b"shell://")
                    || bytes[m.end()..].starts_with(b"exec://")
                {
                    1
                } else {
                    continue;
                }
            }
            // `data://` and `file://` appear in documentation; as the whole value they are an
            // inclusion.
            _ => {
                let then = bytes.get(m.end()).copied().unwrap_or(b' ');
                if leading && !then.is_ascii_whitespace() {
                    1
                } else {
                    3
                }
            }
        };
        return hit(level, rule, m.start(), m.len(), value);
    }
    None
}

/// Runs of three or more dots before a separator, repeated (`....//....//`), the pattern that
/// defeats filters which remove `../` once.
fn dot_runs(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    let first = memchr::memchr_iter(b'.', b)
        .find(|&i| b.get(i + 1) == Some(&b'.') && b.get(i + 2) == Some(&b'.'))?;
    let mut count = 0;
    let mut i = first;
    let mut first_hit = None;
    while i < b.len() {
        if b[i] == b'.' {
            let start = i;
            while i < b.len() && b[i] == b'.' {
                i += 1;
            }
            let run = i - start;
            let sep = b.get(i).is_some_and(|&c| c == b'/' || c == b'\\')
                || b[i..].starts_with(b"%2f")
                || b[i..].starts_with(b"%2F")
                || b[i..].starts_with(b"%5c")
                || b[i..].starts_with(b"%5C");
            if run >= 3 && sep {
                count += 1;
                first_hit.get_or_insert(start);
            }
        } else {
            i += 1;
        }
    }
    if count >= 2 {
        let at = first_hit.unwrap_or(0);
        return hit(1, "dot-dot-slash", at, 4, value);
    }
    None
}

/// How far the value climbs and which files it names, after undoing every encoding.
fn climb_and_target(value: &str, shape: Shape) -> Option<Hit> {
    let b = value.as_bytes();
    // Nothing to decode and nothing that climbs or folds: the value is its own normalised form,
    // so only a sensitive target can be in it. This keeps URLs, user agents and prose cheap.
    let simple = !shape.has(DECODE | DOT_DOT | ZERO_X | DOT_SLASH);
    if simple {
        if !shape.has(SLASH_SLASH) {
            if !may_target(b) {
                return None;
            }
            let no_space = !value.trim().bytes().any(|c| c.is_ascii_whitespace());
            return find_target(b, no_space, !drive_document(b))
                .and_then(|(level, _)| hit(level, "sensitive-file", 0, value.len(), value));
        }
        if merged_slashes_clear(b) {
            return None;
        }
    }
    normalized_climb_and_target(value)
}

/// For a value with nothing to decode, no `..` and no `./`, but a `//`: whether normalising it
/// can bring no anchor of [`may_target`] into being, read as it is or behind the `/` that
/// normalisation puts before it. A first segment with a `:` (`https:`) completes no anchor
/// there: the only anchor with a `:` is `:/`, which the value already holds in place.
fn merged_slashes_clear(b: &[u8]) -> bool {
    let first = &b[..memchr::memchr(b'/', b).unwrap_or(b.len())];
    only_empty_segments(b)
        && !may_target(b)
        && (memchr::memchr(b':', first).is_some() || !may_target(&lead_slash(b)))
}

/// [`climb_and_target`] the long way: the value normalised below [`PREFIX`].
fn normalized_climb_and_target(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    let mut joined = String::with_capacity(PREFIX.len() + value.len());
    joined.push_str(PREFIX);
    // Literal hex notation (`0x2e0x2e0x2f`) is read by nothing, but lists of evasions use it;
    // spell it as the escape it stands for, so it decodes with the rest.
    if has_pair(b, *b"0x") {
        push_hex_literals(&mut joined, value);
    } else {
        joined.push_str(value);
    }
    // A NUL ends a path for the file API, but what follows it still shows the intent.
    if memchr::memchr(0, joined.as_bytes()).is_some() || joined.contains("%00") {
        joined = joined
            .replace(['\0'], "")
            .replace("%2500", "")
            .replace("%00", "");
    }
    let normalized = normalize(&joined);
    let path = normalized.as_str();
    let flags = normalized.flags();
    let kept = path
        .as_bytes()
        .chunks(4)
        .take(PREFIX_DEPTH)
        .take_while(|c| *c == b"/~q~")
        .count();
    let climbs = PREFIX_DEPTH - kept;
    let hidden = flags.intersects(
        PathFlags::DOUBLE_ENCODED
            | PathFlags::UNICODE_ESCAPE
            | PathFlags::OVERLONG_UTF8
            | PathFlags::CONFUSABLE
            | PathFlags::ENCODED,
    );
    let no_space = !value.trim().bytes().any(|c| c.is_ascii_whitespace());
    let first_dots = memchr::memmem::find(b, b"..").unwrap_or(0);

    let weak = !drive_document(b);
    let target = match find_target(b, no_space, weak) {
        Some((1, at)) => Some((1, at)),
        raw => find_target(path.as_bytes(), no_space, weak).or(raw),
    };
    if let Some((level, _)) = target {
        if level == 1 {
            return hit(1, "sensitive-file", 0, value.len(), value);
        }
    }
    if climbs >= 2 {
        return hit(1, "dot-dot-slash", first_dots, 3, value);
    }
    if climbs == 1 {
        if target.is_some() || (hidden && no_space) {
            return hit(1, "dot-dot-slash", first_dots, 3, value);
        }
        return hit(
            if no_space { 2 } else { 3 },
            "dot-dot-slash",
            first_dots,
            3,
            value,
        );
    }
    if let Some((level, _)) = target {
        return hit(level, "sensitive-file", 0, value.len(), value);
    }
    None
}

/// For a value with nothing to decode, no `..` and no `./`: whether normalising it can only
/// merge runs of `/` (no `;` parameter, no segment ending in a space or a dot), and no anchor of
/// [`may_target`] has a `/` inside that a merged run could complete (only `.git/config` has).
/// Then the normalised form holds an anchor only where the value does, so when [`may_target`]
/// clears the value, it clears the normalised form too, and nothing climbs.
fn only_empty_segments(b: &[u8]) -> bool {
    memchr::memchr(b';', b).is_none()
        && !has_pair(b, *b" /")
        && !matches!(b.last(), Some(b'.' | b' '))
        && !pair_positions(b, *b"//").any(|p| ends_with_ci(b, p, "git"))
}

/// The start of `b` behind the `/` that normalisation puts before it (so `usr//x` names
/// `/usr/`), long enough for any anchor and the byte after it.
fn lead_slash(b: &[u8]) -> [u8; ANCHOR_MAX + 2] {
    let mut lead = [b'a'; ANCHOR_MAX + 2];
    lead[0] = b'/';
    for (d, c) in lead[1..].iter_mut().zip(b) {
        *d = *c;
    }
    lead
}

/// Copies `value` into `out`, turning `0x2e`, `0x2f` and `0x5c` into `%2e`, `%2f` and `%5c`.
fn push_hex_literals(out: &mut String, value: &str) {
    let mut rest = value;
    while let Some(at) = rest.find("0x") {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let code = after.get(2..4).map(|s| s.to_ascii_lowercase());
        match code.as_deref() {
            Some("2e" | "2f" | "5c") => {
                out.push('%');
                out.push_str(&after[2..4]);
                rest = &after[4..];
            }
            _ => {
                out.push_str("0x");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
}

/// What must stand around an anchor of [`may_target`] for its alternative to match.
#[derive(Clone, Copy)]
enum After {
    /// Nothing more.
    Any,
    /// A junk byte follows (`{j}` needs at least one: not a letter, not a space).
    Junk,
    /// A word ends there (`ini\b`).
    WordEnd,
    /// `c:/`, `d:/`, or `/x:/`.
    Drive,
}

/// The literals that [`find_target`]'s alternatives require, with where they must stand. Each
/// strong and weak alternative holds at least one of them.
const ANCHORS: &[(&str, After)] = &[
    // Strong.
    ("etc", After::Junk),
    ("ini", After::WordEnd),
    ("windows", After::Junk),
    ("winnt", After::Junk),
    ("system32", After::Junk),
    ("proc", After::Junk),
    ("web-inf", After::Junk),
    ("inetpub", After::Junk),
    ("/.ssh/", After::Any),
    ("id_rsa", After::Any),
    ("id_dsa", After::Any),
    ("authorized_keys", After::Any),
    ("/.bash_history", After::Any),
    ("/.bash_profile", After::Any),
    ("/.zsh_history", After::Any),
    ("/.mysql_history", After::Any),
    ("/.cshrc", After::Any),
    ("/.forward", After::Any),
    ("/.netrc", After::Any),
    ("/.pgpass", After::Any),
    ("/.git-credentials", After::Any),
    ("grub/", After::Any),
    ("/sys/", After::Any),
    (".htpasswd", After::Any),
    ("/program files", After::Any),
    ("/usr/", After::Any),
    ("/var/", After::Any),
    ("convert.", After::Any),
    ("..", After::Any),
    (":/", After::Drive),
    // Weak.
    ("/opt/", After::Any),
    ("/root/", After::Any),
    ("/sbin/", After::Any),
    ("/bin/", After::Any),
    ("/srv/", After::Any),
    ("/php/", After::Any),
    ("/apache/", After::Any),
    ("/apache2/", After::Any),
    ("/httpd/", After::Any),
    ("/nginx/", After::Any),
    ("/mysql/", After::Any),
    ("/xampp/", After::Any),
    ("/tomcat/", After::Any),
    ("/log/", After::Any),
    ("/logs/", After::Any),
    ("php.ini", After::Any),
    ("httpd.conf", After::Any),
    ("apache2.conf", After::Any),
    ("nginx.conf", After::Any),
    ("my.cnf", After::Any),
    ("my.ini", After::Any),
    (".htaccess", After::Any),
    (".user.ini", After::Any),
    ("web.config", After::Any),
    ("wp-config.php", After::Any),
    ("config.inc.php", After::Any),
    ("configuration.php", After::Any),
    ("localsettings.php", After::Any),
    (".env", After::Any),
    ("access.log", After::Any),
    ("error.log", After::Any),
    ("access_log", After::Any),
    ("error_log", After::Any),
    ("sendmail.log", After::Any),
    (".bashrc", After::Any),
    (".profile", After::Any),
    (".logout", After::Any),
    (".git/config", After::Any),
    ("/.", After::Any),
    ("pg_hba.conf", After::Any),
    ("postgresql.conf", After::Any),
    ("lighttpd.conf", After::Any),
    ("tomcat-users.xml", After::Any),
    ("applicationhost.config", After::Any),
    ("unattend.xml", After::Any),
    ("unattended.xml", After::Any),
    ("sysprep.inf", After::Any),
];

/// The longest literal in [`ANCHORS`].
const ANCHOR_MAX: usize = 22;

/// Byte classes of the [`may_target`] scan.
const LETTER: u8 = 0;
/// A byte that can follow an anchor that needs junk or a word end after it.
const STOP: u8 = 1;
/// A byte that every anchor of kind [`After::Any`] or [`After::Drive`] holds one of.
const SEP: u8 = 2;

static CLASS: [u8; 256] = {
    let mut t = [STOP; 256];
    let mut c = 0;
    while c < 256 {
        if (c as u8).is_ascii_alphabetic() {
            t[c] = LETTER;
        }
        c += 1;
    }
    t[b'/' as usize] = SEP;
    t[b'.' as usize] = SEP;
    t[b'_' as usize] = SEP;
    t[b':' as usize] = SEP;
    t
};

/// The last bytes (either case) of the anchors that need junk or a word end after them, which
/// [`may_target`] checks by suffix instead of with the automaton: [`END_JUNK`] for those that
/// need junk (never a space) after them, [`END_WORD`] for those that need a word end.
static SUFFIX_END: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < SUFFIX_ANCHORS.len() {
        let a = SUFFIX_ANCHORS[i].0.as_bytes();
        let last = a[a.len() - 1];
        let bit = match SUFFIX_ANCHORS[i].1 {
            After::WordEnd => END_WORD,
            _ => END_JUNK,
        };
        t[last.to_ascii_lowercase() as usize] |= bit;
        t[last.to_ascii_uppercase() as usize] |= bit;
        i += 1;
    }
    t
};
const END_JUNK: u8 = 1;
const END_WORD: u8 = 2;

/// `\s` as the regexes read it without Unicode.
fn space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Whether an anchor of kind `after` that ends at `end` and starts at `start` stands where it
/// must.
fn anchor_fits(b: &[u8], start: usize, end: usize, after: After) -> bool {
    let next = b.get(end).copied();
    match after {
        After::Any => true,
        After::Junk => next.is_some_and(|c| !c.is_ascii_alphabetic() && !space(c)),
        After::WordEnd => next.is_none_or(|c| !c.is_ascii_alphanumeric() && c != b'_'),
        After::Drive => {
            (start >= 1 && matches!(b[start - 1], b'c' | b'C' | b'd' | b'D'))
                || (start >= 2 && b[start - 2] == b'/' && b[start - 1].is_ascii_alphabetic())
                // A drive path as the whole value (`E:/backup.sql`).
                || (start == 1 && b[0].is_ascii_alphabetic())
        }
    }
}

/// The anchors of [`ANCHORS`] that need junk or a word end after them: its first eight.
const SUFFIX_ANCHORS: &[(&str, After)] = ANCHORS.split_at(8).0;

/// Which of the separators `/`, `.`, `_` a byte is (`:` is only in `:/`, checked alone).
const fn sep_index(c: u8) -> usize {
    match c {
        b'/' => 0,
        b'.' => 1,
        _ => 2,
    }
}

/// Pairs of a separator and the byte after it (either case) that some anchor other than `:/`
/// holds, by [`sep_index`].
static FOLLOW: [[bool; 256]; 3] = pairs(true);
/// The two bytes after a separator, folded to five bits each (so ASCII case does not
/// matter; other bytes share keys, which only widens the gate).
const fn follow_key(n1: u8, n2: u8) -> usize {
    (((n1 & 31) as usize) << 5) | (n2 & 31) as usize
}

/// [`FOLLOW`] with the second byte after the separator too, as bit sets of [`follow_key`]s:
/// `.pk` of an e-mail address opens no window, although `.p` starts `.profile`. An anchor
/// with only one byte after a separator marks every key with that byte.
static FOLLOW2: [[u64; 16]; 3] = follow2();

const fn follow2() -> [[u64; 16]; 3] {
    let mut t = [[0u64; 16]; 3];
    let mut i = 0;
    while i < ANCHORS.len() {
        let a = ANCHORS[i].0.as_bytes();
        let drive = matches!(ANCHORS[i].1, After::Drive);
        let mut k = 0;
        while k + 1 < a.len() && !drive {
            let c = a[k];
            if c == b'/' || c == b'.' || c == b'_' {
                let s = sep_index(c);
                let mut n2 = 0;
                while n2 < 32 {
                    let second = if k + 2 < a.len() { a[k + 2] } else { n2 as u8 };
                    let key = follow_key(a[k + 1], second);
                    t[s][key / 64] |= 1 << (key % 64);
                    if k + 2 < a.len() {
                        break;
                    }
                    n2 += 1;
                }
            }
            k += 1;
        }
        i += 1;
    }
    t
}

/// Pairs of a separator that ends an anchor and the byte before it (either case), for the
/// anchors with no other separator (`convert.`): the others are found by their first one.
static PRECEDE: [[bool; 256]; 3] = pairs(false);

/// Whether `a[..end]` holds a `/`, `.` or `_`.
const fn has_sep(a: &[u8], end: usize) -> bool {
    let mut k = 0;
    while k < end {
        if a[k] == b'/' || a[k] == b'.' || a[k] == b'_' {
            return true;
        }
        k += 1;
    }
    false
}

const fn pairs(follow: bool) -> [[bool; 256]; 3] {
    let mut t = [[false; 256]; 3];
    let mut i = 0;
    while i < ANCHORS.len() {
        let a = ANCHORS[i].0.as_bytes();
        let drive = matches!(ANCHORS[i].1, After::Drive);
        let mut k = 0;
        while k < a.len() && !drive {
            let c = a[k];
            if c == b'/' || c == b'.' || c == b'_' {
                let other = if follow && k + 1 < a.len() {
                    Some(a[k + 1])
                } else if !follow && k + 1 == a.len() && k > 0 && !has_sep(a, k) {
                    Some(a[k - 1])
                } else {
                    None
                };
                if let Some(o) = other {
                    t[sep_index(c)][o.to_ascii_lowercase() as usize] = true;
                    t[sep_index(c)][o.to_ascii_uppercase() as usize] = true;
                }
            }
            k += 1;
        }
        i += 1;
    }
    t
}

/// Whether `b[..p]` ends with `a`, ignoring ASCII case.
fn ends_with_ci(b: &[u8], p: usize, a: &str) -> bool {
    let a = a.as_bytes();
    p >= a.len()
        && b[p - 1].eq_ignore_ascii_case(&a[a.len() - 1])
        && b[p - a.len()..p].eq_ignore_ascii_case(a)
}

/// Whether an anchor that needs junk or a word end after it ends right before `p`.
fn suffix_anchor(b: &[u8], p: usize) -> bool {
    SUFFIX_ANCHORS
        .iter()
        .any(|&(a, after)| ends_with_ci(b, p, a) && anchor_fits(b, p - a.len(), p, after))
}

/// For `w[1..65]`, the bytes (as bits) that [`may_target`] must visit: a separator, or a byte
/// that is no letter after the last byte of an anchor that needs junk or a word end after it
/// (`w[0]` is the byte before the first). Written without tables or branches, so the compiler
/// turns it into vector compares; `wakes_agrees_with_the_tables` checks it against
/// [`CLASS`] and [`SUFFIX_END`].
fn wakes(w: &[u8]) -> u64 {
    let mut flags = [0u8; 64];
    for (i, f) in flags.iter_mut().enumerate() {
        let (prev, c) = (w[i], w[i + 1]);
        let q = prev | 0x20;
        let sep = (c == b'/') | (c == b'.') | (c == b'_') | (c == b':');
        let letter = (c | 0x20).wrapping_sub(b'a') < 26;
        let sp = (c == b' ') | (c.wrapping_sub(b'\t') < 5);
        let junk_end =
            (q == b'c') | (q == b's') | (q == b't') | (q == b'f') | (q == b'b') | (prev == b'2');
        let word_end = q == b'i';
        *f = u8::from(sep | (!letter & ((junk_end & !sp) | word_end)));
    }
    let mut marks = 0u64;
    for (k, eight) in flags.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
        // Gathers the low bit of each byte into the top byte, byte `j` to bit `56 + j`.
        marks |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    marks
}

/// The exact prefilter of [`find_target`]: false only when neither regex can match, because
/// no literal that an alternative requires stands where it must.
///
/// Anchors that need junk or a word end after them are letters (and `-`) only, so they are
/// checked by suffix where a letter run ends; every other anchor holds a `/`, `.`, `_` or `:`,
/// so the automaton runs only on the windows around those bytes. Prose is one table look-up a
/// byte.
fn may_target(b: &[u8]) -> bool {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let Some(ac) = AC
        .get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(ANCHORS.iter().map(|a| a.0))
                .ok()
        })
        .as_ref()
    else {
        return true;
    };
    let in_window = |start: usize, end: usize| {
        ac.find_overlapping_iter(&b[start..end]).any(|m| {
            let (s, e) = (start + m.start(), start + m.end());
            anchor_fits(b, s, e, ANCHORS[m.pattern().as_usize()].1)
        })
    };
    // The merged window around separators still to be searched.
    let mut window: Option<(usize, usize)> = None;
    // One byte that is not a letter: true when an anchor certainly fits there.
    let mut visit = |p: usize, c: u8| -> bool {
        let class = CLASS[c as usize];
        // After a space, only an anchor that needs a word end can fit (prose: most words end
        // before a space, few of them in `ini`).
        let ends = if space(c) {
            END_WORD
        } else {
            END_JUNK | END_WORD
        };
        if p > 0 && SUFFIX_END[b[p - 1] as usize] & ends != 0 && suffix_anchor(b, p) {
            return true;
        }
        if class != SEP {
            return false;
        }
        // `:/` is the only anchor with a `:`; the others are searched only where the
        // separator and a neighbour are a pair that some anchor holds.
        if c == b':' {
            return b.get(p + 1) == Some(&b'/') && anchor_fits(b, p, p + 2, After::Drive);
        }
        let k = sep_index(c);
        let follow = match (b.get(p + 1), b.get(p + 2)) {
            (Some(&n1), Some(&n2)) => {
                let key = follow_key(n1, n2);
                FOLLOW2[k][key / 64] & (1 << (key % 64)) != 0
            }
            (Some(&n1), None) => FOLLOW[k][n1 as usize],
            _ => false,
        };
        let precede = p > 0 && PRECEDE[k][b[p - 1] as usize];
        if !follow && !precede {
            return false;
        }
        let start = p.saturating_sub(ANCHOR_MAX - 1);
        let end = (p + ANCHOR_MAX).min(b.len());
        window = match window {
            Some((s, e)) if start <= e => Some((s, end.max(e))),
            Some((s, e)) => {
                if in_window(s, e) {
                    return true;
                }
                Some((start, end))
            }
            None => Some((start, end)),
        };
        false
    };
    // Long values go 64 bytes at a time: a branch-free pass marks the bytes where `visit` can
    // do anything, and only those are visited. Prose has a few a block.
    let mut p = 0;
    if b.len() > 64 {
        if CLASS[b[0] as usize] != LETTER && visit(0, b[0]) {
            return true;
        }
        p = 1;
        while p + 64 <= b.len() {
            let mut marks = wakes(&b[p - 1..p + 64]);
            while marks != 0 {
                let q = p + marks.trailing_zeros() as usize;
                if visit(q, b[q]) {
                    return true;
                }
                marks &= marks - 1;
            }
            p += 64;
        }
    }
    for (q, &c) in b.iter().enumerate().skip(p) {
        if CLASS[c as usize] != LETTER && visit(q, c) {
            return true;
        }
    }
    if let Some((s, e)) = window {
        if in_window(s, e) {
            return true;
        }
    }
    !b.is_empty() && SUFFIX_END[b[b.len() - 1] as usize] != 0 && suffix_anchor(b, b.len())
}

/// A Windows path to an ordinary document (`C:\Users\Ayesha\Documents\cnic.pdf`): what old
/// Internet Explorer sends as an upload's file name, and what users paste into forms. Only a
/// strong target (a system folder, `boot.ini`) counts in it, not a weak one (any drive path, a
/// `\bin\` folder).
fn drive_document(value: &[u8]) -> bool {
    const DOCUMENTS: [&[u8]; 16] = [
        b"pdf", b"jpg", b"jpeg", b"png", b"gif", b"bmp", b"tif", b"tiff", b"heic", b"doc", b"docx",
        b"odt", b"xls", b"xlsx", b"ppt", b"pptx",
    ];
    let b = value.trim_ascii();
    b.len() > 3
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && matches!(b[2], b'\\' | b'/')
        && memchr::memmem::find(b, b"..").is_none()
        && memchr::memrchr(b'.', b)
            .is_some_and(|d| DOCUMENTS.iter().any(|e| b[d + 1..].eq_ignore_ascii_case(e)))
}

/// Files and directories that only an attacker asks a form for. Returns the level and where.
/// `weak`: whether the weaker targets count (see [`drive_document`]).
fn find_target(path: &[u8], no_space: bool, weak: bool) -> Option<(u8, usize)> {
    if !may_target(path) {
        return None;
    }
    static STRONG: OnceLock<Option<Regex>> = OnceLock::new();
    static WEAK: OnceLock<Option<Regex>> = OnceLock::new();
    let strong = STRONG
        .get_or_init(|| {
            // `L` is where a name may start: not inside a word, but after junk that an
            // evasion left (`%c0%qfetc`); `J` is junk between names (`etc%c1%pcpasswd`).
            let l = r"(?:^|[^a-z]|%u[0-9a-f]{4}|%[a-z0-9]{1,4}|0x[0-9a-f]{2}|[0-9][0-9a-f])";
            let j = r"(?:[^\sa-z]|%u[0-9a-f]{4}|%[a-z0-9]{1,4}|0x[0-9a-f]{2}|[0-9][0-9a-f]){1,8}?";
            let alternatives = [
                format!("{l}etc{j}(?:passwd|shadow|gshadow|issue|hosts|group|motd|sudoers|crontab|fstab|hostname|resolv\\.conf|master\\.passwd|mysql/my\\.cnf|apache2/|httpd/|nginx/|ssh/|subuid|subgid|exports|crypttab|security/|pam\\.d/)"),
                format!("{l}boot{j}ini\\b"),
                format!("{l}(?:win|system){j}ini\\b"),
                format!("{l}win(?:dows|nt){j}(?:system32|system|repair|panther|debug|win\\.ini|php\\.ini|temp)"),
                format!("{l}system32{j}(?:config|drivers|inetsrv|cmd\\.exe|logfiles)"),
                format!("{l}proc{j}(?:self|\\d{{1,7}}){j}(?:environ|cmdline|fd|status|maps|mounts|stat|cwd|exe)"),
                r"/proc/(?:version|mounts|cpuinfo|meminfo|net/)".to_owned(),
                format!("web-inf{j}(?:web|classes|lib|struts|applicationcontext|faces-config)"),
                r"/\.ssh/|\bid_[rd]sa\b|\bauthorized_keys\b|/\.bash_history|\.htpasswd\b".to_owned(),
                // A home directory's secrets and start-up files, the boot loader's configuration,
                // the kernel's view of the machine.
                r"/\.(?:bash_profile|zsh_history|mysql_history|cshrc|forward|netrc|pgpass|git-credentials)\b".to_owned(),
                r"/boot/grub/(?:grub\.cfg|grub\.conf|menu\.lst|device\.map)".to_owned(),
                r"/sys/(?:class|kernel|firmware|devices)\b".to_owned(),
                format!("{l}inetpub{j}(?:wwwroot|logs)"),
                r"/program files(?: \(x86\))?/".to_owned(),
                r"/(?:usr|var)/(?:local/)?(?:apache2?|httpd|nginx)/(?:conf|logs?)/".to_owned(),
                r"\bconvert\.(?:iconv|base64-|quoted-printable|string\.rot13)".to_owned(),
                r"(?:\.\.(?:[/\\]|%u[0-9a-f]{4}|%[a-z0-9]{1,4}|0x[0-9a-f]{2}|[0-9][0-9a-f]){1,3}){3}".to_owned(),
                r"\b(?:c|d):/(?:xampp|wamp|inetpub|windows|winnt|boot\.ini|apache|program files)".to_owned(),
            ];
            Regex::new(&format!("(?i-u)(?:{})", alternatives.join("|"))).ok()
        })
        .as_ref()?;
    if let Some(m) = strong.find(path) {
        return Some((1, m.start()));
    }
    if !weak {
        return None;
    }
    let weak = WEAK
        .get_or_init(|| {
            Regex::new(concat!(
                r"(?i-u)(?:",
                r"/(?:var|etc|usr|opt|root|proc|sbin|bin|srv)/[^\s]",
                r"|(?:^|/)[a-z]:/[^\s]",
                r"|/(?:php|apache2?|httpd|nginx|mysql|xampp|tomcat|logs?)/",
                // A dotfile in a home directory, as the whole value: `~/.viminfo`, `~www/.login`.
                r"|^~[a-z0-9_.-]{0,32}/\.[a-z_]",
                r"|(?:^|[^a-z0-9_-])(?:php\.ini|httpd\.conf|apache2\.conf|nginx\.conf|pg_hba\.conf|postgresql\.conf|lighttpd\.conf|my\.cnf|my\.ini|\.htaccess|\.user\.ini|web\.config|wp-config\.php|config\.inc\.php|configuration\.php|localsettings\.php|\.env|access\.log|error\.log|access_log|error_log|sendmail\.log|\.bashrc|\.profile|\.logout|\.git/config|tomcat-users\.xml|applicationhost\.config|unattend(?:ed)?\.xml|sysprep\.inf)(?:$|[^a-z0-9_])",
                r")"
            ))
            .ok()
        })
        .as_ref()?;
    let m = weak.find(path)?;
    Some((if no_space { 1 } else { 3 }, m.start()))
}

/// Parameter names that pick a file, page or template to load.
fn include_like(name: &str) -> bool {
    const NAMES: [&str; 30] = [
        "page", "file", "filename", "include", "inc", "path", "template", "tpl", "doc", "document",
        "folder", "dir", "load", "module", "mod", "view", "content", "layout", "conf", "config",
        "style", "pg", "show", "site", "lang", "language", "theme", "skin", "src", "source",
    ];
    let n = name.trim().trim_end_matches("[]");
    // `mosConfig_absolute_path`, `include_path`, `page_file`: the last word decides.
    let last = n.rsplit(['_', '-', '.', '[']).next().unwrap_or(n);
    let last = last.trim_end_matches(']');
    NAMES
        .iter()
        .any(|w| last.eq_ignore_ascii_case(w) || n.eq_ignore_ascii_case(w))
        || ends_with_ignore_case(n, "path")
        || ends_with_ignore_case(n, "dir")
}

/// `s` ends with `suffix`, ASCII letters compared without case.
fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Remote file inclusion: a remote URL in an include-like parameter, or one shaped like an
/// inclusion payload anywhere (`http://host/shell.txt?`).
fn remote_include(name: &str, value: &str) -> Option<Hit> {
    let v = value.trim();
    let b = v.as_bytes();
    let starts = |p: &[u8]| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p);
    let scheme_len = if starts(b"https://") {
        8
    } else if starts(b"http://") || starts(b"ftps://") {
        7
    } else if starts(b"ftp://") {
        6
    } else if v.starts_with("\\\\") && v.len() > 3 {
        // A UNC path (`\\host\share\x.php`) makes Windows PHP fetch over SMB.
        return include_like(name).then_some(Hit {
            level: 1,
            rule: "remote-include",
            evidence: 0..value.len(),
        });
    } else {
        return None;
    };
    let rest = &v[scheme_len..];
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = &rest[..path_end];
    // Image names are left out: an editor's JSON names its pictures by `src`
    // (`{"type": "image", "attrs": {"src": "https://.../photo.jpg"}}`); a shell dressed as a
    // picture still counts with the `?` that cuts off a suffix, or on a bare IP address.
    let script = [".txt", ".php", ".inc", ".phtml", ".sh", ".pl"]
        .iter()
        .any(|e| ends_with_ignore_case(path, e));
    let trailing = v.ends_with('?') || v.ends_with("%00") || v.ends_with('\0');
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let ip_host = host
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == ':')
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
        && host.contains('.');
    let level = if include_like(name) {
        if trailing || script || ip_host { 1 } else { 2 }
    } else if trailing && (script || path.is_empty() || path == "/") {
        // `http://host/shell.txt?` anywhere: the `?` only serves to cut off an appended suffix.
        1
    } else {
        return None;
    };
    Some(Hit {
        level,
        rule: "remote-include",
        evidence: 0..value.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::test_support::assert_linear;

    fn level(v: &str) -> Option<u8> {
        scan(v).map(|h| h.level)
    }

    #[test]
    fn encodings_of_dot_dot_slash() {
        for v in [
            "../../../../etc/passwd",
            "..\\..\\..\\boot.ini",
            "%2e%2e%2f%2e%2e%2fsecret.txt",
            "%252e%252e%252f%252e%252e%252fx",
            "..%c0%af..%c0%afx",
            "....//....//etc/passwd",
            "..%u2216..%u2216x",
            "\u{FF0E}\u{FF0E}/\u{FF0E}\u{FF0E}/x",
            "0x2e0x2e0x2f0x2e0x2e0x2fx",
        ] {
            assert_eq!(level(v), Some(1), "{v}");
        }
    }

    #[test]
    fn prose_is_clear() {
        for v in [
            "Tom & Jerry; cats | dogs.",
            "see ../docs for more",
            "/blog/2024/10/my-post",
            "2024/10/01",
            "My C: drive is full... etc. The issue is here",
            "https://example.gov.pk/a/b?c=d",
            "version 1.2.3",
        ] {
            assert_ne!(level(v), Some(1), "{v}");
        }
    }

    #[test]
    fn remote_include_needs_an_include_parameter() {
        assert_eq!(
            scan_param("page", "http://evil.example/shell.txt?").map(|h| h.level),
            Some(1)
        );
        assert_eq!(
            scan_param("file", "https://203.0.113.9/x").map(|h| h.level),
            Some(1)
        );
        assert_eq!(
            scan_param("next", "https://portal.example.gov.pk/home"),
            None
        );
        assert_eq!(scan_param("redirect", "https://example.com/a.php"), None);
        assert_eq!(
            scan_param("q", "http://evil.example/x.txt?").map(|h| h.level),
            Some(1)
        );
    }

    #[test]
    fn big_inputs_are_fast_and_safe() {
        for unit in [
            "../", "%", ".", "0x", "....//", "etc/", "a", "php:", "%c0", "..%2f",
        ] {
            assert_linear(
                &|v| {
                    let _ = scan(v);
                    let _ = scan_param("page", v);
                },
                unit,
            );
        }
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    /// The gate before this file had a byte-class scan: the automaton over the whole value.
    fn may_target_reference(b: &[u8]) -> bool {
        static AC: OnceLock<AhoCorasick> = OnceLock::new();
        let ac = AC.get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(ANCHORS.iter().map(|a| a.0))
                .unwrap()
        });
        ac.find_overlapping_iter(b)
            .any(|m| anchor_fits(b, m.start(), m.end(), ANCHORS[m.pattern().as_usize()].1))
    }

    /// Values built from pieces of anchors, separators and junk, deterministic.
    fn samples() -> Vec<String> {
        let pieces: Vec<&str> = ANCHORS
            .iter()
            .map(|a| a.0)
            .chain([
                "", " ", "/", "//", ".", "_", ":", "-", "c", "D", "x", "1", "2", "\t", ";", "é",
                "https://", "ETC", "Ini", "a", "..", "git", "config", "passwd", "usr", "local",
                "apache", "conf", "://", "c:", "win", "system", "boot", "? ", "=", "&",
            ])
            .collect();
        let mut out = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut v = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = 1 + (x % 7) as usize;
            for k in 0..n {
                let r = x.rotate_left(9 * k as u32);
                v.push_str(pieces[(r % pieces.len() as u64) as usize]);
            }
            out.push(v);
        }
        out
    }

    #[test]
    fn suffix_and_dot_anchors_are_those_of_the_table() {
        let suffix: Vec<&str> = ANCHORS
            .iter()
            .filter(|a| matches!(a.1, After::Junk | After::WordEnd))
            .map(|a| a.0)
            .collect();
        assert_eq!(
            suffix,
            SUFFIX_ANCHORS.iter().map(|a| a.0).collect::<Vec<_>>()
        );
        for (a, after) in ANCHORS {
            let bytes = a.as_bytes();
            assert!(a.len() <= ANCHOR_MAX, "{a}");
            if matches!(after, After::Junk | After::WordEnd) {
                assert!(
                    bytes
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || *c == b'-'),
                    "{a}"
                );
                continue;
            }
            assert!(bytes.iter().any(|&c| CLASS[c as usize] == SEP), "{a}");
            if bytes.contains(&b':') {
                assert_eq!(*a, ":/");
            }
            for (i, &c) in bytes.iter().enumerate() {
                // Only `.git/config` has a `/` inside that merging `//` could complete.
                if c == b'/' && i > 0 && i + 1 < bytes.len() {
                    assert_eq!(*a, ".git/config");
                }
            }
        }
    }

    #[test]
    fn shape_read_agrees_with_shape_searched() {
        let mut values = samples();
        values.extend(
            [
                "a..b",
                "0x2e",
                "./x",
                "x//y",
                "a\\b",
                "%2e",
                "c:",
                "\u{ff0e}",
                "\u{2014}",
                "a\u{2019}b",
                "etc\u{2019}passwd",
                "\u{2215}",
                "\0",
                "",
                "0",
            ]
            .map(String::from),
        );
        for v in values {
            let b = v.as_bytes();
            assert_eq!(Shape::read(b).0 & !PAIR_LEAD, Shape::searched(b).0, "{v:?}");
        }
    }

    #[test]
    fn wakes_agrees_with_the_tables() {
        for prev in 0..=255u8 {
            for c in 0..=255u8 {
                let ends = if space(c) {
                    END_WORD
                } else {
                    END_JUNK | END_WORD
                };
                let want = CLASS[c as usize] == SEP
                    || (CLASS[c as usize] != LETTER && SUFFIX_END[prev as usize] & ends != 0);
                for at in [0, 7, 8, 63] {
                    let mut w = [b'a'; 65];
                    w[at] = prev;
                    w[at + 1] = c;
                    let m = wakes(&w);
                    assert_eq!(m >> at & 1 == 1, want, "{prev:#x} {c:#x} at {at}");
                    // No other byte is marked (a letter after `c` never is; `prev` after a
                    // letter may be).
                    let before = if at > 0 { 1 << (at - 1) } else { 0 };
                    let others = m & !(1 << at) & !before;
                    assert_eq!(others, 0, "{prev:#x} {c:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn gate_agrees_with_the_whole_automaton() {
        for v in samples() {
            let b = v.as_bytes();
            assert_eq!(may_target(b), may_target_reference(b), "{v:?}");
        }
        // Samples joined into long values, so anchors overlap each other and block edges.
        let all = samples();
        for (i, chunk) in all.chunks(40).enumerate().take(300) {
            let v = chunk.concat();
            let b = v.as_bytes();
            let want = may_target_reference(b);
            assert_eq!(may_target(b), want, "chunk {i}");
        }
        let mut long = "x".repeat(4090);
        long.push_str("/etc/passwd");
        assert!(may_target(long.as_bytes()));
        let prose = "The citizen facilitation centre is open from nine to five, etc. ".repeat(50);
        assert_eq!(
            may_target(prose.as_bytes()),
            may_target_reference(prose.as_bytes())
        );
    }

    /// Values with `//` but nothing to decode (no `..`, `%`, `\`, NUL, `C0`, `C1`, `E2`, `EF`)
    /// get the same answer without normalisation as with it.
    #[test]
    fn double_slash_values_need_no_normalisation() {
        let mut skipped = 0;
        let mut values = samples();
        values.extend(
            [
                "https://portal.gov.example/services/search?q=passport+renewal&page=2",
                "https://x//usr//local/apache/conf/",
                "see https://a//usr//local/apache/conf/ now",
                "c://windows",
                "http://h/.git//config",
                "http://h/etc //passwd",
                "usr//2",
                "h://etc",
                "c://x",
                "http://h/a;b//etc",
                "//etc/passwd",
                "http://x/win.ini.",
                "file:///etc/passwd",
                "https://example.gov.pk//a//b",
            ]
            .map(str::to_owned),
        );
        for v in values {
            let b = v.as_bytes();
            let plain = !b
                .iter()
                .any(|&c| matches!(c, b'%' | b'\\' | 0 | 0xC0 | 0xC1 | 0xE2 | 0xEF))
                && !has_pair(b, *b"..");
            if !plain || !has_pair(b, *b"//") {
                continue;
            }
            if merged_slashes_clear(b) {
                skipped += 1;
            }
            assert_eq!(
                climb_and_target(&v, Shape::of(v.as_bytes())),
                normalized_climb_and_target(&v),
                "{v:?}"
            );
        }
        assert!(skipped > 100, "{skipped}");
    }
}
