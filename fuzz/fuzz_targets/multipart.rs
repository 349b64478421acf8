//! Multipart bodies with a fixed boundary.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for part in qila::multipart::parts(data, b"b0undary").take(10_000) {
        let _ = part.map(|p| (p.is_file(), p.body.len()));
    }
    let _ = qila::multipart::boundary(data);
});
