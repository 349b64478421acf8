//! `probe` and `scanner` checks: requests that look for what a portal must never serve, and
//! clients that say they are attack tools.
//!
//! [`scan_path`] reads a path already normalised by [`crate::path::normalize`]. It blocks at
//! level 1 on path families rather than single paths:
//!
//! - hidden files and version-control or editor leftovers (`/.git/`, `/.env`, `/.svn/`,
//!   `/.DS_Store`, `/.htaccess`, any dot segment except `/.well-known/`);
//! - files no page links to: backups and sources (`.bak`, `.old`, `.orig`, `.swp`, `.sql`,
//!   `.tpl`, `.inc`, `.ini`, `.log`, `.conf`, `.env`, `.pem`, `.key`, `.mdb`, `.resx`...);
//! - CMS fingerprinting and exploit endpoints: a WordPress plugin or theme directory asked for
//!   as a directory (`/wp-content/plugins/<name>/`, what version scanners do), PHP files inside
//!   plugins, `readme.txt` of plugins, `/wp-admin/includes/`, Joomla `components/com_*`,
//!   `administrator/components/`;
//! - known consoles and appliance exploits: `/phpmyadmin/`, `/solr/admin`, `/jmx-console`,
//!   `/web-console`, `/manager/html`, `/HNAP1`, `/boaform`, `/actuator`, `/server-status`,
//!   `/cgi-bin/*.sh|.pl|.cgi`, `/vendor/phpunit/`, `/_ignition/`, `/CFIDE/`, `/invoker/`;
//! - system files in the path (`/etc/passwd`, `/proc/self/`, `/win.ini`) and web-shell names
//!   (`c99.php`, `r57.php`, `cmd.jsp`).
//!
//! [`scan_user_agent`] blocks the `User-Agent` of attack tools and vulnerability scanners
//! (sqlmap, Nikto, Nuclei, WPScan, Acunetix, Nessus, OpenVAS, masscan, zgrab, DirBuster,
//! gobuster, ffuf, wfuzz, Hydra, the Nmap scripting engine, Burp Collaborator, w3af, Arachni,
//! skipfish, Netsparker, AppScan, Jaeles, WhatWeb, commix, XSStrike, ...). Browsers, `curl`,
//! HTTP libraries and search-engine crawlers are not scanners.
//!
//! # Performance
//!
//! Both are one Aho-Corasick scan plus a look at the last segment; nothing is allocated.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::Hit;

/// Extensions of files that are never meant to be served.
const LEFTOVER_EXT: &[&str] = &[
    "bak", "backup", "old", "orig", "save", "sav", "swp", "swo", "tmp", "sql", "tpl", "inc", "ini",
    "log", "conf", "cfg", "env", "pem", "key", "mdb", "sqlite", "sqlite3", "db", "resx", "ascx",
    "config", "dist", "htr", "idc", "ida", "idq", "printer", "jsv", "nsf", "passwd", "htpasswd",
    "htaccess", "git", "svn", "DS_Store", "sh", "pl", "cgi", "asa", "cer", "pfx", "p12", "kdbx",
    "ovpn", "yml~", "php~", "php.bak", "war", "jar",
];

