//! Percent-decoding and path normalisation: total, and normalisation is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = qila::decode::percent_decode(data, true);
    let text = String::from_utf8_lossy(data);
    let once = qila::path::normalize(&text);
    let again = qila::path::normalize(once.as_str());
    assert_eq!(once.as_str(), again.as_str());
    let _ = qila::decode::form_pairs(&text).count();
});
