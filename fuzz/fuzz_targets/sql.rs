//! SQL statement classification and the value screen.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = qila::sql::classify(&text);
    qila::screen::scan_value("q", &text, |_, _| {});
});
