//! `webshell` check: uploads that a web server could run, or that carry server-side code.
//!
//! The file name is read the way servers read it: the last path component, cut at a NUL (`%00`
//! written out or raw) or a `;` (IIS reads `a.asp;.jpg` as `a.asp`), with trailing dots, spaces
//! and `::$DATA` removed (Windows drops them). It blocks when
//!
//! - its extension is one a server executes (`.php`, `.phtml`, `.phar`, `.php3`-`.php8`, `.pht`,
//!   `.phps`, `.inc`, `.shtml`, `.asp`, `.aspx`, `.ashx`, `.asmx`, `.cer`, `.asa`, `.jsp`,
//!   `.jspx`, `.cfm`, `.cgi`, `.pl`, `.py`, `.sh`...),
//! - an inner extension is one Apache's `mod_mime` would still execute (`shell.php.jpg`),
//! - it is a server configuration file (`.htaccess`, `.user.ini`, `web.config`, `web.xml`).
//!
//! The first bytes block when they hold PHP (`<?php`, `<?=`, `<? `, `<script language="php">`),
//! anywhere, also after an image header (polyglots), server-side script tags with server APIs
//! (`<%` with `Request`, `Server.CreateObject`, `Runtime.getRuntime().exec`...), a script
//! interpreter line (`#!/usr/bin/perl`), or the idioms of obfuscated web shells (`eval(`,
//! `assert(`, `gzinflate(base64_decode(`, `str_rot13(`, `$_POST[...]($_POST[...])`,
//! `${"_P"."OST"}`, `preg_replace('/.*/e'`, `WScript.Shell`, `eval(Request(`). A short PHP
//! open tag (`<?=`, `<? `) counts only when text follows it: three given bytes turn up by chance
//! in a few compressed photos in a hundred.
//!
//! They also block when they attack what a portal does with an upload after storing it:
//!
//! - image conversion: ImageMagick drawing scripts (`push graphic-context`), its coders named in
//!   an image reference (`'msl:`, `"ephemeral:`, `"text:/etc/passwd"`, `label:@`), a command
//!   as the reference (`href="|`) or quoted into a URL (`&quot;|`), a PNG text chunk named
//!   `profile` (the file read of CVE-2022-44268), PostScript that opens a pipe for Ghostscript
//!   (`%pipe%`), and the DjVu annotation that ExifTool evaluated as Perl (CVE-2021-22204:
//!   `(metadata` with a quoted backslash and line break);
//! - the server itself: server-side include directives (`<!--#exec`, `<!--#include`),
//!   configuration that maps a file type to PHP (`application/x-httpd-php`,
//!   `auto_prepend_file`), uWSGI's `@(exec://`, Java XML that calls `java.lang.Runtime`;
//! - archives unpacked on the server: an entry whose name climbs out (`../`, zip slip) or that
//!   is a symbolic link;
//! - the browsers that download it again: an HTML, SVG or XML document with a `<script>`
//!   element;
//! - and the EICAR anti-virus test file.
//!
//! # Performance
//!
//! The name is checked in one pass; the content with one Aho-Corasick scan over the head (the
//! caller passes at most a few KB). Nothing is allocated for a harmless name and content.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Hit;

/// Extensions a web server may execute.
const EXECUTABLE: &[&str] = &[
    "php", "php2", "php3", "php4", "php5", "php6", "php7", "php8", "phtml", "pht", "phar", "phps",
    "pgif", "phpt", "inc", "shtml", "shtm", "stm", "asp", "aspx", "ashx", "asmx", "asa", "cer",
    "cdx", "axd", "svc", "soap", "rem", "xamlx", "jsp", "jspx", "jsw", "jsv", "jspf", "jhtml",
    "cfm", "cfml", "cfc", "cgi", "pl", "pm", "py", "sh", "bash", "rb", "war", "exe", "dll", "bat",
    "cmd", "ps1", "vbs", "wsf", "hta", "htaccess", "htpasswd", "config",
];

/// Inner extensions that Apache `mod_mime` still maps to a handler (`a.php.jpg`).
const INNER: &[&str] = &[
    "php", "php3", "php4", "php5", "php7", "phtml", "pht", "phar", "asp", "aspx", "jsp", "jspx",
    "cgi", "shtml",
];

