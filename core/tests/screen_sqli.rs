//! Data-driven tests for the SQL injection check: `testdata/screen/sqli.toml`.

use qila::screen::sqli::scan;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    input: String,
    expect: String,
    #[serde(default)]
    note: String,
}

const CASES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/screen/sqli.toml"
));

#[test]
fn cases() {
    let file: File = toml::from_str(CASES).expect("sqli.toml parses");
    assert!(file.case.len() >= 200, "only {} cases", file.case.len());
    let mut failures = Vec::new();
    for c in &file.case {
        let hit = scan(&c.input);
        let blocked = hit.as_ref().is_some_and(|h| h.level == 1);
        let ok = match c.expect.as_str() {
            "block" => blocked,
            "allow" => !blocked,
            other => panic!("unknown expect {other:?} for {:?}", c.input),
        };
        if let Some(h) = &hit {
            assert!(
                h.evidence.start <= h.evidence.end && h.evidence.end <= c.input.len(),
                "{:?}: bad evidence {h:?}",
                c.input
            );
        }
        if !ok {
            failures.push(format!(
                "{} {:?} ({}): got {hit:?}",
                c.expect, c.input, c.note
            ));
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

/// Measures the check on a file of extracted values: one JSON object a line with `i` (request
/// id), `c` (class) and `v` (value). Run with
/// `QILA_SQLI_VALUES=/path/values.jsonl cargo test -p qila --test screen_sqli -- --ignored --nocapture`.
#[test]
#[ignore = "needs QILA_SQLI_VALUES"]
fn measure_values() {
    let Ok(path) = std::env::var("QILA_SQLI_VALUES") else {
        eprintln!("QILA_SQLI_VALUES not set, skipping");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("values file");
    let mut by_class: std::collections::BTreeMap<
        String,
        (
            std::collections::HashSet<String>,
            std::collections::HashSet<String>,
        ),
    > = Default::default();
    let mut out = String::new();
    let mut values = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let (Some(id), Some(class), Some(value)) =
            (v["i"].as_str(), v["c"].as_str(), v["v"].as_str())
        else {
            continue;
        };
        values.push(value.to_owned());
        let hit = scan(value);
        let e = by_class.entry(class.to_owned()).or_default();
        e.0.insert(id.to_owned());
        if let Some(h) = &hit {
            if h.level == 1 {
                e.1.insert(id.to_owned());
            }
            out.push_str(&format!(
                "HIT\t{class}\t{id}\t{}\t{}\t{:?}\n",
                h.level, h.rule, value
            ));
        }
    }
    for (class, (all, hit)) in &by_class {
        println!(
            "{class}: {}/{} requests blocked ({:.2}%)",
            hit.len(),
            all.len(),
            100.0 * hit.len() as f64 / all.len() as f64
        );
    }
    if let Ok(p) = std::env::var("QILA_SQLI_HITS") {
        std::fs::write(p, out).expect("write hits");
    }
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..5 {
        for v in &values {
            n += usize::from(scan(v).is_some());
        }
    }
    println!(
        "{:.0} ns per value ({} values, {n})",
        t.elapsed().as_nanos() as f64 / (5 * values.len()) as f64,
        values.len()
    );
}
