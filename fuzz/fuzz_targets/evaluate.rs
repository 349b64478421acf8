//! A whole request, split from the fuzzer's bytes: method, target, two headers, body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// The built-in lockdown, and an open policy that trusts every proxy (so the forwarding headers
/// are read), built once.
fn policies() -> &'static [qila::Policy; 2] {
    static P: OnceLock<[qila::Policy; 2]> = OnceLock::new();
    P.get_or_init(|| {
        let open = qila::Policy::from_toml("mode = \"open\"\n[proxy]\ntrusted_proxies = [\"any\"]").unwrap();
        [qila::Policy::default(), open]
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(5, '\n');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let content_type = parts.next().unwrap_or("");
    let xff = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("");
    let headers = [("Content-Type", content_type), ("X-Forwarded-For", xff), ("Cookie", body)];
    for p in policies() {
        let req = qila::Request::new(method, target).headers(&headers).body(body.as_bytes());
        let v = p.evaluate(&req);
        let _ = (v.status(), v.body(), v.headers().count(), v.audit().to_json());
    }
});
