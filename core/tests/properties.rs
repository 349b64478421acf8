//! Property tests over the decoders, the body parsers and the whole pipeline: arbitrary input
//! never panics, and what the code promises holds for every input proptest can think of.

use std::borrow::Cow;

use proptest::prelude::*;
use qila::{Action, Policy, Request};

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..512)
}

/// Text made of the characters that matter to the parsers, so cases are not all noise.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "/", "\\", ".", "..", "%", "%2f", "%2e", "%25", "%00", "%c0%af", "%u002e", ";", "=",
            "&", "+", "?", "a", "A", "é", "ص", "\u{0}", "\"", "'", "{", "}", "[", "]", ":", ",",
            "\r\n", "--", "admin", "mutation", "query", "_method", "%5F", " ",
        ]),
        0..48,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn percent_decode_is_total_and_shrinks(input in bytes(), plus in any::<bool>()) {
        let out = qila::decode::percent_decode(&input, plus);
        prop_assert!(out.len() <= input.len());
        let needs = input.contains(&b'%') || (plus && input.contains(&b'+'));
        if !needs {
            prop_assert!(matches!(out, Cow::Borrowed(_)));
        }
    }

    #[test]
    fn normalised_paths_are_canonical(raw in tricky_text()) {
        let once = qila::path::normalize(&raw);
        let p = once.as_str().to_owned();
        prop_assert!(p.starts_with('/'));
        prop_assert!(!p.contains('\\') && !p.contains('\0') && !p.contains("//"));
        prop_assert!(!p.split('/').any(|s| s == "." || s == ".."));
        let twice = qila::path::normalize(&p);
        prop_assert_eq!(twice.as_str(), p.as_str());
        prop_assert!(twice.flags().is_empty());
    }

    #[test]
    fn multipart_parts_are_slices_of_the_body(body in bytes(), boundary in "[a-zA-Z0-9]{1,12}") {
        for p in qila::multipart::parts(&body, boundary.as_bytes()).take(1000).flatten() {
            let range = body.as_ptr_range();
            prop_assert!(p.body.is_empty() || range.contains(&p.body.as_ptr()));
        }
    }

    #[test]
    fn json_walk_is_total(body in bytes(), depth in 0usize..40) {
        let mut n = 0usize;
        let _ = qila::screen::json::walk(&body, depth, |_, _| n += 1);
        prop_assert!(n <= body.len());
    }

    #[test]
    fn json_in_utf16_or_utf32_reads_back(text in "\\PC{0,24}", which in 0usize..4) {
        let units: Vec<u8> = match which {
            0 => [&[0xfe, 0xff][..], &text.encode_utf16().flat_map(u16::to_be_bytes).collect::<Vec<_>>()].concat(),
            1 => [&[0xff, 0xfe][..], &text.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<_>>()].concat(),
            2 => [&[0, 0, 0xfe, 0xff][..], &text.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect::<Vec<_>>()].concat(),
            _ => [&[0xff, 0xfe, 0, 0][..], &text.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect::<Vec<_>>()].concat(),
        };
        let utf8 = qila::screen::json::as_utf8(&units);
        prop_assert_eq!(utf8.as_ref(), text.as_bytes());
    }

    #[test]
    fn content_codings_are_total_and_bounded(body in bytes(), limit in 0usize..4096) {
        for coding in [&b"gzip"[..], b"deflate", b"deflate, gzip"] {
            if let Ok(Some(d)) = qila::coding::decode(coding, &body, limit) {
                prop_assert!(d.bytes.len() <= limit);
            }
        }
    }

    #[test]
    fn deflated_bodies_read_back(data in bytes(), level in 0u8..10, limit in 0usize..600) {
        let zlib = miniz_oxide::deflate::compress_to_vec_zlib(&data, level);
        let d = qila::coding::decode(b"deflate", &zlib, limit).unwrap().unwrap();
        prop_assert_eq!(&d.bytes[..], &data[..data.len().min(limit)]);
        prop_assert_eq!(d.truncated, data.len() > limit);
    }

    #[test]
    fn json_as_utf8_is_total(body in bytes()) {
        let _ = qila::screen::json::as_utf8(&body);
    }

    #[test]
    fn json_walk_sees_every_string(values in prop::collection::vec("[^\"\\\\]{0,8}", 0..8)) {
        let doc = serde_json::to_string(&serde_json::json!({ "list": values })).unwrap();
        let mut seen = Vec::new();
        qila::screen::json::walk(doc.as_bytes(), 8, |_, s| if !s.is_key { seen.push(s.text.into_owned()) }).unwrap();
        prop_assert_eq!(seen, values);
    }

    #[test]
    fn sql_classify_is_total(sql in tricky_text()) {
        let _ = qila::sql::classify(&sql);
    }

    #[test]
    fn evaluate_never_panics_and_fails_closed(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "get", "PROPFIND", "G T", ""]),
        target in tricky_text(),
        ct in prop::sample::select(vec!["application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=b", "multipart/form-data", "application/graphql", "text/plain", "", "application/\u{fc}\u{fc}+json", "\u{fffd}\u{fffd}", "application/octet-stream", "image/png"]),
        body in tricky_text(),
        xff in tricky_text(),
    ) {
        let policy = Policy::default();
        let headers = [("Content-Type", ct), ("X-Forwarded-For", xff.as_str())];
        let req = Request::new(method, &target).headers(&headers).body(body.as_bytes());
        let v = policy.evaluate(&req);
        // Whatever the input, a non-read method is never allowed in lockdown except as an
        // all-query GraphQL POST.
        if !["GET", "HEAD", "OPTIONS"].contains(&method.to_ascii_uppercase().as_str()) && v.action() == Action::Allow {
            prop_assert!(v.surfaces().contains(qila::Surfaces::GRAPHQL), "{method} {target} allowed");
        }
        // The client is never taken from a header: no proxy is trusted here.
        prop_assert_eq!(v.client().ip, req.peer_addr());
        if v.action() == Action::Block {
            prop_assert!(v.body().is_some());
        }
        let _ = v.audit().to_json();
    }
}
