//! `cargo bench -p qila-benches --bench screen`: the cost of screening, and Qila's SQL injection
//! check beside libinjection (the `libinjectionrs` port) on the same inputs.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use qila::{Policy, Request, Timestamp};

/// Typical short parameter values of a government portal, and attacks of the same length.
const SHORT: [(&str, &str); 8] = [
    ("search words", "passport renewal lahore"),
    ("email", "ayesha.khan@example.pk"),
    ("cnic", "35202-1234567-1"),
    ("question", "What documents do I need for a domicile?"),
    ("name with apostrophe", "Siobhan O'Brien"),
    ("urdu", "شناختی کارڈ کی تجدید"),
    ("sqli tautology", "1' or '1'='1"),
    ("sqli union", "-1 union select 1,2,user()--"),
];

fn short_values(c: &mut Criterion) {
    let mut g = c.benchmark_group("all checks on one short value");
    for (name, value) in SHORT {
        g.bench_with_input(BenchmarkId::from_parameter(name), value, |b, v| {
            b.iter(|| {
                let mut n = 0u32;
                qila::screen::scan_value("q", black_box(v), |_, _| n += 1);
                black_box(n)
            })
        });
    }
    g.finish();
}

/// What citizens type into the fields of a government portal, 32 short values: names, numbers,
/// dates, addresses, searches and messages in English, Urdu and Roman Urdu.
const TYPICAL: [&str; 32] = [
    "Muhammad Ali",
    "Siobhan O'Brien",
    "D'Souza",
    "Ayesha Khan",
    "ayesha.khan@example.pk",
    "m.ali_1990@mail.example.com",
    "35202-1234567-1",
    "+92 300 1234567",
    "0300-1234567",
    "2026-11-27",
    "27/11/2026",
    "1500.00",
    "54000",
    "House 12, Street 4, G-9/2, Islamabad",
    "Flat 3-B, Gulberg III, Lahore",
    "passport renewal lahore",
    "domicile certificate",
    "What documents do I need for a domicile?",
    "How long does an NTN take?",
    "status of my application",
    "Please call me after 5 pm.",
    "I paid the fee twice, please refund.",
    "شناختی کارڈ کی تجدید",
    "میرا درخواست نمبر کیا ہے؟",
    "shanakhti card ki tajdeed",
    "Karachi",
    "Rawalpindi Cantt",
    "en",
    "ur-PK",
    "1",
    "on",
    "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0",
];

/// All checks on the whole of [`TYPICAL`] (divide by 32 for the mean), then on each value.
fn typical_values(c: &mut Criterion) {
    let mut g = c.benchmark_group("all checks on typical values");
    g.warm_up_time(std::time::Duration::from_millis(500));
    g.measurement_time(std::time::Duration::from_secs(1));
    for (i, v) in TYPICAL.iter().enumerate() {
        g.bench_with_input(BenchmarkId::new("value", i), v, |b, v| {
            b.iter(|| {
                let mut n = 0u32;
                qila::screen::scan_value("q", black_box(v), |_, _| n += 1);
                black_box(n)
            })
        });
    }
    g.bench_function("32 values", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for v in TYPICAL {
                qila::screen::scan_value("q", black_box(v), |_, _| n += 1);
            }
            black_box(n)
        })
    });
    g.finish();
}

/// Each check alone on the header values every browser sends, and on the benign short values.
fn per_check(c: &mut Criterion) {
    let mut g = c.benchmark_group("per check");
    let inputs = [
        ("email", SHORT[1].1),
        ("cnic", SHORT[2].1),
        ("question", SHORT[3].1),
        ("name with apostrophe", SHORT[4].1),
        (
            "user-agent",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        ),
        (
            "referer",
            "https://portal.gov.example/services/search?q=passport+renewal&page=2",
        ),
    ];
    for (name, v) in inputs {
        g.bench_function(format!("sqli/{name}"), |b| {
            b.iter(|| black_box(qila::screen::sqli::scan(black_box(v))))
        });
        g.bench_function(format!("xss/{name}"), |b| {
            b.iter(|| black_box(qila::screen::xss::scan(black_box(v))))
        });
        g.bench_function(format!("cmdi/{name}"), |b| {
            b.iter(|| black_box(qila::screen::cmdi::scan(black_box(v))))
        });
        g.bench_function(format!("php/{name}"), |b| {
            b.iter(|| black_box(qila::screen::php::scan(black_box(v))))
        });
        g.bench_function(format!("traversal/{name}"), |b| {
            b.iter(|| black_box(qila::screen::traversal::scan(black_box(v))))
        });
        g.bench_function(format!("scanner/{name}"), |b| {
            b.iter(|| black_box(qila::screen::probe::scan_user_agent(black_box(v))))
        });
    }
    g.finish();
}

fn sqli_vs_libinjection(c: &mut Criterion) {
    let mut g = c.benchmark_group("sqli vs libinjection");
    for (name, value) in SHORT {
        g.bench_with_input(BenchmarkId::new("qila", name), value, |b, v| {
            b.iter(|| black_box(qila::screen::sqli::scan(black_box(v)).is_some()))
        });
        g.bench_with_input(BenchmarkId::new("libinjection", name), value, |b, v| {
            b.iter(|| {
                black_box(libinjectionrs::detect_sqli(black_box(v.as_bytes())).is_injection())
            })
        });
    }
    g.finish();
}