/// Path fragments (lower case) that mark a probe wherever they appear in the path.
const FRAGMENTS: &[(&str, u8)] = &[
    ("/wp-admin/includes/", 1),
    ("/wp-includes/", 3),
    ("/administrator/components/", 1),
    ("/components/com_", 1),
    ("/phpmyadmin", 1),
    ("/myadmin/", 1),
    ("/pma/", 1),
    ("/adminer", 1),
    ("/solr/admin", 1),
    ("/jmx-console", 1),
    ("/web-console", 1),
    ("/jbossws/", 1),
    ("/invoker/", 1),
    ("/manager/html", 1),
    ("/host-manager/", 1),
    ("/hnap1", 1),
    ("/boaform", 1),
    ("/actuator", 1),
    ("/server-status", 1),
    ("/server-info", 1),
    ("/vendor/phpunit/", 1),
    ("/phpunit/", 1),
    ("eval-stdin.php", 1),
    ("/_ignition/", 1),
    ("/cfide/", 1),
    ("/_vti_bin/", 1),
    ("/_vti_pvt/", 1),
    ("/_vti_inf", 1),
    ("/_mem_bin/", 1),
    ("/_layouts/", 2),
    ("/servlet/", 2),
    ("/webdynpro/", 2),
    ("/axis2", 1),
    ("/jenkins/script", 1),
    ("/script/about", 2),
    ("/druid/", 1),
    ("/nacos/", 1),
    ("/telescope/", 1),
    ("/console/login", 1),
    ("/wls-wsat/", 1),
    ("/_async/", 1),
    ("/uddiexplorer", 1),
    ("/mgmt/tm/", 1),
    ("/tmui/", 1),
    ("/remote/fgt_lang", 1),
    ("/dana-na/", 1),
    ("/+cscoe+/", 1),
    ("/level/15/exec", 1),
    ("/level/", 3),
    ("/xmlrpc.php", 2),
    ("/wp-config", 1),
    ("/config.php", 2),
    ("/setup-config.php", 1),
    ("/install.php", 2),
    ("/shell.php", 1),
    ("/cmd.php", 1),
    ("/cmd.asp", 1),
    ("/cmd.jsp", 1),
    ("/c99", 1),
    ("/r57", 1),
    ("/wso.php", 1),
    ("/b374k", 1),
    ("/webshell", 1),
    ("/etc/passwd", 1),
    ("/etc/shadow", 1),
    ("/proc/self/", 1),
    ("/win.ini", 1),
    ("/boot.ini", 1),
    ("/web-inf/", 1),
    ("/meta-inf/", 1),
    ("/containers/json", 1),
    ("/owa/auth/x.js", 1),
    ("/autodiscover/autodiscover.json", 1),
    ("/html/modules/", 2),
    ("/modules/", 4),
    ("/themes/", 4),
    ("/examples/", 2),
    ("/openmarket/", 2),
];

/// Scans a normalised request path for sensitive files and known exploit paths.
pub fn scan_path(path: &str) -> Option<Hit> {
    let b = path.as_bytes();
    let hit = |level, rule, range: std::ops::Range<usize>| {
        Some(Hit {
            level,
            rule,
            evidence: range,
        })
    };
    // Dot segments: `/.git/`, `/.env`, but not `/.well-known/`, nor a name that starts with two
    // dots (`/..foo`: no hidden file; a climb out is the traversal check's).
    let mut at = 0;
    while let Some(p) = memchr::memmem::find(&b[at..], b"/.") {
        let start = at + p;
        let rest = &b[start + 2..];
        let seg_end = memchr::memchr(b'/', rest).unwrap_or(rest.len());
        let seg = &rest[..seg_end];
        if !seg.is_empty() && seg[0] != b'.' && !seg.eq_ignore_ascii_case(b"well-known") {
            return hit(1, "hidden-file", start..start + 2 + seg_end);
        }
        at = start + 2;
    }
    // WordPress plugin and theme directories.
    let bases = find_bases(b);
    for (base, found) in BASES.iter().zip(bases).take(3) {
        if let Some(p) = found {
            let rest = &b[p + base.len()..];
            let name_end = memchr::memchr(b'/', rest).unwrap_or(rest.len());
            let after = &rest[name_end..];
            let last = after.rsplit(|&c| c == b'/').next().unwrap_or_default();
            let dir_only = name_end > 0 && (after.is_empty() || after == b"/");
            let fingerprint = ends_with_ci(last, b".php")
                || last.eq_ignore_ascii_case(b"readme.txt")
                || last.eq_ignore_ascii_case(b"changelog.txt")
                || last.eq_ignore_ascii_case(b"license.txt")
                || after.ends_with(b"/");
            if dir_only || fingerprint {
                return hit(1, "cms-probe", p..b.len());
            }
        }
    }
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let ac = AC
        .get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(FRAGMENTS.iter().map(|f| f.0))
                .ok()
        })
        .as_ref()?;
    let mut best: Option<Hit> = None;
    for m in ac.find_iter(b) {
        let (_, level) = FRAGMENTS[m.pattern().as_usize()];
        if best.as_ref().is_none_or(|h| level < h.level) {
            best = Some(Hit {
                level,
                rule: "known-probe-path",
                evidence: m.start()..m.end(),
            });
        }
        if level == 1 {
            return best;
        }
    }
    // `/cgi-bin/` scripts.
    if let Some(p) = bases[3] {
        let last = b.rsplit(|&c| c == b'/').next().unwrap_or_default();
        if [
            &b".sh"[..],
            b".pl",
            b".cgi",
            b".exe",
            b".bat",
            b".php",
            b".py",
        ]
        .iter()
        .any(|e| ends_with_ci(last, e))
        {
            return hit(1, "cgi-probe", p..b.len());
        }
    }
    // A file with a leftover extension, in the last segment.
    let last_start = b.iter().rposition(|&c| c == b'/').map_or(0, |p| p + 1);
    let last = &b[last_start..];
    if let Some(dot) = memchr::memchr(b'.', last) {
        let ext = &last[dot + 1..];
        let ext_last = ext.rsplit(|&c| c == b'.').next().unwrap_or_default();
        if LEFTOVER_EXT.iter().any(|e| {
            ext.eq_ignore_ascii_case(e.as_bytes()) || ext_last.eq_ignore_ascii_case(e.as_bytes())
        }) || ext_last.ends_with(b"~")
        {
            return hit(1, "leftover-file", last_start..b.len());
        }
    }
    best
}

