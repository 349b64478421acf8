//! `cargo bench -p qila-benches --bench evaluate`: the cost of deciding one request.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qila::{Policy, Request, Timestamp};

const BROWSER: [(&str, &str); 10] = [
    ("Host", "portal.gov.example"),
    (
        "User-Agent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    ),
    (
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    ),
    ("Accept-Language", "ur-PK,ur;q=0.9,en-US;q=0.8,en;q=0.7"),
    ("Accept-Encoding", "gzip, deflate, br"),
    ("Connection", "keep-alive"),
    ("Referer", "https://portal.gov.example/services"),
    ("Upgrade-Insecure-Requests", "1"),
    ("Cache-Control", "max-age=0"),
    ("Sec-Fetch-Mode", "navigate"),
];

fn evaluate(c: &mut Criterion) {
    let policy = Policy::default();
    let now = Timestamp::now();
    let mut g = c.benchmark_group("evaluate");

    g.bench_function("benign GET", |b| {
        let req = Request::new("GET", "/page?x=1")
            .headers(&BROWSER)
            .peer([203, 0, 113, 9].into());
        b.iter(|| {
            let v = policy.evaluate_at(black_box(&req), now);
            black_box((v.action(), v.status()));
        })
    });

    // The path and query of the request above are remembered clean after the first time, as
    // the pages every visitor asks for are; here each request asks for a page not seen
    // recently (65,536 of them in turn, sixteen times the memory's slots).
    let targets: Vec<String> = (0..1 << 16)
        .map(|i| format!("/services/page-{i}?x={i}"))
        .collect();
    g.bench_function("benign GET, a page not seen recently", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 0xFFFF;
            let req = Request::new("GET", &targets[i])
                .headers(&BROWSER)
                .peer([203, 0, 113, 9].into());
            let v = policy.evaluate_at(black_box(&req), now);
            black_box((v.action(), v.status()));
        })
    });

    let lockdown_only = Policy::from_toml("[screening]\nenabled = false").unwrap();
    g.bench_function("benign GET, lockdown rules only (screening off)", |b| {
        let req = Request::new("GET", "/page?x=1")
            .headers(&BROWSER)
            .peer([203, 0, 113, 9].into());
        b.iter(|| {
            let v = lockdown_only.evaluate_at(black_box(&req), now);
            black_box((v.action(), v.status()));
        })
    });

    let mut with_cookies = BROWSER.to_vec();
    with_cookies.push((
        "Cookie",
        "sessionid=8f3k2j4h5g6f7d8s9a0; csrftoken=Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2; _ga=GA1.2.123456789.1700000000; lang=ur",
    ));
    g.bench_function("GET with 5 params and cookies", |b| {
        let req = Request::new(
            "GET",
            "/services/search?q=passport+renewal&city=Lahore&page=2&sort=date&lang=ur",
        )
        .headers(&with_cookies)
        .peer([203, 0, 113, 9].into());
        b.iter(|| {
            let v = policy.evaluate_at(black_box(&req), now);
            black_box((v.action(), v.status()));
        })
    });

    let mut form = String::from(
        "csrfmiddlewaretoken=Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0&name=Muhammad+Ali&email=ali%40example.pk",
    );
    while form.len() < 1024 {
        form.push_str("&message=Please+tell+me+the+status+of+my+application+number+12345");
    }
    form.truncate(1024);
    let mut form_headers = BROWSER.to_vec();
    form_headers.push(("Content-Type", "application/x-www-form-urlencoded"));
    g.throughput(Throughput::Bytes(form.len() as u64));
    g.bench_function("1 KB form POST in lockdown", |b| {
        let req = Request::new("POST", "/contact")
            .headers(&form_headers)
            .peer([203, 0, 113, 9].into())
            .body(form.as_bytes());
        b.iter(|| {
            let v = policy.evaluate_at(black_box(&req), now);
            black_box((v.action(), v.status(), v.body()));
        })
    });
    g.finish();
}

fn normalise(c: &mut Criterion) {
    let mut g = c.benchmark_group("path normalisation");
    for (name, path) in [
        ("clean", "/services/passport-renewal/form.html"),
        (
            "encoded traversal",
            "/static/..%2f..%2F%2e%2e/wp-admin;x=1/./index.php",
        ),
        (
            "urdu",
            "/%D8%AE%D8%AF%D9%85%D8%A7%D8%AA/%D9%BE%D8%A7%D8%B3%D9%BE%D9%88%D8%B1%D9%B9",
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(qila::path::normalize(black_box(path)).flags()))
        });
    }
    g.finish();
}

criterion_group!(benches, evaluate, normalise);
criterion_main!(benches);
