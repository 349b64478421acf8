//! A borrowing reader for `multipart/form-data` bodies (RFC 7578): part names, file names and
//! contents as slices of the body, nothing copied.

use std::borrow::Cow;

/// One part of a multipart body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part<'a> {
    /// The `name` of the form field, from `Content-Disposition`.
    pub name: Option<&'a [u8]>,
    /// The `filename`, present when the part is an uploaded file (it may be empty).
    pub filename: Option<&'a [u8]>,
    /// The part's own `Content-Type`.
    pub content_type: Option<&'a [u8]>,
    /// The part's content.
    pub body: &'a [u8],
    /// The whole `Content-Disposition` value, with any folded continuation lines.
    pub disposition: Option<&'a [u8]>,
}

impl<'a> Part<'a> {
    /// Whether the part is a file upload (it has a `filename` parameter).
    pub fn is_file(&self) -> bool {
        self.filename.is_some()
    }

    /// Every file name the part gives, as the readers of different servers take it: each
    /// `filename` parameter (PHP keeps the last one, most readers the first), each `filename*`
    /// (RFC 2231: `UTF-8''shell%2Ephp`, which Python's readers prefer) percent-decoded, and the
    /// pieces `filename*0`, `filename*1`... joined. Empty for a part without a file name.
    pub fn file_names(&self) -> Vec<Cow<'a, [u8]>> {
        self.readings(b"filename")
    }

    /// Every field name the part gives, read as [`Part::file_names`] reads file names: a field
    /// named twice (`name="content"; name="title"`) is both.
    pub fn names(&self) -> Vec<Cow<'a, [u8]>> {
        self.readings(b"name")
    }

    /// The distinct values of `wanted`, `wanted*` and the pieces `wanted*0`, `wanted*1`...
    fn readings(&self, wanted: &[u8]) -> Vec<Cow<'a, [u8]>> {
        let Some(disposition) = self.disposition else {
            return Vec::new();
        };
        let mut names: Vec<Cow<'a, [u8]>> = Vec::new();
        let mut pieces: Vec<(u32, Cow<'a, [u8]>)> = Vec::new();
        for (param, value) in params(disposition) {
            let Some(rest) = strip_prefix_ci(param, wanted) else {
                continue;
            };
            match rest {
                b"" => names.push(Cow::Borrowed(value)),
                b"*" => names.push(extended_value(value, true)),
                [b'*', more @ ..] if pieces.len() < 64 => {
                    // `filename*0`, `filename*1*`: a piece, percent-encoded when marked `*`.
                    let digits = more.iter().take_while(|c| c.is_ascii_digit()).count();
                    let encoded = &more[digits..] == b"*";
                    if digits == 0 || digits > 4 || !(encoded || digits == more.len()) {
                        continue;
                    }
                    let n = more[..digits]
                        .iter()
                        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
                    let piece = if encoded {
                        extended_value(value, n == 0)
                    } else {
                        Cow::Borrowed(value)
                    };
                    pieces.push((n, piece));
                }
                _ => {}
            }
        }
        if !pieces.is_empty() {
            pieces.sort_by_key(|(n, _)| *n);
            names.push(Cow::Owned(
                pieces
                    .into_iter()
                    .flat_map(|(_, p)| p.into_owned())
                    .collect(),
            ));
        }
        let mut at = 0;
        while at < names.len() {
            if names[..at].contains(&names[at]) {
                names.remove(at);
            } else {
                at += 1;
            }
        }
        names
    }
}

/// An RFC 2231 value: `charset'language'text` (the prefix only on a whole value or a first
/// piece), percent-decoded.
fn extended_value(value: &[u8], with_charset: bool) -> Cow<'_, [u8]> {
    let mut text = value;
    if with_charset {
        let mut quotes = memchr::memchr_iter(b'\'', value);
        if let (Some(_), Some(second)) = (quotes.next(), quotes.next()) {
            text = &value[second + 1..];
        }
    }
    crate::decode::percent_decode(text, false)
}

fn strip_prefix_ci<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// Why a multipart body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultipartError {
    /// `Content-Type` has no usable `boundary` parameter.
    NoBoundary,
    /// The body does not start with the boundary.
    NoFirstBoundary,
    /// A part's headers never end.
    UnterminatedHeaders,
}

/// The `boundary` parameter of a `multipart/*` content type.
pub fn boundary(content_type: &[u8]) -> Option<&[u8]> {
    let mut rest = content_type;
    while let Some(semi) = memchr::memchr(b';', rest) {
        rest = &rest[semi + 1..];
        let param = trim(rest.split(|&b| b == b';').next().unwrap_or(b""));
        if param.len() > 9 && param[..9].eq_ignore_ascii_case(b"boundary=") {
            let v = &param[9..];
            let v = if v.len() >= 2 && v[0] == b'"' && v[v.len() - 1] == b'"' {
                &v[1..v.len() - 1]
            } else {
                v
            };
            // RFC 2046: 1 to 70 characters.
            return (!v.is_empty() && v.len() <= 200).then_some(v);
        }
    }
    None
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Iterates over the parts of a body. Yields `Err` once and stops when the body is not
/// multipart as announced. A body cut short (a prefix) yields the parts that are complete and
/// then the last, partial one.
#[derive(Debug)]
pub struct Parts<'a> {
    body: &'a [u8],
    delim: memchr::memmem::Finder<'a>,
    boundary_len: usize,
    pos: usize,
    state: State,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Start,
    InParts,
    Done,
}

