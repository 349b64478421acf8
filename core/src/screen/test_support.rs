//! Helpers shared by the checks' unit tests.

use std::time::{Duration, Instant};

/// Best of three runs of `f` on `input`.
fn time(f: &dyn Fn(&str), input: &str) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f(std::hint::black_box(input));
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Linear, not merely fast on this machine: 8 times the input takes about 8 times as long
/// (quadratic would be 64), and a megabyte never takes seconds.
pub(crate) fn assert_linear(f: &dyn Fn(&str), unit: &str) {
    let small = unit.repeat((1 << 17) / unit.len().max(1));
    let large = unit.repeat((1 << 20) / unit.len().max(1));
    let (ts, tl) = (time(f, &small), time(f, &large));
    assert!(
        tl < ts * 24 + Duration::from_millis(50),
        "{unit:?}: {ts:?} then {tl:?}"
    );
    assert!(tl < Duration::from_secs(5), "{unit:?}: {tl:?}");
}

/// The text of a case file of `testdata/screen/` (`sqli.toml`), for tests that hold a
/// prefilter to the rules on every line of it. A missing file fails the test.
pub(crate) fn case_file(name: &str) -> String {
    let path = format!("{}/../testdata/screen/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}
