//! Data-driven tests of the `traversal`, `cmdi`, `php`, `js`, `ldap`, `webshell` and `probe` checks: the cases
//! live in `testdata/screen/*.toml`, one table per case. Every failure of a file is reported at
//! once.

use std::path::PathBuf;

use qila::screen::{Hit, cmdi, js, ldap, php, probe, traversal, webshell};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The value to scan (traversal, cmdi, php).
    input: Option<String>,
    /// A parameter name: traversal cases with a name go through `scan_param`.
    name: Option<String>,
    /// Upload cases.
    filename: Option<String>,
    content_type: Option<String>,
    content: Option<String>,
    content_b64: Option<String>,
    /// Probe cases.
    path: Option<String>,
    user_agent: Option<String>,
    expect: String,
    note: Option<String>,
}

fn testdata(name: &str) -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/screen")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: File =
        toml::from_str(&text).unwrap_or_else(|e| panic!("bad toml {}: {e}", path.display()));
    file.case
}

/// A small base64 decoder for `content_b64` (standard alphabet, padding optional).
fn base64(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Runs every case of `file` through `scan` and fails with the list of all cases that went
/// the wrong way. A case blocks when the check reports a level-1 hit.
fn run(file: &str, min_cases: usize, scan: impl Fn(&Case) -> Option<Hit>) {
    let cases = testdata(file);
    assert!(
        cases.len() >= min_cases,
        "{file}: only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    let (mut blocks, mut allows) = (0, 0);
    for (i, case) in cases.iter().enumerate() {
        let hit = scan(case);
        let blocked = hit.as_ref().is_some_and(|h| h.level == 1);
        let want = match case.expect.as_str() {
            "block" => {
                blocks += 1;
                true
            }
            "allow" => {
                allows += 1;
                false
            }
            other => panic!("{file} case {i}: expect = {other:?}"),
        };
        if blocked != want {
            failures.push(format!(
                "  case {i} ({}): expected {}, got {hit:?}: {:?}",
                case.note.as_deref().unwrap_or("-"),
                case.expect,
                case.input
                    .as_deref()
                    .or(case.path.as_deref())
                    .or(case.user_agent.as_deref())
                    .or(case.filename.as_deref())
                    .unwrap_or("")
            ));
        }
    }
    assert!(
        blocks > 0 && allows > 0,
        "{file}: needs both block and allow cases"
    );
    assert!(
        failures.is_empty(),
        "{file}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn input(case: &Case) -> &str {
    case.input.as_deref().unwrap_or("")
}

#[test]
fn traversal_cases() {
    run("traversal.toml", 60, |c| match &c.name {
        Some(name) => traversal::scan_param(name, input(c)),
        None => traversal::scan(input(c)),
    });
}

#[test]
fn cmdi_cases() {
    run("cmdi.toml", 60, |c| cmdi::scan(input(c)));
}

#[test]
fn php_cases() {
    run("php.toml", 60, |c| php::scan(input(c)));
}

#[test]
fn js_cases() {
    run("js.toml", 30, |c| js::scan(input(c)));
}

#[test]
fn ldap_cases() {
    run("ldap.toml", 20, |c| ldap::scan(input(c)));
}

#[test]
fn webshell_cases() {
    run("webshell.toml", 60, |c| {
        let content = match (&c.content, &c.content_b64) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(b64)) => base64(b64),
            (None, None) => Vec::new(),
        };
        webshell::scan_upload(
            c.filename.as_deref().unwrap_or("").as_bytes(),
            c.content_type.as_deref().map(str::as_bytes),
            &content,
        )
    });
}

#[test]
fn probe_cases() {
    run("probe.toml", 60, |c| match (&c.path, &c.user_agent) {
        (Some(path), _) => probe::scan_path(qila::path::normalize(path).as_str()),
        (None, Some(ua)) => probe::scan_user_agent(ua),
        (None, None) => panic!("probe case without path or user_agent"),
    });
}

/// Measures the checks on values extracted from a corpus (one JSON object per request with
/// `id`, `class`, `path`, `ua`, `values` as `[name, value]` pairs and `uploads` as
/// `[filename, content_type, head_base64]`). Set `QILA_CHECKS_VALUES` to the file and
/// `QILA_CHECKS_OUT` to where the per-request results go; skipped when unset.
#[test]
#[ignore = "needs QILA_CHECKS_VALUES"]
fn measure_corpus() {
    let Ok(values) = std::env::var("QILA_CHECKS_VALUES") else {
        return;
    };
    let out = std::env::var("QILA_CHECKS_OUT").unwrap_or_else(|_| "/dev/stdout".to_owned());
    let text = std::fs::read_to_string(values).expect("values file");
    let mut lines = Vec::new();
    for line in text.lines() {
        let req: serde_json::Value = serde_json::from_str(line).expect("json");
        let mut hits: Vec<serde_json::Value> = Vec::new();
        let mut note = |check: &str, what: &str, h: Option<Hit>| {
            if let Some(h) = h {
                hits.push(serde_json::json!([check, h.level, h.rule, what]));
            }
        };
        for pair in req["values"].as_array().into_iter().flatten() {
            let name = pair[0].as_str().unwrap_or("");
            let value = pair[1].as_str().unwrap_or("");
            let short: String = value.chars().take(80).collect();
            note("traversal", &short, traversal::scan_param(name, value));
            note("cmdi", &short, cmdi::scan(value));
            note("php", &short, php::scan(value));
        }
        for up in req["uploads"].as_array().into_iter().flatten() {
            let filename = up[0].as_str().unwrap_or("");
            let ct = up[1].as_str();
            let head = base64(up[2].as_str().unwrap_or(""));
            note(
                "webshell",
                filename,
                webshell::scan_upload(filename.as_bytes(), ct.map(str::as_bytes), &head),
            );
        }
        let path = req["path"].as_str().unwrap_or("/");
        let normalized = qila::path::normalize(path);
        note("probe", path, probe::scan_path(normalized.as_str()));
        let ua = req["ua"].as_str().unwrap_or("");
        note("scanner", ua, probe::scan_user_agent(ua));
        lines.push(
            serde_json::json!({"id": req["id"], "class": req["class"], "hits": hits}).to_string(),
        );
    }
    std::fs::write(out, lines.join("\n") + "\n").expect("write results");
}