/// Reads the parts of `body` with `boundary`.
pub fn parts<'a>(body: &'a [u8], boundary: &'a [u8]) -> Parts<'a> {
    Parts {
        body,
        delim: memchr::memmem::Finder::new(boundary),
        boundary_len: boundary.len(),
        pos: 0,
        state: State::Start,
    }
}

impl<'a> Parts<'a> {
    /// Finds `--boundary` at or after `from` that starts a line; returns its start.
    fn find_delim(&self, from: usize) -> Option<usize> {
        let mut at = from;
        loop {
            let i = at + self.delim.find(&self.body[at..])?;
            if i >= 2 && &self.body[i - 2..i] == b"--" && (i == 2 || self.body[i - 3] == b'\n') {
                return Some(i - 2);
            }
            at = i + 1;
        }
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = Result<Part<'a>, MultipartError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.state == State::Done {
            return None;
        }
        if self.state == State::Start {
            // A preamble before the first boundary is allowed.
            let Some(first) = self.find_delim(0) else {
                self.state = State::Done;
                return Some(Err(MultipartError::NoFirstBoundary));
            };
            self.pos = first;
            self.state = State::InParts;
        }
        // self.pos is at `--boundary`.
        let after = self.pos + 2 + self.boundary_len;
        let b = self.body;
        if b.get(after..after + 2) == Some(b"--") || after >= b.len() {
            self.state = State::Done;
            return None;
        }
        // Skip transport padding and the line break after the delimiter.
        let mut start = after;
        while start < b.len() && (b[start] == b' ' || b[start] == b'\t') {
            start += 1;
        }
        if b.get(start) == Some(&b'\r') {
            start += 1;
        }
        if b.get(start) == Some(&b'\n') {
            start += 1;
        }
        // Headers end at the first empty line.
        let rest = &b[start..];
        let (header_end, body_start) = match memchr::memmem::find(rest, b"\r\n\r\n") {
            Some(i) => (start + i, start + i + 4),
            None => match memchr::memmem::find(rest, b"\n\n") {
                Some(i) => (start + i, start + i + 2),
                None => {
                    self.state = State::Done;
                    return Some(Err(MultipartError::UnterminatedHeaders));
                }
            },
        };
        let mut part = Part {
            name: None,
            filename: None,
            content_type: None,
            body: &[],
            disposition: None,
        };
        // The range of the `Content-Disposition` value, grown by folded lines (a line that
        // starts with a space or a tab continues the header before it, as PHP reads it).
        let mut disposition: Option<(usize, usize)> = None;
        let mut continues_disposition = false;
        let mut at = start;
        while at < header_end {
            let eol = memchr::memchr(b'\n', &b[at..header_end]).map_or(header_end, |i| at + i);
            let line_end = if eol > at && b[eol - 1] == b'\r' {
                eol - 1
            } else {
                eol
            };
            let line = &b[at..line_end];
            if matches!(line.first(), Some(b' ' | b'\t')) {
                if let (true, Some((from, _))) = (continues_disposition, disposition) {
                    disposition = Some((from, line_end));
                }
            } else if let Some(colon) = memchr::memchr(b':', line) {
                let hname = trim(&line[..colon]);
                continues_disposition = hname.eq_ignore_ascii_case(b"content-disposition");
                if continues_disposition {
                    disposition = Some((at + colon + 1, line_end));
                } else if hname.eq_ignore_ascii_case(b"content-type") {
                    part.content_type = Some(trim(&line[colon + 1..]));
                }
            } else {
                continues_disposition = false;
            }
            at = eol + 1;
        }
        if let Some((from, to)) = disposition {
            let value = b[from..to].trim_ascii();
            part.disposition = Some(value);
            part.name = disposition_param(value, b"name");
            // Any `filename` parameter makes the part a file: `filename*`, `filename*0`.
            part.filename = disposition_param(value, b"filename").or_else(|| {
                params(value)
                    .find_map(|(p, v)| strip_prefix_ci(p, b"filename").is_some().then_some(v))
            });
        }
        let end = match self.find_delim(body_start) {
            Some(next) => {
                self.pos = next;
                next
            }
            None => {
                self.state = State::Done;
                b.len()
            }
        };
        let mut content = &b[body_start..end.max(body_start)];
        content = content.strip_suffix(b"\n").unwrap_or(content);
        content = content.strip_suffix(b"\r").unwrap_or(content);
        part.body = content;
        Some(Ok(part))
    }
}

/// The value of `param` in a `Content-Disposition` value (`form-data; name="a"; filename="b"`):
/// the first one.
fn disposition_param<'a>(value: &'a [u8], param: &[u8]) -> Option<&'a [u8]> {
    params(value).find_map(|(p, v)| p.eq_ignore_ascii_case(param).then_some(v))
}

