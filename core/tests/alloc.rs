//! Proves the promise of the crate docs ("Performance"): a benign read is decided without any
//! heap allocation, and a refusal page is borrowed from the policy, not rendered per request.
//!
//! A counting global allocator wraps the system allocator. Tests run on several threads at once,
//! so only allocations made by the measuring thread while it measures are counted: a
//! thread-local flag says whether this thread is measuring, a thread-local counter holds what it
//! counted.

// `GlobalAlloc` is an unsafe trait: implementing it needs `unsafe`. This file only forwards every
// call unchanged to `std::alloc::System` and counts it; the rest of the workspace keeps
// `unsafe_code = "deny"`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use qila::{Action, BodyFormat, Policy, Request, Timestamp, Verdict};

struct Counting;

thread_local! {
    /// Whether this thread is measuring.
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    /// Allocations (including reallocations) this thread made while measuring.
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the allocator is also called while thread-locals are being torn down.
    let _ = MEASURING.try_with(|m| {
        if m.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees are ours; counting touches only const-initialised thread-locals, which never
// allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded unchanged (see above).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` on this thread and returns its result with the number of allocations it made.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    COUNT.with(|c| c.set(0));
    MEASURING.with(|m| m.set(true));
    let out = f();
    MEASURING.with(|m| m.set(false));
    (out, COUNT.with(Cell::get))
}

/// What a middleware reads from a verdict to answer a request.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    action: Action,
    status: u16,
    reason: Option<&'static str>,
    headers: usize,
    header_bytes: usize,
}

fn read(v: &Verdict<'_>) -> Seen {
    let mut headers = 0;
    let mut header_bytes = 0;
    for (name, value) in v.headers() {
        headers += 1;
        header_bytes += name.len() + value.len();
    }
    Seen {
        action: v.action(),
        status: v.status(),
        reason: v.reason().map(|r| r.code()),
        headers,
        header_bytes,
    }
}

/// Builds the process-wide matchers the checks compile on first use (automata, tables, the
/// lazy DFA states of the linear-time regex engine), with a request unlike the measured ones.
/// That is a one-time cost of the process, not of a request.
fn warm_up(policy: &Policy, now: Timestamp) {
    let headers = [
        ("User-Agent", "warm-up/1.0 (x; y) <b>"),
        ("Referer", "https://warm.example/?q=1'or'1'='1"),
        ("Cookie", "a=<script>alert(1)</script>; b=;cat /etc/passwd"),
    ];
    let req = Request::new(
        "GET",
        "/w/../x.php?a=<?php+eval($_GET[1]);?>&b=../../etc/passwd&c=1+union+select+1&d=$(id)",
    )
    .headers(&headers);
    let _ = policy.evaluate_at(&req, now);
    qila::screen::scan_value(
        "file",
        "http://x.example/shell.txt? ${jndi:x} `id` <svg onload=x>",
        |_, _| {},
    );
}

/// Evaluates `req` and reads the verdict, counting allocations, in the steady state of a
/// serving process: the matchers are built, and the request has been seen once before (a
/// portal sees the same browser headers and the same pages over and over).
fn measure(policy: &Policy, req: &Request<'_>, now: Timestamp) -> (Seen, usize) {
    warm_up(policy, now);
    let _ = policy.evaluate_at(req, now);
    allocations(|| {
        let v = policy.evaluate_at(req, now);
        read(&v)
    })
}

/// Ten ordinary headers a browser sends with a page request.
const BROWSER: [(&str, &str); 10] = [
    ("Host", "portal.gov.example"),
    (
        "User-Agent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    ),
    (
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    ),
    ("Accept-Language", "ur-PK,ur;q=0.9,en-US;q=0.8,en;q=0.7"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
    ("Connection", "keep-alive"),
    ("Cookie", "sessionid=7f3a9c2e4b; csrftoken=Zx81kQp; lang=ur"),
    ("Referer", "https://portal.gov.example/services"),
    ("Upgrade-Insecure-Requests", "1"),
    ("Cache-Control", "max-age=0"),
];

fn now() -> Timestamp {
    Timestamp::parse("2026-06-01T00:00:00Z").unwrap()
}

#[test]
fn the_counter_counts_this_thread() {
    let (v, n) = allocations(|| vec![1u8; 64]);
    assert_eq!(v.len(), 64);
    assert_eq!(n, 1);
    let (_, n) = allocations(|| ());
    assert_eq!(n, 0);
}

#[test]
fn a_benign_get_allocates_nothing() {
    let policy = Policy::default();
    let now = now();
    let req = Request::new("GET", "/page?x=1")
        .headers(&BROWSER)
        .peer("203.0.113.9".parse().unwrap());
    let (seen, n) = measure(&policy, &req, now);
    assert_eq!(seen.action, Action::Allow);
    assert_eq!(seen.status, 200);
    assert_eq!(seen.reason, None);
    assert_eq!(seen.headers, 1, "the mode header of the lockdown");
    assert_eq!(
        n, 0,
        "GET /page?x=1 with ten browser headers made {n} allocation(s)"
    );
}

#[test]
fn other_benign_reads_allocate_nothing() {
    let policy = Policy::default();
    let now = now();
    for (method, target) in [
        ("GET", "/"),
        ("GET", "/static/css/site.css"),
        ("GET", "/services/passport-renewal/form.html?lang=ur&page=2"),
        ("HEAD", "/downloads/form-a.pdf"),
        ("GET", "/search?query=passport"),
        ("OPTIONS", "/api/applications"),
    ] {
        let req = Request::new(method, target).headers(&BROWSER);
        let (seen, n) = measure(&policy, &req, now);
        assert_eq!(seen.action, Action::Allow, "{method} {target}");
        assert_eq!(n, 0, "{method} {target} made {n} allocation(s)");
    }
}

#[test]
fn a_path_that_needs_decoding_does_allocate() {
    // The counter is not blind: decoding a percent-encoded Urdu path needs a buffer.
    let policy = Policy::default();
    let target = "/%D8%B5%D9%81%D8%AD%DB%81?lang=ur";
    let req = Request::new("GET", target).headers(&BROWSER);
    let (seen, n) = measure(&policy, &req, now());
    assert_eq!(seen.action, Action::Allow);
    assert!(
        n > 0,
        "decoding {target} allocated nothing: is the counter counting?"
    );
    assert_eq!(policy.evaluate_at(&req, now()).path().as_str(), "/صفحہ");
}

#[test]
fn refusals_are_borrowed_not_rendered() {
    let policy = Policy::default();
    let now = now();
    let json_headers = [("Accept", "application/json")];
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a [(&'a str, &'a str)],
        &'a str,
        BodyFormat,
    );
    let cases: [Case<'_>; 4] = [
        (
            "POST",
            "/contact",
            &BROWSER,
            "write-in-lockdown",
            BodyFormat::Html,
        ),
        (
            "POST",
            "/api/applications",
            &json_headers,
            "write-in-lockdown",
            BodyFormat::Json,
        ),
        (
            "GET",
            "/admin/",
            &BROWSER,
            "admin-network",
            BodyFormat::Html,
        ),
        ("GET", "/.env", &BROWSER, "denied-path", BodyFormat::Html),
    ];
    for (method, target, headers, code, format) in cases {
        let req = Request::new(method, target).headers(headers);
        let (seen, n) = measure(&policy, &req, now);
        assert_eq!(seen.action, Action::Block, "{method} {target}");
        assert_eq!(seen.reason, Some(code), "{method} {target}");
        assert_eq!(n, 0, "deciding {method} {target} made {n} allocation(s)");

        let v = policy.evaluate_at(&req, now);
        assert_eq!(v.body_format(), format, "{method} {target}");
        let ((content_type, body), n) =
            allocations(|| v.body().expect("a blocked request has a body"));
        assert_eq!(
            n, 0,
            "the refusal body of {method} {target} made {n} allocation(s)"
        );
        assert_eq!(content_type, format.content_type());
        assert!(body.contains(code), "the {code} page names its code");

        // The same page for the next request: one text, rendered when the policy was loaded.
        let again = policy.evaluate_at(&req, now);
        let (_, body_again) = again.body().unwrap();
        assert!(
            std::ptr::eq(body, body_again),
            "{method} {target}: the page is rendered per request"
        );
    }
}
