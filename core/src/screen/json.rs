//! A borrowing walk over the strings of a JSON document: every key and every string value at
//! any depth, decoded only when it holds escapes. No tree is built.

use std::borrow::Cow;

/// Why a JSON body could not be walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// Nested deeper than the limit.
    TooDeep,
    /// Not JSON (unbalanced brackets, an unterminated string, a bad escape).
    Invalid,
}

/// One string found in the document.
#[derive(Debug)]
pub struct JsonString<'a> {
    /// The decoded text.
    pub text: Cow<'a, str>,
    /// Whether it is an object key.
    pub is_key: bool,
}

/// The document as UTF-8. JSON in UTF-16 or UTF-32, which Python's `json.loads` and Node's
/// body parsers accept, is transcoded: the encoding is told by a byte-order mark, or else by
/// where the NUL bytes of the first character fall (RFC 4627, section 3), as those readers tell
/// it. A UTF-8 byte-order mark is dropped. Anything else is returned as it is.
pub fn as_utf8(body: &[u8]) -> Cow<'_, [u8]> {
    let (width, big, bom) = match body {
        [0xef, 0xbb, 0xbf, rest @ ..] => return Cow::Borrowed(rest),
        [0xff, 0xfe, 0, 0, ..] => (4, false, 4),
        [0, 0, 0xfe, 0xff, ..] => (4, true, 4),
        [0xff, 0xfe, ..] => (2, false, 2),
        [0xfe, 0xff, ..] => (2, true, 2),
        [0, 0, _, _, ..] => (4, true, 0),
        [0, _, ..] => (2, true, 0),
        [_, 0, 0, 0, ..] => (4, false, 0),
        [_, 0, ..] => (2, false, 0),
        _ => return Cow::Borrowed(body),
    };
    let units = body[bom..].chunks_exact(width).map(|u| match (width, big) {
        (2, true) => u32::from(u16::from_be_bytes([u[0], u[1]])),
        (2, false) => u32::from(u16::from_le_bytes([u[0], u[1]])),
        (_, true) => u32::from_be_bytes([u[0], u[1], u[2], u[3]]),
        (_, false) => u32::from_le_bytes([u[0], u[1], u[2], u[3]]),
    });
    let text: String = if width == 2 {
        // Every unit came from a `u16`.
        char::decode_utf16(units.map(|u| u as u16))
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    } else {
        units
            .map(|u| char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    Cow::Owned(text.into_bytes())
}

/// Calls `f(key_of_value, string)` for every string of `body`, where `key_of_value` is the
/// nearest enclosing object key (for a key itself, the key's own text). Stops at the first
/// error, after reporting the strings before it.
pub fn walk<'a>(
    body: &'a [u8],
    max_depth: usize,
    mut f: impl FnMut(&str, JsonString<'a>),
) -> Result<(), JsonError> {
    let mut depth = 0usize;
    let mut last_key: Cow<'a, str> = Cow::Borrowed("");
    let mut i = 0;
    let mut seen_value = false;
    while i < body.len() {
        match body[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' => i += 1,
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(JsonError::TooDeep);
                }
                seen_value = true;
                i += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return Err(JsonError::Invalid);
                }
                depth -= 1;
                i += 1;
            }
            b'"' => {
                let (text, next) = string(body, i + 1)?;
                let mut j = next;
                while j < body.len() && matches!(body[j], b' ' | b'\t' | b'\n' | b'\r') {
                    j += 1;
                }
                let is_key = body.get(j) == Some(&b':');
                if is_key {
                    last_key = text.clone();
                    f(&last_key, JsonString { text, is_key: true });
                } else {
                    f(
                        &last_key,
                        JsonString {
                            text,
                            is_key: false,
                        },
                    );
                }
                seen_value = true;
                i = next;
            }
            b't' | b'f' | b'n' | b'-' | b'0'..=b'9' => {
                while i < body.len()
                    && !matches!(
                        body[i],
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b':'
                    )
                {
                    i += 1;
                }
                seen_value = true;
            }
            0xEF if i == 0 && body.starts_with(b"\xEF\xBB\xBF") => i += 3,
            _ => return Err(JsonError::Invalid),
        }
    }
    if depth != 0 || !seen_value {
        return Err(JsonError::Invalid);
    }
    Ok(())
}

