//! Runs every case of `testdata/requests.toml` through `Policy::evaluate_at` and reports all
//! failures at once. Cases marked `known_bug` are reported separately and do not fail the run
//! until they start passing (then the marker must go).

use std::net::IpAddr;

use qila::{Action, BodyFormat, Mode, Policy, Request, Timestamp, Verdict};
use serde::Deserialize;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/requests.toml");

/// The evaluation time of a case that does not give one.
const DEFAULT_NOW: &str = "2026-06-01T00:00:00Z";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    method: String,
    target: String,
    #[serde(default)]
    headers: Vec<(String, String)>,
    body: Option<String>,
    body_b64: Option<String>,
    peer: Option<IpAddr>,
    policy: Option<String>,
    mode: Option<String>,
    now: Option<String>,
    known_bug: Option<String>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    action: String,
    reason: Option<String>,
    status: Option<u16>,
    write: Option<bool>,
    surfaces: Option<Vec<String>>,
    not_surfaces: Option<Vec<String>>,
    client: Option<IpAddr>,
    path: Option<String>,
    allowed_by: Option<String>,
    headers: Option<Vec<(String, String)>>,
    not_headers: Option<Vec<String>>,
    format: Option<String>,
    malformed: Option<String>,
    /// Findings that must be present (`[]`: none at all).
    findings: Option<Vec<ExpectFinding>>,
    /// The screening limit the request must go past (`"none"`: none).
    limit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFinding {
    check: String,
    location: String,
    name: Option<String>,
    /// The finding's evidence must start with this.
    evidence: Option<String>,
}

/// Every surface name a case may mention; a typo in the file must not pass as "absent".
const SURFACES: [&str; 9] = [
    "form",
    "upload",
    "login",
    "json",
    "graphql",
    "xmlrpc",
    "method-override",
    "webdav",
    "admin",
];

/// Decodes standard base64 (with or without `=` padding; whitespace ignored).
fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut padding = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            _ => return Err(format!("`{}` is not a base64 character", char::from(c))),
        };
        if padding > 0 {
            return Err("base64 data after `=`".into());
        }
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 || acc != 0 {
        return Err("base64 data does not end on a byte".into());
    }
    Ok(out)
}

fn format_name(f: BodyFormat) -> &'static str {
    match f {
        BodyFormat::Html => "html",
        BodyFormat::Json => "json",
    }
}