fn requests(c: &mut Criterion) {
    let open = Policy::from_toml("mode = \"open\"\n[screening]\nmax_body_bytes = 4194304").unwrap();
    let now = Timestamp::now();
    let mut g = c.benchmark_group("screen request");

    let mut form = String::from(
        "csrfmiddlewaretoken=Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0&name=Muhammad+Ali&email=ali%40example.pk",
    );
    let mut i = 0;
    while form.len() < 1024 {
        form.push_str(&format!(
            "&field{i}=Please+tell+me+the+status+of+application+{i}"
        ));
        i += 1;
    }
    form.truncate(1024);
    let form_headers = [("Content-Type", "application/x-www-form-urlencoded")];
    let post = |g: &mut BenchmarkGroup<'_, WallTime>,
                name: &str,
                path: &str,
                headers: &[(&str, &str)],
                body: &[u8]| {
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(name, |b| {
            let req = Request::new("POST", path).headers(headers).body(body);
            b.iter(|| black_box(open.evaluate_at(black_box(&req), now).action()))
        });
    };
    post(
        &mut g,
        "1 KB urlencoded form",
        "/contact",
        &form_headers,
        form.as_bytes(),
    );

    let sentence = "The citizen facilitation centre is open from nine to five on working days, and applications for renewal can be submitted online or in person. ";
    let text = sentence.repeat((1 << 20) / sentence.len() + 1);
    let text = &text[..1 << 20];
    let text_headers = [("Content-Type", "text/plain; charset=utf-8")];
    g.sample_size(20);
    post(
        &mut g,
        "1 MB benign text body",
        "/feedback",
        &text_headers,
        text.as_bytes(),
    );

    // The same size of varied text: punctuation, digits, quotes, brackets, URLs and Urdu.
    let sentences = [
        "Applications (form B-2) must reach the office by 5 p.m. on 30/11/2026; the fee is Rs. 1,500. ",
        "\"Please don't send originals,\" the notice says: copies attested by a gazetted officer will do. ",
        "See https://portal.gov.example/services/domicile?lang=ur for the list of documents. ",
        "شناختی کارڈ کی تجدید کے لیے درخواست فارم پُر کریں اور فیس جمع کرائیں۔ ",
        "Q: Can my wife's CNIC (35202-1234567-1) be used? A: Yes, with the nikah nama. ",
        "Offices in Lahore, Karachi & Quetta are open 9-5, Monday to Friday [except public holidays]. ",
        "Email grievances@portal.gov.example or call 051-9201234 (ext. 12) — we reply within 7 days. ",
    ];
    let mut mixed = String::new();
    while mixed.len() < 1 << 20 {
        for s in sentences {
            mixed.push_str(s);
        }
    }
    let mut cut = 1 << 20;
    while !mixed.is_char_boundary(cut) {
        cut -= 1;
    }
    mixed.truncate(cut);
    post(
        &mut g,
        "1 MB varied text body",
        "/feedback",
        &text_headers,
        mixed.as_bytes(),
    );
    g.finish();
}

fn adversarial(c: &mut Criterion) {
    let mut g = c.benchmark_group("adversarial values");
    g.sample_size(10);
    for (name, unit) in [
        ("quotes", "'"),
        ("angle brackets", "<"),
        ("percent", "%"),
        ("comments", "/*"),
        ("parens", "("),
    ] {
        for size in [64 * 1024, 1 << 20] {
            let value = unit.repeat(size / unit.len());
            g.throughput(Throughput::Bytes(value.len() as u64));
            g.bench_with_input(BenchmarkId::new(name, size), &value, |b, v| {
                b.iter(|| {
                    let mut n = 0u32;
                    qila::screen::scan_value("q", black_box(v), |_, _| n += 1);
                    black_box(n)
                })
            });
        }
    }
    g.finish();
}

/// The upload check on the first 64 KB of a file, as the pipeline passes them: compressed
/// bytes (a photo), and a text document.
fn uploads(c: &mut Criterion) {
    let mut g = c.benchmark_group("upload check, 64 KB head");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut photo = vec![0u8; 64 << 10];
    for b in photo.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 32) as u8;
    }
    photo[..4].copy_from_slice(b"\xff\xd8\xff\xe0");
    let sentence = "The applicant's documents were received on 27 November and forwarded to the district office for verification. ";
    let text = sentence.repeat((64 << 10) / sentence.len() + 1);
    let text = &text.as_bytes()[..64 << 10];
    g.throughput(Throughput::Bytes(64 << 10));
    for (name, file, head) in [
        ("photo", "cnic-front.jpg", &photo[..]),
        ("text", "statement.txt", text),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(qila::screen::webshell::scan_upload(
                    file.as_bytes(),
                    Some(b"application/octet-stream"),
                    black_box(head),
                ))
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    short_values,
    typical_values,
    per_check,
    sqli_vs_libinjection,
    requests,
    uploads,
    adversarial
);
criterion_main!(benches);
