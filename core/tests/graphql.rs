//! Runs every case of `testdata/graphql.toml` and reports all failures at once.
//!
//! Each `document` case is also run as an `application/graphql` body, wrapped in a JSON body and
//! percent-encoded in a query string: the same document must classify the same way however it
//! arrives.

use qila::graphql::{
    Operation, classify_document, classify_graphql_body, classify_json, classify_query_string,
};
use serde::Deserialize;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/graphql.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    kind: String,
    input: String,
    #[serde(default)]
    repeat: Option<usize>,
    #[serde(default)]
    close: Option<String>,
    expect: String,
    note: String,
}

impl Case {
    /// The input the case describes, with `repeat` and `close` applied.
    fn input(&self) -> String {
        match self.repeat {
            Some(n) => {
                let close = self.close.as_deref().unwrap_or("");
                format!("{}{}", self.input.repeat(n), close.repeat(n))
            }
            None => self.input.clone(),
        }
    }
}

/// The code an `Option<Operation>` is written as in the file.
fn code(op: Option<Operation>) -> &'static str {
    op.map_or("none", Operation::as_str)
}

/// Percent-encodes everything but unreserved characters, as a browser's `encodeURIComponent`
/// would (and then some).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Shortens long inputs for the failure report.
fn shown(input: &str) -> String {
    if input.len() <= 120 {
        format!("{input:?}")
    } else {
        let cut = (0..=120)
            .rev()
            .find(|&i| input.is_char_boundary(i))
            .unwrap_or(0);
        format!("{:?}... ({} bytes)", &input[..cut], input.len())
    }
}

#[test]
fn corpus() {
    let text = std::fs::read_to_string(CASES).expect("read testdata/graphql.toml");
    let file: File = toml::from_str(&text).expect("parse testdata/graphql.toml");
    assert!(file.case.len() >= 60, "only {} cases", file.case.len());

    let mut failures = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (index, case) in file.case.iter().enumerate() {
        let input = case.input();
        seen.insert((case.kind.clone(), case.expect.clone()));
        let mut check = |how: &str, got: &'static str| {
            if got != case.expect {
                failures.push(format!(
                    "case {index} ({}{how}): expected {}, got {got}\n    input: {}\n    note:  {}",
                    case.kind,
                    case.expect,
                    shown(&input),
                    case.note,
                ));
            }
        };
        if case.close.is_some() && case.repeat.is_none() {
            check(", close without repeat", "malformed case");
            continue;
        }
        match case.kind.as_str() {
            "document" => {
                check("", classify_document(&input).as_str());
                check(
                    " as application/graphql",
                    classify_graphql_body(input.as_bytes()).as_str(),
                );
                let json = format!(r#"{{"query": {}}}"#, serde_json::to_string(&input).unwrap());
                check(" in a JSON body", code(classify_json(json.as_bytes())));
                let batch = format!(r#"[{json}, {{"query": "{{ ok }}"}}]"#);
                check(" in a JSON batch", code(classify_json(batch.as_bytes())));
                let qs = format!("a=1&query={}&b=2", percent_encode(&input));
                check(" in a query string", code(classify_query_string(&qs)));
            }
            "json" => check("", code(classify_json(input.as_bytes()))),
            "query-string" => check("", code(classify_query_string(&input))),
            other => check(&format!(", unknown kind {other:?}"), "malformed case"),
        }
    }

    // The corpus must exercise every answer of every entry point.
    for (kind, expects) in [
        ("document", &["read", "write", "invalid"][..]),
        ("json", &["read", "write", "invalid", "none"][..]),
        ("query-string", &["read", "write", "invalid", "none"][..]),
    ] {
        for &expect in expects {
            if !seen.contains(&(kind.to_owned(), expect.to_owned())) {
                failures.push(format!("no {kind} case answers {expect}"));
            }
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        file.case.len(),
        failures.join("\n")
    );
}