/// Checks one verdict against what the case expects; returns what differs.
fn check(case: &Case, v: &Verdict<'_>) -> Vec<String> {
    let e = &case.expect;
    let mut diffs = Vec::new();
    let mut differ = |what: &str, want: &dyn std::fmt::Debug, got: &dyn std::fmt::Debug| {
        diffs.push(format!("{what}: expected {want:?}, got {got:?}"));
    };

    let action = v.action().as_str();
    if action != e.action {
        differ("action", &e.action, &action);
    }
    let reason = v.reason().map(|r| r.code());
    if reason != e.reason.as_deref() {
        differ("reason", &e.reason, &reason);
    }
    if let Some(status) = e.status {
        if v.status() != status {
            differ("status", &status, &v.status());
        }
    }
    if let Some(write) = e.write {
        if v.intent().write != write {
            differ("write", &write, &v.intent().write);
        }
    }
    let surfaces: Vec<&str> = v.surfaces().names().collect();
    for name in e.surfaces.iter().flatten() {
        if !surfaces.contains(&name.as_str()) {
            differ(&format!("surface {name}"), &"present", &surfaces);
        }
    }
    for name in e.not_surfaces.iter().flatten() {
        if surfaces.contains(&name.as_str()) {
            differ(&format!("surface {name}"), &"absent", &surfaces);
        }
    }
    if let Some(client) = e.client {
        if v.client().ip != client {
            differ("client", &client, &v.client().ip);
        }
    }
    if let Some(path) = &e.path {
        if v.path().as_str() != path {
            differ("path", path, &v.path().as_str());
        }
    }
    if let Some(expected) = &e.findings {
        let got: Vec<(String, String, String, String)> = v
            .findings()
            .iter()
            .map(|f| {
                (
                    f.check.as_str().to_owned(),
                    f.location.as_str().to_owned(),
                    f.name.clone(),
                    f.evidence.clone(),
                )
            })
            .collect();
        if expected.is_empty() && !got.is_empty() {
            differ("findings", &"none", &got);
        }
        for x in expected {
            let found = got.iter().any(|(c, l, n, ev)| {
                c == &x.check
                    && l == &x.location
                    && x.name.as_ref().is_none_or(|name| name == n)
                    && x.evidence
                        .as_ref()
                        .is_none_or(|e| ev.starts_with(e.as_str()))
            });
            if !found {
                differ("finding", &(&x.check, &x.location, &x.name), &got);
            }
        }
    }
    if let Some(limit) = &e.limit {
        let got = v.limit().map_or("none", |l| l.as_str());
        if got != limit {
            differ("limit", limit, &got);
        }
    }
    if let Some(by) = &e.allowed_by {
        let got = v.allowed_by().map_or("none", |a| a.as_str());
        if got != by {
            differ("allowed_by", by, &got);
        }
    }
    let headers: Vec<(&str, &str)> = v.headers().collect();
    for (name, value) in e.headers.iter().flatten() {
        if !headers
            .iter()
            .any(|(n, val)| n.eq_ignore_ascii_case(name) && val == value)
        {
            differ(&format!("header {name}"), value, &headers);
        }
    }
    for name in e.not_headers.iter().flatten() {
        if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            differ(&format!("header {name}"), &"absent", &headers);
        }
    }
    if let Some(format) = &e.format {
        let got = format_name(v.body_format());
        if got != format {
            differ("format", format, &got);
        }
    }
    if let Some(malformed) = &e.malformed {
        let got = v.intent().malformed.map_or("none", |m| m.as_str());
        if got != malformed {
            differ("malformed", malformed, &got);
        }
    }

    // What holds for every verdict.
    match v.action() {
        Action::Allow => {
            if v.reason().is_some() || v.status() != 200 || v.allowed_by().is_none() {
                differ(
                    "an allowed verdict (no reason, status 200, allowed_by)",
                    &(None::<&str>, 200, "some"),
                    &(reason, v.status(), v.allowed_by()),
                );
            }
        }
        Action::Block | Action::Monitor => {
            if v.reason().is_none() || v.allowed_by().is_some() {
                differ(
                    "a refusal (a reason, no allowed_by)",
                    &"reason",
                    &(reason, v.allowed_by()),
                );
            }
        }
    }
    match (v.action(), v.body()) {
        (Action::Block, Some((content_type, text))) => {
            if content_type != v.body_format().content_type() || text.is_empty() {
                differ(
                    "body content type",
                    &v.body_format().content_type(),
                    &content_type,
                );
            }
            if !headers
                .iter()
                .any(|(n, val)| n.eq_ignore_ascii_case("content-type") && *val == content_type)
            {
                differ("Content-Type header of the body", &content_type, &headers);
            }
        }
        (Action::Block, None) => differ("body of a blocked request", &"some", &"none"),
        (_, Some(_)) => differ("body of a request that is passed on", &"none", &"some"),
        (_, None) => {}
    }
    diffs
}

/// Checks the case file itself: names unique, surface names known, one kind of body.
fn lint(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let e = &case.expect;
    for name in e.surfaces.iter().chain(e.not_surfaces.iter()).flatten() {
        if !SURFACES.contains(&name.as_str()) {
            problems.push(format!("unknown surface {name:?}"));
        }
    }
    if case.body.is_some() && case.body_b64.is_some() {
        problems.push("both body and body_b64".into());
    }
    if !["allow", "block", "monitor"].contains(&e.action.as_str()) {
        problems.push(format!("unknown action {:?}", e.action));
    }
    if let Some(r) = &e.reason {
        if qila::Reason::from_code(r).is_none() {
            problems.push(format!("unknown reason {r:?}"));
        }
    }
    problems
}

