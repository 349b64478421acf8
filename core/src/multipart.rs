//! A borrowing reader for `multipart/form-data` bodies (RFC 7578): part names, file names and
//! contents as slices of the body, nothing copied.

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
}

impl Part<'_> {
    /// Whether the part is a file upload (it has a `filename` parameter).
    pub fn is_file(&self) -> bool {
        self.filename.is_some()
    }
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
        };
        for line in b[start..header_end].split(|&c| c == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(colon) = memchr::memchr(b':', line) else {
                continue;
            };
            let (hname, value) = (trim(&line[..colon]), trim(&line[colon + 1..]));
            if hname.eq_ignore_ascii_case(b"content-disposition") {
                part.name = disposition_param(value, b"name");
                part.filename = disposition_param(value, b"filename")
                    .or_else(|| disposition_param(value, b"filename*"));
            } else if hname.eq_ignore_ascii_case(b"content-type") {
                part.content_type = Some(value);
            }
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

/// The value of `param` in a `Content-Disposition` value (`form-data; name="a"; filename="b"`).
fn disposition_param<'a>(value: &'a [u8], param: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    // Split on `;` outside quotes.
    let mut in_quotes = false;
    let mut seg_start = 0;
    while i <= value.len() {
        let at_end = i == value.len();
        let c = if at_end { b';' } else { value[i] };
        if c == b'"' && !at_end {
            in_quotes = !in_quotes;
        } else if c == b'\\' && in_quotes {
            i += 1;
        } else if c == b';' && !in_quotes {
            let seg = trim(&value[seg_start..i.min(value.len())]);
            if let Some(eq) = memchr::memchr(b'=', seg) {
                if trim(&seg[..eq]).eq_ignore_ascii_case(param) {
                    let v = trim(&seg[eq + 1..]);
                    let v = if v.len() >= 2 && v[0] == b'"' && v[v.len() - 1] == b'"' {
                        &v[1..v.len() - 1]
                    } else {
                        v
                    };
                    return Some(v);
                }
            }
            seg_start = i + 1;
        }
        i += 1;
    }
    None
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
}
