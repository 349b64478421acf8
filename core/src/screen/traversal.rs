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

use super::Hit;
use crate::path::{PathFlags, normalize};

/// The dummy directories a value is normalised below to measure how far it climbs.
const PREFIX: &str = "/~q~/~q~/~q~/~q~/~q~/~q~/~q~/~q~/";
/// How many dummy directories [`PREFIX`] holds.
const PREFIX_DEPTH: usize = 8;

/// Scans one decoded value.
pub fn scan(value: &str) -> Option<Hit> {
    if !has_trigger(value.as_bytes()) {
        return None;
    }
    let mut best = wrapper(value);
    if best.as_ref().is_some_and(|b| b.level == 1) {
        return best;
    }
    best = stronger(best, dot_runs(value));
    if best.as_ref().is_some_and(|b| b.level == 1) {
        return best;
    }
    stronger(best, climb_and_target(value))
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

/// The cheap test: could the value hold anything this check looks for?
fn has_trigger(b: &[u8]) -> bool {
    memchr::memchr3(b'.', b'/', b'\\', b).is_some()
        || memchr::memchr3(b'%', b':', 0xE2, b).is_some()
        || memchr::memchr(0xEF, b).is_some()
        || memchr::memmem::find(b, b"0x").is_some()
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
    let wrapped = memchr::memmem::find_iter(bytes, b"://").any(|p| {
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
    let first = memchr::memmem::find(b, b"...")?;
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
fn climb_and_target(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    // Nothing to decode and nothing that climbs or folds: the value is its own normalised form,
    // so only a sensitive target can be in it. This keeps URLs, user agents and prose cheap.
    let plain = !b
        .iter()
        .any(|&c| matches!(c, b'%' | b'\\' | 0 | 0xC0 | 0xC1 | 0xE2 | 0xEF))
        && memchr::memmem::find(b, b"..").is_none()
        && memchr::memmem::find(b, b"0x").is_none()
        && memchr::memmem::find(b, b"//").is_none()
        && memchr::memmem::find(b, b"./").is_none();
    if plain {
        let no_space = !value.trim().bytes().any(|c| c.is_ascii_whitespace());
        return find_target(b, no_space)
            .and_then(|(level, _)| hit(level, "sensitive-file", 0, value.len(), value));
    }
    let mut joined = String::with_capacity(PREFIX.len() + value.len());
    joined.push_str(PREFIX);
    // Literal hex notation (`0x2e0x2e0x2f`) is read by nothing, but lists of evasions use it;
    // spell it as the escape it stands for, so it decodes with the rest.
    if memchr::memmem::find(b, b"0x").is_some() {
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

    let target = match find_target(b, no_space) {
        Some((1, at)) => Some((1, at)),
        raw => find_target(path.as_bytes(), no_space).or(raw),
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
    ("tomcat-users.xml", After::Any),
    ("applicationhost.config", After::Any),
    ("unattend.xml", After::Any),
    ("unattended.xml", After::Any),
    ("sysprep.inf", After::Any),
];

/// The exact prefilter of [`find_target`]: false only when neither regex can match, because
/// no literal that an alternative requires stands where it must.
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
    // `\s` as the regexes read it without Unicode.
    let space = |c: u8| matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    ac.find_overlapping_iter(b).any(|m| {
        let next = b.get(m.end()).copied();
        match ANCHORS[m.pattern().as_usize()].1 {
            After::Any => true,
            After::Junk => next.is_some_and(|c| !c.is_ascii_alphabetic() && !space(c)),
            After::WordEnd => next.is_none_or(|c| !c.is_ascii_alphanumeric() && c != b'_'),
            After::Drive => {
                let s = m.start();
                (s >= 1 && matches!(b[s - 1], b'c' | b'C' | b'd' | b'D'))
                    || (s >= 2 && b[s - 2] == b'/' && b[s - 1].is_ascii_alphabetic())
            }
        }
    })
}

/// Files and directories that only an attacker asks a form for. Returns the level and where.
fn find_target(path: &[u8], no_space: bool) -> Option<(u8, usize)> {
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
                format!("{l}etc{j}(?:passwd|shadow|gshadow|issue|hosts|group|motd|sudoers|crontab|fstab|hostname|resolv\\.conf|master\\.passwd|mysql/my\\.cnf|apache2/|httpd/|nginx/|ssh/)"),
                format!("{l}boot{j}ini\\b"),
                format!("{l}(?:win|system){j}ini\\b"),
                format!("{l}win(?:dows|nt){j}(?:system32|system|repair|panther|debug|win\\.ini|php\\.ini|temp)"),
                format!("{l}system32{j}(?:config|drivers|inetsrv|cmd\\.exe|logfiles)"),
                format!("{l}proc{j}(?:self|\\d{{1,7}}){j}(?:environ|cmdline|fd|status|maps|mounts|stat|cwd|exe)"),
                r"/proc/(?:version|mounts|cpuinfo|meminfo|net/)".to_owned(),
                format!("web-inf{j}(?:web|classes|lib|struts|applicationcontext|faces-config)"),
                r"/\.ssh/|\bid_[rd]sa\b|\bauthorized_keys\b|/\.bash_history|\.htpasswd\b".to_owned(),
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
    let weak = WEAK
        .get_or_init(|| {
            Regex::new(concat!(
                r"(?i-u)(?:",
                r"/(?:var|etc|usr|opt|root|proc|sbin|bin|srv)/[^\s]",
                r"|/[a-z]:/[^\s]",
                r"|/(?:php|apache2?|httpd|nginx|mysql|xampp|tomcat|logs?)/",
                r"|(?:^|[^a-z0-9_-])(?:php\.ini|httpd\.conf|apache2\.conf|nginx\.conf|my\.cnf|my\.ini|\.htaccess|\.user\.ini|web\.config|wp-config\.php|config\.inc\.php|configuration\.php|localsettings\.php|\.env|access\.log|error\.log|access_log|error_log|sendmail\.log|\.bashrc|\.profile|\.logout|\.git/config|tomcat-users\.xml|applicationhost\.config|unattend(?:ed)?\.xml|sysprep\.inf)(?:$|[^a-z0-9_])",
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
        || n.to_ascii_lowercase().ends_with("path")
        || n.to_ascii_lowercase().ends_with("dir")
}

/// Remote file inclusion: a remote URL in an include-like parameter, or one shaped like an
/// inclusion payload anywhere (`http://host/shell.txt?`).
fn remote_include(name: &str, value: &str) -> Option<Hit> {
    let v = value.trim();
    let lower_start: String = v.chars().take(8).collect::<String>().to_ascii_lowercase();
    let scheme_len = if lower_start.starts_with("https://") {
        8
    } else if lower_start.starts_with("http://") || lower_start.starts_with("ftps://") {
        7
    } else if lower_start.starts_with("ftp://") {
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
    let lower = rest.to_ascii_lowercase();
    let path_end = lower.find(['?', '#']).unwrap_or(lower.len());
    let path = &lower[..path_end];
    let script = [
        ".txt", ".php", ".inc", ".phtml", ".sh", ".pl", ".jpg", ".gif", ".png",
    ]
    .iter()
    .any(|e| path.ends_with(e));
    let trailing = v.ends_with('?') || v.ends_with("%00") || v.ends_with('\0');
    let host = lower.split(['/', '?', '#']).next().unwrap_or("");
    let ip_host = host
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == ':')
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
        && host.contains('.');
    let level = if include_like(name) {
        if trailing || script || ip_host || path.ends_with(".txt") {
            1
        } else {
            2
        }
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
    use std::time::{Duration, Instant};

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

    /// Best of three runs of `f` on `input`.
    fn time(f: &dyn Fn(&str), input: &str) -> Duration {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                f(std::hint::black_box(input));
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    }

    /// Linear, not merely fast on this machine: 8 times the input takes about 8 times as long
    /// (quadratic would be 64), and a megabyte never takes seconds.
    fn assert_linear(f: &dyn Fn(&str), unit: &str) {
        let small = unit.repeat((1 << 17) / unit.len().max(1));
        let large = unit.repeat((1 << 20) / unit.len().max(1));
        let (ts, tl) = (time(f, &small), time(f, &large));
        assert!(
            tl < ts * 24 + Duration::from_millis(50),
            "{unit:?}: {ts:?} then {tl:?}"
        );
        assert!(tl < Duration::from_secs(5), "{unit:?}: {tl:?}");
    }
}
