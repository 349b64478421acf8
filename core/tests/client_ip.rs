//! Runs every case of `testdata/client_ip.toml` through `qila::client_ip::resolve`, and checks
//! that resolving allocates nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::IpAddr;

use qila::Headers;
use qila::client_ip::{ForwardedHeader, ProxyConfig, resolve};
use qila::net::{NetList, canonical};
use serde::Deserialize;

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/client_ip.toml");

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    note: String,
    peer: IpAddr,
    trusted: NetList,
    #[serde(default)]
    header: ForwardedHeader,
    headers: Vec<(String, String)>,
    #[serde(default)]
    latin1: bool,
    client: IpAddr,
    source: String,
    #[serde(default)]
    malformed: bool,
}

impl Case {
    /// The header values as bytes: UTF-8, or one byte per character with `latin1`.
    fn values(&self) -> Vec<(&str, Vec<u8>)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let bytes = if self.latin1 {
                    value
                        .chars()
                        .map(|c| {
                            u8::try_from(u32::from(c)).expect("latin1 values stay below U+0100")
                        })
                        .collect()
                } else {
                    value.as_bytes().to_vec()
                };
                (name.as_str(), bytes)
            })
            .collect()
    }
}

fn load() -> Vec<Case> {
    let text = std::fs::read_to_string(CASES).expect("read testdata/client_ip.toml");
    toml::from_str::<File>(&text)
        .expect("parse testdata/client_ip.toml")
        .case
}

#[test]
fn cases() {
    let cases = load();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let values = case.values();
        let headers: Vec<(&str, &[u8])> = values.iter().map(|(n, v)| (*n, v.as_slice())).collect();
        let cfg = ProxyConfig {
            trusted_proxies: case.trusted.clone(),
            header: case.header,
        };
        let got = resolve(case.peer, &Headers::Bytes(&headers), &cfg);
        let want = (case.client, case.source.as_str(), case.malformed);
        let seen = (got.ip, got.source.as_str(), got.malformed);
        if seen != want {
            failures.push(format!("{}: got {seen:?}, want {want:?}", case.note));
        }
        if canonical(got.ip) != got.ip {
            failures.push(format!("{}: {} is not canonical", case.note, got.ip));
        }
        // The same headers given as text must give the same answer.
        if !case.latin1 {
            let text: Vec<(&str, &str)> = case
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let again = resolve(case.peer, &Headers::Pairs(&text), &cfg);
            if again != got {
                failures.push(format!(
                    "{}: as text {again:?}, as bytes {got:?}",
                    case.note
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn notes_are_unique() {
    let cases = load();
    let mut notes: Vec<&str> = cases.iter().map(|c| c.note.as_str()).collect();
    notes.sort_unstable();
    let before = notes.len();
    notes.dedup();
    assert_eq!(notes.len(), before, "two cases share a note");
}

/// Counts the allocations made by the current thread, so that tests running in parallel do not
/// disturb each other.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

#[allow(unsafe_code)] // a global allocator cannot be written without it
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator, whose contract is the same.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn resolving_does_not_allocate() {
    let cases = load();
    let prepared: Vec<_> = cases
        .iter()
        .map(|case| {
            let values = case.values();
            let cfg = ProxyConfig {
                trusted_proxies: case.trusted.clone(),
                header: case.header,
            };
            (case.peer, values, cfg, case.note.as_str())
        })
        .collect();
    for (peer, values, cfg, note) in &prepared {
        let headers: Vec<(&str, &[u8])> = values.iter().map(|(n, v)| (*n, v.as_slice())).collect();
        let before = ALLOCATIONS.with(Cell::get);
        let got = resolve(*peer, &Headers::Bytes(&headers), cfg);
        let after = ALLOCATIONS.with(Cell::get);
        assert_eq!(after - before, 0, "{note}: {got:?} allocated");
    }
    // The counter does count: this test would notice an allocation.
    let before = ALLOCATIONS.with(Cell::get);
    let v = std::hint::black_box(vec![1u8; 16]);
    assert!(ALLOCATIONS.with(Cell::get) > before);
    drop(v);
}