/// File names that reconfigure the server they land in.
const CONFIG_NAMES: &[&str] = &[
    ".htaccess",
    ".user.ini",
    "web.config",
    "web.xml",
    "php.ini",
    ".htpasswd",
];

/// Which part of an upload a hit of [`scan_upload_part`] points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadPart {
    /// The file name (or, with an empty range, the declared type).
    Name,
    /// The first bytes of the file.
    Content,
}

/// Scans one uploaded file: its name, declared type and first bytes.
pub fn scan_upload(filename: &[u8], content_type: Option<&[u8]>, head: &[u8]) -> Option<Hit> {
    scan_upload_part(filename, content_type, head).map(|(h, _)| h)
}

/// [`scan_upload`], saying whether the hit's evidence lies in the name or in the content.
pub fn scan_upload_part(
    filename: &[u8],
    content_type: Option<&[u8]>,
    head: &[u8],
) -> Option<(Hit, UploadPart)> {
    if let Some(h) = scan_name(filename) {
        return Some((h, UploadPart::Name));
    }
    if let Some(ct) = content_type {
        let ct = ct.trim_ascii();
        for bad in [
            &b"application/x-php"[..],
            b"application/x-httpd-php",
            b"text/x-php",
            b"application/x-sh",
            b"application/x-csh",
            b"text/x-shellscript",
            b"application/x-perl",
            b"text/x-perl",
            b"application/x-jsp",
        ] {
            if ct.len() >= bad.len() && ct[..bad.len()].eq_ignore_ascii_case(bad) {
                return Some((
                    Hit {
                        level: 1,
                        rule: "script-content-type",
                        evidence: 0..0,
                    },
                    UploadPart::Name,
                ));
            }
        }
    }
    scan_content(head).map(|h| (h, UploadPart::Content))
}

/// The file name alone: a name that runs as code or reconfigures the server.
pub fn scan_file_name(filename: &[u8]) -> Option<Hit> {
    scan_name(filename)
}

/// The file name alone.
fn scan_name(filename: &[u8]) -> Option<Hit> {
    if filename.is_empty() {
        return None;
    }
    // The last path component (browsers on Windows once sent `C:\dir\a.php`).
    let base_at = filename
        .iter()
        .rposition(|&c| c == b'/' || c == b'\\')
        .map_or(0, |p| p + 1);
    let mut name = &filename[base_at..];
    let evidence = base_at..filename.len();
    // What the server keeps: up to a NUL, a written-out `%00`, or a `;`.
    let mut cut = name.len();
    if let Some(p) = memchr::memchr2(0, b';', name) {
        cut = cut.min(p);
    }
    if let Some(p) = memchr::memmem::find(name, b"%00") {
        cut = cut.min(p);
    }
    let truncated = cut < name.len();
    name = &name[..cut];
    // Windows drops trailing dots and spaces, and the `::$DATA` stream name.
    loop {
        let before = name.len();
        name = name.trim_ascii_end();
        while let [rest @ .., b'.'] = name {
            name = rest;
        }
        if name.len() >= 7 && name[name.len() - 7..].eq_ignore_ascii_case(b"::$data") {
            name = &name[..name.len() - 7];
        }
        if name.len() == before {
            break;
        }
    }
    let hit = |rule| Hit {
        level: 1,
        rule,
        evidence: evidence.clone(),
    };
    if CONFIG_NAMES
        .iter()
        .any(|c| name.eq_ignore_ascii_case(c.as_bytes()))
    {
        return Some(hit("server-config-file"));
    }
    let dots = name.iter().filter(|&&c| c == b'.').count();
    if dots == 0 {
        return None;
    }
    let last = name.rsplit(|&c| c == b'.').next().unwrap_or_default();
    let mut inner = name.split(|&c| c == b'.').skip(1).take(dots - 1);
    if is_in(last, EXECUTABLE) {
        return Some(hit(if truncated {
            "truncated-extension"
        } else {
            "executable-extension"
        }));
    }
    if inner.any(|e| is_in(e, INNER)) {
        return Some(hit("double-extension"));
    }
    None
}

fn is_in(ext: &[u8], list: &[&str]) -> bool {
    let ext = ext.trim_ascii();
    list.iter().any(|e| ext.eq_ignore_ascii_case(e.as_bytes()))
}

