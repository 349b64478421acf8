//! Byte-level decoders shared by the classifier and the path normaliser.
//!
//! Every decoder borrows its input and returns [`Cow::Borrowed`] when nothing had to change, so
//! the common case (an ordinary value with no escapes) costs no allocation.

use std::borrow::Cow;

/// The value of one ASCII hex digit, or `None`.
#[inline]
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `input` once. A `%` that is not followed by two hex digits is kept as it is
/// (browsers and most servers do the same), so malformed input still yields a value.
///
/// With `plus_as_space`, `+` becomes a space, as in `application/x-www-form-urlencoded`.
pub fn percent_decode(input: &[u8], plus_as_space: bool) -> Cow<'_, [u8]> {
    let needs = if plus_as_space {
        memchr::memchr2(b'%', b'+', input)
    } else {
        memchr::memchr(b'%', input)
    };
    let Some(first) = needs else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut i = first;
    while i < input.len() {
        let b = input[i];
        if b == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex_value(input[i + 1]), hex_value(input[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        if b == b'+' && plus_as_space {
            out.push(b' ');
        } else {
            out.push(b);
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// Percent-decodes a form or query component (`+` is a space) and returns text: invalid UTF-8
/// is replaced with U+FFFD, so the caller always gets a string to match against.
pub fn form_component(input: &str) -> Cow<'_, str> {
    let bytes = input.as_bytes();
    // One search for either byte; most components hold neither.
    let Some(first) = memchr::memchr2(b'%', b'+', bytes) else {
        return Cow::Borrowed(input);
    };
    // Without `%`, only `+` changes, an ASCII byte for another: the text stays valid UTF-8, and
    // a byte map is cheaper than a search for each `+`.
    if bytes[first] == b'+' && memchr::memchr(b'%', &bytes[first + 1..]).is_none() {
        let mapped: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        return Cow::Owned(
            String::from_utf8(mapped)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        );
    }
    match percent_decode(bytes, true) {
        Cow::Borrowed(_) => Cow::Borrowed(input),
        Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

/// Iterates over the `name=value` pairs of a query string or urlencoded body, raw (still
/// encoded). Empty pairs (`a=1&&b=2`) are skipped; a pair without `=` has an empty value.
pub fn raw_pairs(input: &str) -> impl Iterator<Item = (&str, &str)> {
    // `memchr` rather than `str::split`: the pairs of a form are short, and its search starts
    // faster.
    let bytes = input.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let end = memchr::memchr(b'&', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let pair = &input[start..end];
            start = end + 1;
            if pair.is_empty() {
                continue;
            }
            return Some(match memchr::memchr(b'=', pair.as_bytes()) {
                Some(eq) => (&pair[..eq], &pair[eq + 1..]),
                None => (pair, ""),
            });
        }
        None
    })
}

/// Iterates over the decoded `name=value` pairs of a query string or urlencoded body.
pub fn form_pairs(input: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    raw_pairs(input).map(|(n, v)| (form_component(n), form_component(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_borrows() {
        assert!(matches!(
            percent_decode(b"/plain/path", false),
            Cow::Borrowed(_)
        ));
        assert_eq!(&*percent_decode(b"/a%2Fb", false), b"/a/b");
        assert_eq!(&*percent_decode(b"a+b%20c", true), b"a b c");
        assert_eq!(&*percent_decode(b"a+b", false), b"a+b");
        // Malformed escapes are kept verbatim.
        assert_eq!(&*percent_decode(b"100%", false), b"100%");
        assert_eq!(&*percent_decode(b"%zz%4", false), b"%zz%4");
        assert_eq!(&*percent_decode(b"%41%", false), b"A%");
    }

    #[test]
    fn pairs() {
        let v: Vec<_> = form_pairs("a=1&&b=x+y&c&_method=PUT").collect();
        assert_eq!(v.len(), 4);
        assert_eq!(v[1].1, "x y");
        assert_eq!(v[2], (Cow::Borrowed("c"), Cow::Borrowed("")));
        assert_eq!(form_component("%FF"), "\u{FFFD}");
    }
}