/// Runs one case: the differences, or why it could not run.
fn run(case: &Case, default_policy: &Policy) -> Vec<String> {
    let mut problems = lint(case);
    if !problems.is_empty() {
        return problems
            .into_iter()
            .map(|p| format!("bad case: {p}"))
            .collect();
    }
    let loaded;
    let policy = match &case.policy {
        Some(text) => match Policy::from_toml(text) {
            Ok(p) => {
                loaded = p;
                &loaded
            }
            Err(err) => return vec![format!("bad case: policy does not load: {err}")],
        },
        None => default_policy,
    };
    let with_mode;
    let policy = match &case.mode {
        Some(m) => match m.parse::<Mode>() {
            Ok(mode) => {
                with_mode = policy.clone().with_mode(Some(mode));
                &with_mode
            }
            Err(err) => return vec![format!("bad case: mode: {err}")],
        },
        None => policy,
    };
    let now = match Timestamp::parse(case.now.as_deref().unwrap_or(DEFAULT_NOW)) {
        Ok(t) => t,
        Err(err) => return vec![format!("bad case: now: {err}")],
    };
    let body = match (&case.body, &case.body_b64) {
        (Some(text), _) => Some(text.as_bytes().to_vec()),
        (None, Some(b64)) => match base64_decode(b64) {
            Ok(bytes) => Some(bytes),
            Err(err) => return vec![format!("bad case: body_b64: {err}")],
        },
        (None, None) => None,
    };
    let headers: Vec<(&str, &str)> = case
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut req = Request::new(&case.method, &case.target).headers(&headers);
    if let Some(peer) = case.peer {
        req = req.peer(peer);
    }
    if let Some(body) = &body {
        req = req.body(body);
    }
    let verdict = policy.evaluate_at(&req, now);
    problems = check(case, &verdict);
    problems
}

#[test]
fn corpus() {
    let text = std::fs::read_to_string(CASES).expect("read testdata/requests.toml");
    let file: File = toml::from_str(&text).expect("parse testdata/requests.toml");
    assert!(file.case.len() >= 120, "only {} cases", file.case.len());

    let default_policy = Policy::default();
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for (index, case) in file.case.iter().enumerate() {
        let mut problems = run(case, &default_policy);
        if !names.insert(case.name.as_str()) {
            problems.push("bad case: the name is used twice".into());
        }
        let head = format!(
            "case {index} {:?}: {} {:?}",
            case.name, case.method, case.target
        );
        match (&case.known_bug, problems.is_empty()) {
            (None, true) => {}
            (None, false) => failures.push(format!("{head}\n    {}", problems.join("\n    "))),
            (Some(bug), false) => known.push(format!(
                "{head}\n    known bug: {bug}\n    {}",
                problems.join("\n    ")
            )),
            (Some(bug), true) => failures.push(format!(
                "{head}\n    passes now: remove `known_bug = {bug:?}` from the case"
            )),
        }
    }
    if !known.is_empty() {
        eprintln!(
            "{} known bug(s), not counted as failures:\n{}",
            known.len(),
            known.join("\n")
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        file.case.len(),
        failures.join("\n")
    );
}

#[test]
fn base64_decoder() {
    assert_eq!(base64_decode("").unwrap(), b"");
    assert_eq!(base64_decode("TQ==").unwrap(), b"M");
    assert_eq!(base64_decode("TWE=").unwrap(), b"Ma");
    assert_eq!(base64_decode("TWFu").unwrap(), b"Man");
    assert_eq!(base64_decode("TWE").unwrap(), b"Ma");
    assert_eq!(base64_decode("//79").unwrap(), [0xFF, 0xFE, 0xFD]);
    assert!(base64_decode("TQ=x").is_err());
    assert!(base64_decode("T").is_err());
    assert!(base64_decode("a!").is_err());
}