/// What the head of a file must hold around a match of [`scan_content`]'s patterns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    /// A server-side tag `<%` somewhere in the head as well.
    ServerTag,
    /// Text right after it: a short PHP open tag.
    Text,
    /// Whitespace, `>` or `/` right after it (an element name), in a head that is markup (it
    /// starts with `<`): an HTML, SVG or XML document, not a text that names the element.
    TagEnd,
    /// A quoted backslash and line break in the annotation that follows.
    DjvuEscape,
}

/// The first bytes of the file.
fn scan_content(head: &[u8]) -> Option<Hit> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    use Needs::*;
    // (pattern, what else it needs, rule); a pattern that starts like a later one comes first.
    const PATTERNS: [(&str, Needs, &str); 77] = [
        ("<?php", Nothing, "server-code"),
        ("<?=", Text, "server-code"),
        ("<? ", Text, "server-code"),
        ("<?\n", Text, "server-code"),
        ("<?\r", Text, "server-code"),
        ("<?\t", Text, "server-code"),
        ("<script language=\"php\"", Nothing, "server-code"),
        ("<script language=php", Nothing, "server-code"),
        ("<script runat=\"server\"", Nothing, "server-code"),
        ("<script runat=server", Nothing, "server-code"),
        ("<script", TagEnd, "html-script"),
        ("gzinflate(", Nothing, "server-code"),
        ("gzuncompress(", Nothing, "server-code"),
        ("str_rot13(", Nothing, "server-code"),
        ("base64_decode(", Nothing, "server-code"),
        ("eval(", Nothing, "server-code"),
        ("assert(", Nothing, "server-code"),
        ("create_function(", Nothing, "server-code"),
        ("shell_exec(", Nothing, "server-code"),
        ("passthru(", Nothing, "server-code"),
        ("proc_open(", Nothing, "server-code"),
        ("$_post[", Nothing, "server-code"),
        ("$_get[", Nothing, "server-code"),
        ("$_request[", Nothing, "server-code"),
        ("$_cookie[", Nothing, "server-code"),
        ("\"_p\".\"ost\"", Nothing, "server-code"),
        ("'_p'.'ost'", Nothing, "server-code"),
        ("runtime.getruntime()", Nothing, "server-code"),
        ("processbuilder(", Nothing, "server-code"),
        ("wscript.shell", Nothing, "server-code"),
        ("scripting.filesystemobject", Nothing, "server-code"),
        ("processstartinfo", Nothing, "server-code"),
        ("eval(request", Nothing, "server-code"),
        ("execute(request", Nothing, "server-code"),
        ("<cfexecute", Nothing, "server-code"),
        ("<cfquery", Nothing, "server-code"),
        ("request.form", ServerTag, "server-code"),
        ("request.querystring", ServerTag, "server-code"),
        ("request(", ServerTag, "server-code"),
        ("server.createobject", ServerTag, "server-code"),
        ("response.write", ServerTag, "server-code"),
        ("request.getparameter", ServerTag, "server-code"),
        ("java.lang.runtime", Nothing, "server-code"),
        ("java.lang.processbuilder", Nothing, "server-code"),
        ("<!--#exec", Nothing, "server-side-include"),
        ("<!--#include", Nothing, "server-side-include"),
        ("<!-- #exec", Nothing, "server-side-include"),
        ("<!-- #include", Nothing, "server-side-include"),
        ("application/x-httpd-php", Nothing, "server-config"),
        ("auto_prepend_file", Nothing, "server-config"),
        ("auto_append_file", Nothing, "server-config"),
        ("@(exec://", Nothing, "server-config"),
        ("push graphic-context", Nothing, "image-converter"),
        ("&quot;|", Nothing, "image-converter"),
        ("'msl:", Nothing, "image-converter"),
        ("\"msl:", Nothing, "image-converter"),
        ("'ephemeral:", Nothing, "image-converter"),
        ("\"ephemeral:", Nothing, "image-converter"),
        ("'label:@", Nothing, "image-converter"),
        ("\"label:@", Nothing, "image-converter"),
        ("'text:/", Nothing, "image-converter"),
        ("\"text:/", Nothing, "image-converter"),
        ("'text:c:", Nothing, "image-converter"),
        ("\"text:c:", Nothing, "image-converter"),
        ("'html:/", Nothing, "image-converter"),
        ("\"html:/", Nothing, "image-converter"),
        ("'caption:@", Nothing, "image-converter"),
        ("\"caption:@", Nothing, "image-converter"),
        ("href=\"|", Nothing, "image-converter"),
        ("href='|", Nothing, "image-converter"),
        ("href=\"&#x7c;", Nothing, "image-converter"),
        ("href=\"&#124;", Nothing, "image-converter"),
        ("tEXtprofile\0", Nothing, "image-converter"),
        ("%pipe%", Nothing, "image-converter"),
        ("(metadata", DjvuEscape, "image-converter"),
        (
            "eicar-standard-antivirus-test-file",
            Nothing,
            "eicar-test-file",
        ),
        ("x5o!p%@ap[4\\pzx54(p^)7cc)7}$", Nothing, "eicar-test-file"),
    ];
    let ac = AC
        .get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(PATTERNS.iter().map(|p| p.0))
                .ok()
        })
        .as_ref()?;
    if head.starts_with(b"#!") {
        let line_end = memchr::memchr(b'\n', head).unwrap_or(head.len()).min(80);
        let line = &head[..line_end];
        for interp in [&b"perl"[..], b"python", b"sh", b"bash", b"ruby", b"php"] {
            if memchr::memmem::find(line, interp).is_some() {
                return Some(Hit {
                    level: 1,
                    rule: "script-interpreter",
                    evidence: 0..line_end,
                });
            }
        }
    }
    if let Some(h) = archive_entries(head) {
        return Some(h);
    }
    let server_tag = memchr::memmem::find(head, b"<%").is_some();
    let markup = || {
        head.strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(head)
            .trim_ascii_start()
            .starts_with(b"<")
    };
    for m in ac.find_iter(head) {
        let (pattern, needs, rule) = PATTERNS[m.pattern().as_usize()];
        let after = &head[m.end()..];
        let ok = match needs {
            Nothing => true,
            ServerTag => server_tag,
            Text => text_follows(after),
            TagEnd => {
                markup()
                    && after
                        .first()
                        .is_some_and(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
            }
            DjvuEscape => {
                let note = &after[..after.len().min(512)];
                memchr::memmem::find(note, b"\"\\\n").is_some()
                    || memchr::memmem::find(note, b"\"\\\r").is_some()
            }
        };
        if !ok {
            continue;
        }
        // A call name inside a longer identifier (`my_eval(`) is not the call.
        let starts_word = m.start() == 0 || !is_ident(head[m.start() - 1]);
        if pattern.ends_with('(') && !starts_word {
            continue;
        }
        return Some(Hit {
            level: 1,
            rule,
            evidence: m.start()..m.end(),
        });
    }
    None
}

