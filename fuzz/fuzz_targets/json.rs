//! JSON bodies: the reading of UTF-16 and UTF-32, the string walk and the GraphQL reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = qila::screen::json::walk(data, 64, |_, _| {});
    let utf8 = qila::screen::json::as_utf8(data);
    let _ = qila::screen::json::walk(&utf8, 64, |_, _| {});
    let _ = qila::graphql::classify_json(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = qila::graphql::classify_document(text);
    }
});