/// Where each of [`BASES`] first occurs in `hay`, ignoring ASCII case, in one pass.
fn find_bases(hay: &[u8]) -> [Option<usize>; 4] {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let mut found = [None; 4];
    let Some(ac) = AC
        .get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(BASES)
                .ok()
        })
        .as_ref()
    else {
        return found;
    };
    for m in ac.find_iter(hay) {
        let slot = &mut found[m.pattern().as_usize()];
        if slot.is_none() {
            *slot = Some(m.start());
        }
    }
    found
}

/// Directories whose layout is checked more closely.
const BASES: [&str; 4] = [
    "/wp-content/plugins/",
    "/wp-content/themes/",
    "/wp-content/mu-plugins/",
    "/cgi-bin/",
];

fn ends_with_ci(s: &[u8], suffix: &[u8]) -> bool {
    s.len() >= suffix.len() && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Scans a `User-Agent` value for known scanners.
pub fn scan_user_agent(user_agent: &str) -> Option<Hit> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    const TOOLS: &[(&str, u8)] = &[
        ("sqlmap", 1),
        ("nikto", 1),
        ("nuclei", 1),
        ("wpscan", 1),
        ("acunetix", 1),
        ("acunetix-", 1),
        ("nessus", 1),
        ("openvas", 1),
        ("masscan", 1),
        ("zgrab", 1),
        ("dirbuster", 1),
        ("gobuster", 1),
        ("feroxbuster", 1),
        ("fuzz faster u fool", 1),
        ("ffuf", 1),
        ("wfuzz", 1),
        ("(hydra", 1),
        ("hydra/", 1),
        ("thc-hydra", 1),
        ("nmap scripting engine", 1),
        ("nmap nse", 1),
        ("burpcollaborator", 1),
        ("burp collaborator", 1),
        ("w3af", 1),
        ("arachni", 1),
        ("skipfish", 1),
        ("netsparker", 1),
        ("invicti", 1),
        ("appscan", 1),
        ("jaeles", 1),
        ("whatweb", 1),
        ("commix", 1),
        ("xsstrike", 1),
        ("havij", 1),
        ("pangolin", 1),
        ("bsqlbf", 1),
        ("fimap", 1),
        ("webinspect", 1),
        ("paros/", 1),
        ("owasp zap", 1),
        ("zap/", 2),
        ("morfeus", 1),
        ("zmeu", 1),
        ("jorgee", 1),
        ("dirb/", 1),
        ("(dirb", 1),
        ("brutus", 1),
        ("grabber/", 1),
        ("interactsh", 1),
        ("qualys", 2),
        ("detectify", 2),
        ("vega/", 1),
        ("wapiti", 1),
        ("sqlninja", 1),
        ("joomscan", 1),
        ("droopescan", 1),
        ("cmsmap", 1),
        ("nuclei-", 1),
        ("metasploit", 1),
        ("l9explore", 1),
        ("l9tcpid", 1),
        ("censysinspect", 2),
        ("expanse", 3),
        ("internet-measurement", 3),
    ];
    let b = user_agent.as_bytes();
    if b.is_empty() {
        return None;
    }
    let ac = AC
        .get_or_init(|| {
            // A DFA: one table look-up a byte, the fastest for a value of a hundred bytes.
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::DFA))
                .build(TOOLS.iter().map(|t| t.0))
                .ok()
        })
        .as_ref()?;
    let mut best: Option<Hit> = None;
    for m in ac.find_iter(b) {
        let (tool, level) = TOOLS[m.pattern().as_usize()];
        // A name inside a longer word (`Brutusville`) or a compound name
        // (`ecairn-grabber/1.0`, a crawler) is not the tool.
        let before_ok = m.start() == 0
            || !matches!(b[m.start() - 1], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_');
        let after_ok = tool.ends_with(['/', '-', ' '])
            || b.get(m.end()).is_none_or(|c| !c.is_ascii_alphabetic());
        if !before_ok || !after_ok {
            continue;
        }
        if best.as_ref().is_none_or(|h| level < h.level) {
            best = Some(Hit {
                level,
                rule: "scanner-user-agent",
                evidence: m.start()..m.end(),
            });
        }
        if level == 1 {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::test_support::assert_linear;

    fn path_level(p: &str) -> Option<u8> {
        scan_path(crate::path::normalize(p).as_str()).map(|h| h.level)
    }

    #[test]
    fn paths() {
        for p in [
            "/.git/config",
            "/.env",
            "/wp-content/plugins/revslider/",
            "/wp-content/plugins/x/readme.txt",
            "/cgi-bin/test.sh",
            "/phpmyadmin/index.php",
            "/solr/admin/cores",
            "/HNAP1/",
            "/boaform/admin/formLogin",
            "/actuator/env",
            "/server-status",
            "/backup.sql",
            "/index.php.bak",
            "/x/%2e%2e/etc/passwd",
        ] {
            assert_eq!(path_level(p), Some(1), "{p}");
        }
        for p in [
            "/",
            "/.well-known/security.txt",
            "/blog/2024/10/my-post",
            "/static/css/main.css",
            "/wp-content/plugins/contact-form-7/includes/css/styles.css",
            "/downloads/annual-report-2025.pdf",
            "/news",
        ] {
            assert_ne!(path_level(p), Some(1), "{p}");
        }
    }

    #[test]
    fn agents() {
        for ua in [
            "sqlmap/1.7#stable (https://sqlmap.org)",
            "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)",
            "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
            "Fuzz Faster U Fool v2.1.0",
            "WPScan v3.8.22 (https://wpscan.com/wordpress-security-scanner)",
        ] {
            assert_eq!(scan_user_agent(ua).map(|h| h.level), Some(1), "{ua}");
        }
        for ua in [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "curl/8.5.0",
            "python-requests/2.31.0",
            "Go-http-client/1.1",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        ] {
            assert_eq!(scan_user_agent(ua), None, "{ua}");
        }
    }

    #[test]
    fn big_inputs_are_fast_and_safe() {
        for unit in ["/.", "/wp-content/plugins/", "/a", "nikt", "/cgi-bin/"] {
            assert_linear(
                &|v| {
                    let _ = scan_path(v);
                    let _ = scan_user_agent(v);
                },
                unit,
            );
        }
    }
}
