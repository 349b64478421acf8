//! Benchmarks for qila live in `benches/`; run them with `cargo bench -p qila-benches`.
