//! Runs the SQL classification corpus in `testdata/sql.toml`, which the Python and Node suites
//! read too, and checks that classifying allocates nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use qila::sql::{self, Engine, StatementKind, Summary};
use serde::Deserialize;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/sql.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    sql: String,
    kind: String,
    note: String,
    engine: Option<String>,
    lifts_read_only: Option<bool>,
}

fn corpus() -> Vec<Case> {
    let text = std::fs::read_to_string(CORPUS).expect("read testdata/sql.toml");
    toml::from_str::<Corpus>(&text)
        .expect("parse testdata/sql.toml")
        .case
}

const ENGINES: [Engine; 3] = [Engine::Postgres, Engine::MySql, Engine::Sqlite];

const KINDS: [StatementKind; 4] = [
    StatementKind::Read,
    StatementKind::Write,
    StatementKind::Transaction,
    StatementKind::Session,
];

#[test]
fn corpus_cases() {
    let cases = corpus();
    assert!(
        cases.len() >= 150,
        "only {} cases in the corpus",
        cases.len()
    );
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let engine = match case.engine.as_deref().map(str::parse::<Engine>) {
            None => None,
            Some(Ok(engine)) => Some(engine),
            Some(Err(err)) => {
                failures.push(format!("case {i} ({}): {err}", case.note));
                continue;
            }
        };
        if !KINDS.iter().any(|k| k.as_str() == case.kind) {
            failures.push(format!(
                "case {i} ({}): unknown kind {:?}",
                case.note, case.kind
            ));
            continue;
        }
        let (kind, summary) = match engine {
            None => (sql::classify(&case.sql), sql::summarize(&case.sql)),
            Some(engine) => (
                sql::classify_for(&case.sql, engine),
                sql::summarize_for(&case.sql, engine),
            ),
        };
        let on = engine.map_or("any engine", |e| e.as_str());
        if kind.as_str() != case.kind || summary.kind() != kind {
            failures.push(format!(
                "case {i} ({on}): {:?}\n    expected {}, got {kind} ({})",
                case.sql, case.kind, case.note
            ));
        }
        if let Some(lifts) = case.lifts_read_only {
            if summary.lifts_read_only() != lifts {
                failures.push(format!(
                    "case {i} ({on}): {:?}\n    expected lifts_read_only = {lifts} ({})",
                    case.sql, case.note
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} SQL cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Reading a string every way never lets one engine's write through.
#[test]
fn any_engine_is_at_least_as_strict_as_each() {
    let mut failures = Vec::new();
    for case in corpus() {
        let any = sql::summarize(&case.sql);
        for engine in ENGINES {
            let one = sql::summarize_for(&case.sql, engine);
            for kind in KINDS {
                if one.contains(kind) && !any.contains(kind) {
                    failures.push(format!(
                        "{:?}: {engine} finds {kind}, any engine does not",
                        case.sql
                    ));
                }
            }
            if one.lifts_read_only() && !any.lifts_read_only() {
                failures.push(format!("{:?}: {engine} finds lifts_read_only", case.sql));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The session statements Qila issues are what they say.
#[test]
fn session_statements_classify() {
    for engine in ENGINES {
        let on = engine.read_only_session_statement();
        let off = engine.read_write_session_statement();
        let on_summary: Summary = sql::summarize_for(on, engine);
        let off_summary: Summary = sql::summarize_for(off, engine);
        if engine == Engine::Sqlite {
            // Every PRAGMA assignment is a write, and any mention of query_only may lift.
            assert_eq!(on_summary.kind(), StatementKind::Write, "{on}");
        } else {
            assert_eq!(on_summary.kind(), StatementKind::Session, "{on}");
            assert!(!on_summary.lifts_read_only(), "{on}");
        }
        assert!(off_summary.lifts_read_only(), "{off}");
    }
}

// An allocator that counts, per thread, so tests running in parallel do not disturb each other.
// The only unsafe code in the crate's tests: forwarding to the system allocator.
#[allow(unsafe_code)]
mod counting {
    use super::*;

    thread_local! {
        pub static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    pub struct Counting;

    // SAFETY: every call is forwarded unchanged to `System`, which upholds the contract.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
            // SAFETY: forwarded from our caller.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: forwarded from our caller.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;
}

#[test]
fn classifying_allocates_nothing() {
    let cases = corpus();
    let before = counting::ALLOCATIONS.with(Cell::get);
    std::hint::black_box(Box::new(1u64));
    assert!(
        counting::ALLOCATIONS.with(Cell::get) > before,
        "the counting allocator is not in use"
    );
    let mut failures = Vec::new();
    for case in &cases {
        let before = counting::ALLOCATIONS.with(Cell::get);
        let any = sql::summarize(&case.sql);
        let each = ENGINES.map(|engine| sql::summarize_for(&case.sql, engine));
        let allocated = counting::ALLOCATIONS.with(Cell::get) - before;
        std::hint::black_box((any, each));
        if allocated != 0 {
            failures.push(format!("{:?}: {allocated} allocations", case.sql));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