/// The `name=value` parameters of a header value, split on `;` outside quotes; a value's
/// quotes are taken off (a backslash inside them is kept).
fn params(value: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < value.len() {
            let seg_start = i;
            let mut in_quotes = false;
            while i < value.len() {
                match value[i] {
                    b'"' => in_quotes = !in_quotes,
                    b'\\' if in_quotes => i += 1,
                    b';' if !in_quotes => break,
                    _ => {}
                }
                i += 1;
            }
            let seg = value[seg_start..i.min(value.len())].trim_ascii();
            i += 1;
            if let Some(eq) = memchr::memchr(b'=', seg) {
                let v = seg[eq + 1..].trim_ascii();
                let v = if v.len() >= 2 && v[0] == b'"' && v[v.len() - 1] == b'"' {
                    &v[1..v.len() - 1]
                } else {
                    v
                };
                return Some((seg[..eq].trim_ascii(), v));
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello; world\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b.php\"\r\nContent-Type: image/png\r\n\r\n\x89PNG<?php\r\n\
--XyZ--\r\n";

    #[test]
    fn reads_parts() {
        assert_eq!(
            boundary(b"multipart/form-data; boundary=XyZ"),
            Some(&b"XyZ"[..])
        );
        assert_eq!(
            boundary(b"multipart/form-data; charset=utf-8; boundary=\"a b\""),
            Some(&b"a b"[..])
        );
        assert_eq!(boundary(b"multipart/form-data"), None);
        let parts: Vec<_> = parts(BODY, b"XyZ").collect::<Result<_, _>>().unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, Some(&b"title"[..]));
        assert_eq!(parts[0].body, b"Hello; world");
        assert!(!parts[0].is_file());
        assert_eq!(parts[1].filename, Some(&b"a;b.php"[..]));
        assert_eq!(parts[1].content_type, Some(&b"image/png"[..]));
        assert_eq!(parts[1].body, b"\x89PNG<?php");
    }

    #[test]
    fn broken_bodies() {
        let mut p = parts(b"no boundary here", b"XyZ");
        assert_eq!(p.next(), Some(Err(MultipartError::NoFirstBoundary)));
        assert_eq!(p.next(), None);
        let mut p = parts(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"",
            b"XyZ",
        );
        assert_eq!(p.next(), Some(Err(MultipartError::UnterminatedHeaders)));
        // A body cut short still yields its last part.
        let cut = &BODY[..BODY.len() - 12];
        let n = parts(cut, b"XyZ").filter(|p| p.is_ok()).count();
        assert_eq!(n, 2);
        // The boundary text inside content that does not start a line is not a delimiter.
        let body = b"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nab--Bcd\r\n--B--";
        let v: Vec<_> = parts(body, b"B").collect();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].unwrap().body, b"ab--Bcd");
    }

    fn names_of(disposition: &str) -> Vec<String> {
        let body = format!("--B\r\nContent-Disposition: {disposition}\r\n\r\nx\r\n--B--");
        let part = parts(body.as_bytes(), b"B").next().unwrap().unwrap();
        assert!(part.is_file(), "{disposition}");
        part.file_names()
            .iter()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect()
    }

    #[test]
    fn every_reading_of_a_file_name() {
        assert_eq!(
            names_of(r#"form-data; name="f"; filename="a.jpg""#),
            ["a.jpg"]
        );
        // PHP keeps the last `filename`, most readers the first.
        assert_eq!(
            names_of(r#"form-data; name="f"; filename="a.jpg"; filename="b.php""#),
            ["a.jpg", "b.php"]
        );
        // RFC 2231, which Python's readers prefer to `filename`.
        assert_eq!(
            names_of(r#"form-data; name="f"; filename="a.jpg"; filename*=UTF-8''b%2Ephp"#),
            ["a.jpg", "b.php"]
        );
        assert_eq!(
            names_of("form-data; filename*=UTF-8'ur'%D8%AA.png"),
            ["\u{62a}.png"]
        );
        // Pieces, in their numbers' order, percent-decoded where marked.
        assert_eq!(
            names_of(r#"form-data; filename*1*=%2Ephp; filename*0*=UTF-8''she; filename*2="""#),
            ["she.php"]
        );
        assert_eq!(
            names_of(r#"form-data; filename*0="she"; filename*1="ll.php""#),
            ["shell.php"]
        );
        // A header folded over two lines is one header.
        assert_eq!(
            names_of("form-data; name=\"f\";\r\n filename=\"c.php\""),
            ["c.php"]
        );
        assert_eq!(
            names_of("form-data;\r\n\tname=\"f\";\r\n\tfilename=\"d.php\""),
            ["d.php"]
        );
        // Field names are read the same way; a name given twice counts once.
        let body = "--B\r\nContent-Disposition: form-data; name=\"a\"; name*=UTF-8''b; name=\"a\"\r\n\r\nx\r\n--B--";
        let part = parts(body.as_bytes(), b"B").next().unwrap().unwrap();
        assert_eq!(part.name, Some(&b"a"[..]));
        assert_eq!(part.names(), [&b"a"[..], b"b"]);
    }
}
