//! Bodies sent with a `Content-Encoding`. Express's body parsers inflate `gzip` and `deflate`
//! bodies before the application reads them, so a compressed body must be screened as the
//! application will read it. These two codings are undone here, within a size limit; any other
//! coding is reported, not guessed at.

use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZFlush, MZStatus};

/// Why a body's coding could not be undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodingError {
    /// A coding other than `gzip`, `x-gzip`, `deflate` and `identity` (`br`, `zstd`), or more
    /// than [`MAX_LAYERS`] of them.
    Unsupported,
    /// The data is not what its coding says (a bad header, a broken or cut stream).
    Corrupt,
}

/// How many codings, one applied over the other, are undone.
pub const MAX_LAYERS: usize = 3;

/// A body with its codings undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The first `limit` bytes of the decoded body.
    pub bytes: Vec<u8>,
    /// The decoded body was longer than `limit`.
    pub truncated: bool,
}

/// Undoes the codings named in a `Content-Encoding` value (`gzip`, `deflate, gzip`), last
/// applied first, keeping at most `limit` decoded bytes. `Ok(None)` when there is nothing to
/// undo (no coding, or `identity`).
pub fn decode(codings: &[u8], body: &[u8], limit: usize) -> Result<Option<Decoded>, CodingError> {
    let mut layers = [Coding::Gzip; MAX_LAYERS];
    let mut n = 0;
    for name in codings.split(|&c| c == b',') {
        let name = name.trim_ascii();
        let coding = if name.is_empty() || name.eq_ignore_ascii_case(b"identity") {
            continue;
        } else if name.eq_ignore_ascii_case(b"gzip") || name.eq_ignore_ascii_case(b"x-gzip") {
            Coding::Gzip
        } else if name.eq_ignore_ascii_case(b"deflate") {
            Coding::Deflate
        } else {
            return Err(CodingError::Unsupported);
        };
        *layers.get_mut(n).ok_or(CodingError::Unsupported)? = coding;
        n += 1;
    }
    if n == 0 {
        return Ok(None);
    }
    let mut current = Decoded {
        bytes: Vec::new(),
        truncated: false,
    };
    for (i, coding) in layers[..n].iter().rev().enumerate() {
        let input = if i == 0 { body } else { &current.bytes };
        let mut next = Decoded {
            bytes: Vec::new(),
            truncated: false,
        };
        match coding {
            Coding::Gzip => gunzip(input, &mut next, limit)?,
            Coding::Deflate => {
                // HTTP's `deflate` is the zlib format; some clients send the bare stream.
                if inflate_into(input, DataFormat::Zlib, &mut next, limit).is_err() {
                    next.bytes.clear();
                    next.truncated = false;
                    inflate_into(input, DataFormat::Raw, &mut next, limit)?;
                }
            }
        }
        // Decoding the prefix of a truncated layer would read a cut stream: keep what there is.
        let truncated = current.truncated || next.truncated;
        current = next;
        current.truncated = truncated;
        if truncated {
            break;
        }
    }
    Ok(Some(current))
}

#[derive(Debug, Clone, Copy)]
enum Coding {
    Gzip,
    Deflate,
}

/// Every member of a gzip file (RFC 1952): Node inflates members that follow one another as
/// one body.
fn gunzip(mut input: &[u8], out: &mut Decoded, limit: usize) -> Result<(), CodingError> {
    loop {
        let start = member_start(input).ok_or(CodingError::Corrupt)?;
        let used = inflate_into(&input[start..], DataFormat::Raw, out, limit)?;
        if out.truncated {
            return Ok(());
        }
        // CRC-32 and size.
        input = input.get(start + used + 8..).unwrap_or_default();
        if !input.starts_with(&[0x1f, 0x8b]) {
            return Ok(());
        }
    }
}

/// Where the deflate stream of the gzip member at the start of `b` begins.
fn member_start(b: &[u8]) -> Option<usize> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if b.get(..3)? != [0x1f, 0x8b, 8] {
        return None;
    }
    let flags = *b.get(3)?;
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let len = usize::from(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]));
        at += 2 + len;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            at += memchr::memchr(0, b.get(at..)?)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    (at <= b.len()).then_some(at)
}

