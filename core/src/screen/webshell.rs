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
//! `${"_P"."OST"}`, `preg_replace('/.*/e'`, `WScript.Shell`, `eval(Request(`).
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
    "cdx", "axd", "svc", "soap", "rem", "jsp", "jspx", "jsw", "jsv", "jspf", "jhtml", "cfm",
    "cfml", "cfc", "cgi", "pl", "pm", "py", "sh", "bash", "rb", "war", "exe", "dll", "bat", "cmd",
    "ps1", "vbs", "wsf", "hta", "htaccess", "htpasswd", "config",
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

/// Scans one uploaded file: its name, declared type and first bytes.
pub fn scan_upload(filename: &[u8], content_type: Option<&[u8]>, head: &[u8]) -> Option<Hit> {
    if let Some(h) = scan_name(filename) {
        return Some(h);
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
                return Some(Hit {
                    level: 1,
                    rule: "script-content-type",
                    evidence: 0..0,
                });
            }
        }
    }
    scan_content(head)
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

/// The first bytes of the file.
fn scan_content(head: &[u8]) -> Option<Hit> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    // (pattern, needs a server-side tag `<%` somewhere in the head as well)
    const PATTERNS: [(&str, bool); 41] = [
        ("<?php", false),
        ("<?=", false),
        ("<? ", false),
        ("<?\n", false),
        ("<?\r", false),
        ("<?\t", false),
        ("<script language=\"php\"", false),
        ("<script language=php", false),
        ("<script runat=\"server\"", false),
        ("<script runat=server", false),
        ("gzinflate(", false),
        ("gzuncompress(", false),
        ("str_rot13(", false),
        ("base64_decode(", false),
        ("eval(", false),
        ("assert(", false),
        ("create_function(", false),
        ("shell_exec(", false),
        ("passthru(", false),
        ("proc_open(", false),
        ("$_post[", false),
        ("$_get[", false),
        ("$_request[", false),
        ("$_cookie[", false),
        ("\"_p\".\"ost\"", false),
        ("'_p'.'ost'", false),
        ("runtime.getruntime()", false),
        ("processbuilder(", false),
        ("wscript.shell", false),
        ("scripting.filesystemobject", false),
        ("processstartinfo", false),
        ("eval(request", false),
        ("execute(request", false),
        ("<cfexecute", false),
        ("<cfquery", false),
        ("request.form", true),
        ("request.querystring", true),
        ("request(", true),
        ("server.createobject", true),
        ("response.write", true),
        ("request.getparameter", true),
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
    let server_tag = memchr::memmem::find(head, b"<%").is_some();
    for m in ac.find_iter(head) {
        let (pattern, needs_tag) = PATTERNS[m.pattern().as_usize()];
        if needs_tag && !server_tag {
            continue;
        }
        // A call name inside a longer identifier (`my_eval(`) is not the call.
        let starts_word = m.start() == 0 || !is_ident(head[m.start() - 1]);
        if pattern.ends_with('(') && !starts_word {
            continue;
        }
        return Some(Hit {
            level: 1,
            rule: "server-code",
            evidence: m.start()..m.end(),
        });
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