/// Whether text follows a short PHP open tag: its next eight bytes (or all that is left, at
/// least three) are printable ASCII or whitespace. In compressed data (photos, PDFs) a given
/// three bytes turn up about once in 16 MB, and eight printable ones after them about once in
/// two thousand of those.
fn text_follows(after: &[u8]) -> bool {
    let next = &after[..after.len().min(8)];
    next.len() >= 3
        && next
            .iter()
            .all(|&c| (0x20..0x7f).contains(&c) || matches!(c, b'\t' | b'\n' | b'\r'))
}

/// A zip archive (the head starts with a local file header) with an entry that would be
/// unpacked outside its directory (`../x`, `/etc/x`, `..\\x`) or is a symbolic link (its
/// central directory entry says so, when the head holds it: small archives).
fn archive_entries(head: &[u8]) -> Option<Hit> {
    const LOCAL: &[u8] = b"PK\x03\x04";
    const CENTRAL: &[u8] = b"PK\x01\x02";
    if !head.starts_with(LOCAL) {
        return None;
    }
    let u16_at = |at: usize| -> Option<usize> {
        head.get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let climbs = |name: &[u8]| {
        name.first().is_some_and(|&c| c == b'/' || c == b'\\')
            || name.windows(3).any(|w| w == b"../" || w == b"..\\")
            || name == b".."
    };
    let hit = |rule, at: usize, len: usize| Hit {
        level: 1,
        rule,
        evidence: at.min(head.len())..(at + len).min(head.len()),
    };
    for at in memchr::memmem::find_iter(head, LOCAL) {
        let (Some(n), Some(_)) = (u16_at(at + 26), u16_at(at + 28)) else {
            break;
        };
        if let Some(name) = head.get(at + 30..at + 30 + n) {
            if climbs(name) {
                return Some(hit("archive-path", at + 30, n));
            }
        }
    }
    for at in memchr::memmem::find_iter(head, CENTRAL) {
        let (Some(made_by), Some(n)) = (u16_at(at + 4), u16_at(at + 28)) else {
            break;
        };
        let Some(attr) = head.get(at + 38..at + 42) else {
            break;
        };
        let mode = u32::from_le_bytes([attr[0], attr[1], attr[2], attr[3]]) >> 16;
        // Made on Unix (3), and the file type bits say "symbolic link".
        if made_by >> 8 == 3 && mode & 0o170000 == 0o120000 {
            return Some(hit("archive-link", at + 46, n));
        }
        if let Some(name) = head.get(at + 46..at + 46 + n) {
            if climbs(name) {
                return Some(hit("archive-path", at + 46, n));
            }
        }
    }
    None
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.'
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn blocks(name: &str, head: &[u8]) -> bool {
        scan_upload(name.as_bytes(), Some(b"image/jpeg"), head).is_some_and(|h| h.level == 1)
    }

    #[test]
    fn names() {
        for n in [
            "shell.php",
            "shell.PHP5",
            "shell.php.jpg",
            "a.php%00.jpg",
            "a.php\0.jpg",
            "a.asp;.jpg",
            "a.php.",
            "a.php ",
            "a.php::$DATA",
            ".htaccess",
            ".user.ini",
            "web.config",
            "C:\\x\\cmd.aspx",
        ] {
            assert!(blocks(n, b""), "{n:?}");
        }
        for n in [
            "report.pdf",
            "cnic-front.jpg",
            "photo.JPG",
            "data.csv",
            "r\u{e9}sum\u{e9}.docx",
            "",
            "no-extension",
            "v1.2.3.zip",
        ] {
            assert!(!blocks(n, b"\xff\xd8\xff\xe0"), "{n:?}");
        }
    }

    #[test]
    fn content() {
        assert!(blocks("a.gif", b"GIF89a<?php system($_GET[1]); ?>"));
        assert!(blocks("a.jpg", b"\xff\xd8\xff\xe0 <?= `id` ?>"));
        assert!(blocks(
            "a.txt",
            b"<% Set o = Server.CreateObject(\"WScript.Shell\") %>"
        ));
        assert!(!blocks("a.svg", b"<?xml version=\"1.0\"?><svg></svg>"));
    }

    #[test]
    fn compressed_data_is_not_code() {
        // Heads of uniformly random bytes, as compressed photos and PDFs are: each holds a given
        // three bytes with a chance of about 1 in 250, so with five short PHP open tags about
        // one head in fifty would hold one. Only text after the tag makes it code.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut head = vec![0u8; 64 << 10];
        let mut flagged = 0;
        for _ in 0..300 {
            for b in head.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = (x >> 24) as u8;
            }
            head[..4].copy_from_slice(b"\xff\xd8\xff\xe0");
            flagged += usize::from(blocks("photo.jpg", &head));
        }
        assert_eq!(flagged, 0);
        let mut tagged = head.clone();
        tagged[1000..1003].copy_from_slice(b"<?=");
        tagged[1003..1011].copy_from_slice(b"`id`;?> ");
        assert!(blocks("photo.jpg", &tagged));
    }

    #[test]
    fn big_inputs_are_fast_and_safe() {
        let mb = 1 << 20;
        let name = "a.".repeat(mb / 2);
        let head = "<%".repeat(mb / 2);
        let start = Instant::now();
        let _ = scan_upload(name.as_bytes(), None, head.as_bytes());
        let _ = scan_upload(&vec![b'.'; mb], Some(&vec![b' '; mb]), &vec![0; mb]);
        assert!(start.elapsed() < Duration::from_secs(2));
    }
}