/// Inflates one stream from the start of `input` onto `out.bytes`, up to `limit` bytes in all;
/// returns how many bytes of `input` the stream took.
fn inflate_into(
    input: &[u8],
    format: DataFormat,
    out: &mut Decoded,
    limit: usize,
) -> Result<usize, CodingError> {
    let mut state = InflateState::new_boxed(format);
    let mut chunk = vec![0u8; 32 * 1024];
    let mut used = 0;
    loop {
        let r = inflate(&mut state, &input[used..], &mut chunk, MZFlush::None);
        used += r.bytes_consumed;
        let room = limit.saturating_sub(out.bytes.len());
        out.bytes
            .extend_from_slice(&chunk[..r.bytes_written.min(room)]);
        if r.bytes_written > room {
            out.truncated = true;
            return Ok(used);
        }
        match r.status {
            Ok(MZStatus::StreamEnd) => return Ok(used),
            Ok(_) if r.bytes_consumed > 0 || r.bytes_written > 0 => {}
            // No progress (the input ended before the stream did), or bad data.
            Ok(_) | Err(_) => return Err(CodingError::Corrupt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gzip member holding `data` in stored (uncompressed) deflate blocks, with a file name.
    fn gzip_stored(data: &[u8]) -> Vec<u8> {
        let mut v = vec![0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3];
        v.extend_from_slice(b"body.json\0");
        v.extend_from_slice(&deflate_stored(data));
        v.extend_from_slice(&[0; 8]);
        v
    }

    fn deflate_stored(data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        let mut chunks = data.chunks(65_535).peekable();
        if chunks.peek().is_none() {
            v.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
        }
        while let Some(c) = chunks.next() {
            v.push(u8::from(chunks.peek().is_none()));
            let len = c.len() as u16;
            v.extend_from_slice(&len.to_le_bytes());
            v.extend_from_slice(&(!len).to_le_bytes());
            v.extend_from_slice(c);
        }
        v
    }

    #[test]
    fn gzip_and_deflate_are_undone() {
        let data = br#"{"q": "1 union select password from users"}"#;
        let gz = gzip_stored(data);
        let got = decode(b"gzip", &gz, 1 << 20).unwrap().unwrap();
        assert_eq!(got.bytes, data);
        assert!(!got.truncated);
        assert_eq!(
            decode(b"X-GZIP", &gz, 1 << 20).unwrap().unwrap().bytes,
            data
        );
        // Two members read as one body.
        let two = [gzip_stored(b"abc"), gzip_stored(b"def")].concat();
        assert_eq!(
            decode(b"gzip", &two, 100).unwrap().unwrap().bytes,
            b"abcdef"
        );
        // Raw and zlib-wrapped deflate.
        let raw = deflate_stored(data);
        assert_eq!(
            decode(b"deflate", &raw, 1 << 20).unwrap().unwrap().bytes,
            data
        );
        let zlib = miniz_oxide::deflate::compress_to_vec_zlib(data, 6);
        assert_eq!(
            decode(b"deflate", &zlib, 1 << 20).unwrap().unwrap().bytes,
            data
        );
        // Layers, the last applied first; identity is nothing.
        let both = gzip_stored(&zlib);
        assert_eq!(
            decode(b"deflate, gzip", &both, 1 << 20)
                .unwrap()
                .unwrap()
                .bytes,
            data
        );
        assert_eq!(decode(b"identity", data, 10), Ok(None));
        assert_eq!(decode(b"", data, 10), Ok(None));
    }

    #[test]
    fn past_the_limit_the_prefix_is_kept() {
        let data = vec![b'a'; 300_000];
        let packed = miniz_oxide::deflate::compress_to_vec(&data, 9);
        assert!(packed.len() < 2_000, "a bomb of sorts");
        let got = decode(b"deflate", &packed, 1000).unwrap().unwrap();
        assert_eq!(got.bytes.len(), 1000);
        assert!(got.truncated);
    }

    #[test]
    fn bad_bodies_and_other_codings_are_errors() {
        assert_eq!(decode(b"br", b"x", 10), Err(CodingError::Unsupported));
        assert_eq!(
            decode(b"gzip, zstd", b"x", 10),
            Err(CodingError::Unsupported)
        );
        assert_eq!(
            decode(b"gzip, gzip, gzip, gzip", b"x", 10),
            Err(CodingError::Unsupported)
        );
        assert_eq!(decode(b"gzip", b"not gzip", 10), Err(CodingError::Corrupt));
        let gz = gzip_stored(b"hello world");
        assert_eq!(
            decode(b"gzip", &gz[..gz.len() - 14], 100),
            Err(CodingError::Corrupt)
        );
        assert_eq!(
            decode(b"deflate", b"\xff\xff\xff", 100),
            Err(CodingError::Corrupt)
        );
        for cut in 0..gz.len() {
            let _ = decode(b"gzip", &gz[..cut], 100);
        }
    }
}
