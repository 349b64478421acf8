//! Percent-decoding, path normalisation and content codings: total, normalisation is
//! idempotent, and no coding inflates past its limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = qila::decode::percent_decode(data, true);
    let text = String::from_utf8_lossy(data);
    let once = qila::path::normalize(&text);
    let again = qila::path::normalize(once.as_str());
    assert_eq!(once.as_str(), again.as_str());
    let _ = qila::decode::form_pairs(&text).count();
    for coding in [&b"gzip"[..], b"deflate"] {
        if let Ok(Some(d)) = qila::coding::decode(coding, data, 4096) {
            assert!(d.bytes.len() <= 4096);
        }
    }
});