/// Reads a string starting after its opening quote; returns it and the index after the closing
/// quote.
fn string(body: &[u8], start: usize) -> Result<(Cow<'_, str>, usize), JsonError> {
    let mut i = start;
    let mut has_escape = false;
    loop {
        match memchr::memchr2(b'"', b'\\', &body[i..]) {
            None => return Err(JsonError::Invalid),
            Some(off) => {
                i += off;
                if body[i] == b'\\' {
                    has_escape = true;
                    i += 2;
                    if i > body.len() {
                        return Err(JsonError::Invalid);
                    }
                } else {
                    break;
                }
            }
        }
    }
    let raw = &body[start..i];
    let text = if has_escape {
        Cow::Owned(unescape(raw)?)
    } else {
        match std::str::from_utf8(raw) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(String::from_utf8_lossy(raw).into_owned()),
        }
    };
    Ok((text, i + 1))
}

fn hex4(b: &[u8]) -> Option<u32> {
    if b.len() < 4 {
        return None;
    }
    b[..4].iter().try_fold(0u32, |acc, &c| {
        Some(acc * 16 + u32::from(crate::decode::hex_value(c)?))
    })
}

fn unescape(raw: &[u8]) -> Result<String, JsonError> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let c = *raw.get(i + 1).ok_or(JsonError::Invalid)?;
        i += 2;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(&raw[i..]).ok_or(JsonError::Invalid)?;
                i += 4;
                if (0xD800..0xDC00).contains(&hi) && raw.get(i..i + 2) == Some(b"\\u") {
                    let lo = hex4(&raw[i + 2..]).ok_or(JsonError::Invalid)?;
                    if (0xDC00..0xE000).contains(&lo) {
                        i += 6;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            .unwrap_or('\u{FFFD}')
                    } else {
                        '\u{FFFD}'
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => return Err(JsonError::Invalid),
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(body: &str) -> Result<Vec<(String, String, bool)>, JsonError> {
        let mut v = Vec::new();
        walk(body.as_bytes(), 32, |k, s| {
            v.push((k.to_owned(), s.text.into_owned(), s.is_key))
        })?;
        Ok(v)
    }

    #[test]
    fn utf16_and_utf32_documents_are_read_as_utf8() {
        let doc = "{\"q\": \"x' union select \u{1F600} \u{0627}\"}";
        let mut forms: Vec<Vec<u8>> = Vec::new();
        let be16: Vec<u8> = doc.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let le16: Vec<u8> = doc.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be32: Vec<u8> = doc
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect();
        let le32: Vec<u8> = doc
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect();
        for (bom, body) in [
            (&[0xfe, 0xff][..], &be16),
            (&[0xff, 0xfe][..], &le16),
            (&[0, 0, 0xfe, 0xff][..], &be32),
            (&[0xff, 0xfe, 0, 0][..], &le32),
        ] {
            forms.push(body.clone());
            forms.push([bom, body].concat());
        }
        forms.push([&[0xef, 0xbb, 0xbf][..], doc.as_bytes()].concat());
        for body in &forms {
            assert_eq!(as_utf8(body).as_ref(), doc.as_bytes(), "{body:02x?}");
        }
        // UTF-8 without a mark, and bytes that are no JSON, are left alone.
        assert!(matches!(as_utf8(doc.as_bytes()), Cow::Borrowed(_)));
        assert!(matches!(as_utf8(b"\x89PNG\r\n"), Cow::Borrowed(_)));
        // A lone surrogate becomes a replacement character, not an error.
        assert_eq!(
            as_utf8(&[b'"', 0, 0x00, 0xd8, b'"', 0]).as_ref(),
            "\"\u{FFFD}\"".as_bytes()
        );
    }

    #[test]
    fn strings_and_keys() {
        let v =
            all(r#"{"q": "a\u0027b", "n": 1, "list": ["x", {"deep": "\ud83d\ude00"}], "t": true}"#)
                .unwrap();
        assert!(v.contains(&("q".into(), "a'b".into(), false)));
        assert!(v.contains(&("list".into(), "x".into(), false)));
        assert!(v.contains(&("deep".into(), "😀".into(), false)));
        assert!(v.contains(&("deep".into(), "deep".into(), true)));
    }

    #[test]
    fn errors() {
        assert_eq!(all("{\"a\": \"b"), Err(JsonError::Invalid));
        assert_eq!(all("]"), Err(JsonError::Invalid));
        assert_eq!(all("{\"a\": \"\\x\"}"), Err(JsonError::Invalid));
        assert_eq!(all(""), Err(JsonError::Invalid));
        let deep = "[".repeat(100_000);
        assert_eq!(
            walk(deep.as_bytes(), 32, |_, _| {}),
            Err(JsonError::TooDeep)
        );
        assert_eq!(all("<html>"), Err(JsonError::Invalid));
        assert!(all("\"just a string\"").is_ok());
    }
}
