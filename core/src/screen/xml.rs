//! A borrowing walk over an XML body (SOAP, XML-RPC): its character data and attribute values
//! with entity and character references undone, which is what an XML parser hands the
//! application (`1&#x27; or 1=1` arrives as `1' or 1=1`). No tree is built; each byte is read
//! once.

use std::borrow::Cow;

/// The document's parts that are not plain text or attribute values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlPart {
    /// Character data or a CDATA section, named by the element it is in.
    Text,
    /// An attribute value, named by its attribute.
    Attribute,
    /// A document type declaration, whole (entity declarations live there).
    Doctype,
}

/// Calls `f(part, name, text)` for every run of character data that is not only whitespace,
/// every CDATA section, every attribute value and the document type declaration. Returns
/// false when the document ends inside markup (a tag, comment or section never closed), after
/// reporting what came before.
pub fn walk<'a>(body: &'a [u8], mut f: impl FnMut(XmlPart, &'a [u8], Cow<'a, str>)) -> bool {
    // The open elements, for naming text; deeper than this, text is named by the deepest kept.
    const DEPTH: usize = 64;
    let mut open: Vec<&'a [u8]> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let Some(lt) = memchr::memchr(b'<', &body[i..]).map(|p| i + p) else {
            text(body, i, body.len(), &open, &mut f);
            return true;
        };
        text(body, i, lt, &open, &mut f);
        let rest = &body[lt..];
        let end = if rest.starts_with(b"<!--") {
            memchr::memmem::find(&rest[4..], b"-->").map(|p| lt + 4 + p + 3)
        } else if rest.starts_with(b"<![CDATA[") {
            memchr::memmem::find(&rest[9..], b"]]>").map(|p| {
                let data = &body[lt + 9..lt + 9 + p];
                f(XmlPart::Text, name_of(&open), utf8(data));
                lt + 9 + p + 3
            })
        } else if rest.starts_with(b"<?") {
            memchr::memmem::find(&rest[2..], b"?>").map(|p| lt + 2 + p + 2)
        } else if rest.starts_with(b"<!") {
            declaration_end(body, lt).inspect(|&e| {
                f(XmlPart::Doctype, b"!DOCTYPE", utf8(&body[lt..e]));
            })
        } else if rest.starts_with(b"</") {
            open.pop();
            memchr::memchr(b'>', rest).map(|p| lt + p + 1)
        } else {
            start_tag(body, lt + 1, &mut open, DEPTH, &mut f)
        };
        match end {
            Some(e) => i = e,
            None => return false,
        }
    }
    true
}

fn name_of<'a>(open: &[&'a [u8]]) -> &'a [u8] {
    open.last().copied().unwrap_or(b"")
}

fn text<'a>(
    body: &'a [u8],
    from: usize,
    to: usize,
    open: &[&'a [u8]],
    f: &mut impl FnMut(XmlPart, &'a [u8], Cow<'a, str>),
) {
    let run = &body[from..to];
    if run.iter().any(|c| !c.is_ascii_whitespace()) {
        f(XmlPart::Text, name_of(open), unescape(run));
    }
}

/// Reads a start tag after its `<`: its name, and each attribute value to `f`. Returns the
/// index after the `>`.
fn start_tag<'a>(
    body: &'a [u8],
    mut i: usize,
    open: &mut Vec<&'a [u8]>,
    depth: usize,
    f: &mut impl FnMut(XmlPart, &'a [u8], Cow<'a, str>),
) -> Option<usize> {
    let name_end = i + body[i..]
        .iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))?;
    let name = &body[i..name_end];
    i = name_end;
    loop {
        while body.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        match body[i] {
            b'>' => {
                if open.len() < depth {
                    open.push(name);
                }
                return Some(i + 1);
            }
            b'/' if body.get(i + 1) == Some(&b'>') => return Some(i + 2),
            _ => {}
        }
        let attr_start = i;
        while !matches!(body.get(i)?, b'=' | b'>' | b'/') && !body[i].is_ascii_whitespace() {
            i += 1;
        }
        let attr = &body[attr_start..i];
        while body.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if body[i] != b'=' {
            // An attribute without a value, or a stray `/`: read on.
            if attr.is_empty() {
                i += 1;
            }
            continue;
        }
        i += 1;
        while body.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        let (value, next) = match body[i] {
            q @ (b'"' | b'\'') => {
                let close = i + 1 + memchr::memchr(q, &body[i + 1..])?;
                (&body[i + 1..close], close + 1)
            }
            _ => {
                let len = body[i..]
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || *c == b'>')?;
                (&body[i..i + len], i + len)
            }
        };
        f(XmlPart::Attribute, attr, unescape(value));
        i = next;
    }
}

/// The index after a `<!...>` declaration starting at `at`, an internal subset in brackets and
/// quoted literals included.
fn declaration_end(body: &[u8], at: usize) -> Option<usize> {
    let mut brackets = 0usize;
    let mut quote = None;
    for (k, &c) in body[at..].iter().enumerate() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'[') => brackets += 1,
            (None, b']') => brackets = brackets.saturating_sub(1),
            (None, b'>') if brackets == 0 => return Some(at + k + 1),
            _ => {}
        }
    }
    None
}

fn utf8(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Replaces character references, read as the `xss` check reads them in HTML (XML's five
/// entities, numeric references, and more, which errs on the side of decoding); any other `&`
/// stays as it is.
fn unescape(b: &[u8]) -> Cow<'_, str> {
    if memchr::memchr(b'&', b).is_none() {
        return utf8(b);
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'&', &b[i..]) {
        out.extend_from_slice(&b[i..i + p]);
        i += p;
        match super::xss::decode_entity(&b[i..], &mut out) {
            Some(used) => i += used,
            None => {
                out.push(b'&');
                i += 1;
            }
        }
    }
    out.extend_from_slice(&b[i..]);
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(doc: &str) -> (Vec<(XmlPart, String, String)>, bool) {
        let mut v = Vec::new();
        let whole = walk(doc.as_bytes(), |part, name, text| {
            v.push((
                part,
                String::from_utf8_lossy(name).into_owned(),
                text.into_owned(),
            ));
        });
        (v, whole)
    }

    #[test]
    fn text_attributes_and_references() {
        let (v, whole) = all(concat!(
            "<?xml version=\"1.0\"?>\n<!-- a comment <q>x</q> -->\n",
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">",
            "<soap:Body><lookup id='7' note=\"a &amp; b\"><q>1&#x27; or &#39;1&#39;=&#39;1</q>",
            "<empty/><name>  </name><c><![CDATA[<script>alert(1)</script>]]></c>",
            "<t>&lt;b&gt; &unknown; &#x110000;</t></lookup></soap:Body></soap:Envelope>",
        ));
        assert!(whole);
        let text = |n: &str| {
            v.iter()
                .filter(|(p, name, _)| *p == XmlPart::Text && name == n)
                .map(|(_, _, t)| t.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(text("q"), ["1' or '1'='1"]);
        assert_eq!(text("c"), ["<script>alert(1)</script>"]);
        assert_eq!(text("t"), ["<b> &unknown; \u{FFFD}"]);
        assert!(text("name").is_empty());
        assert!(v.contains(&(XmlPart::Attribute, "note".into(), "a & b".into())));
        assert!(v.contains(&(XmlPart::Attribute, "id".into(), "7".into())));
        assert!(!v.iter().any(|(_, _, t)| t.contains("comment")));
    }

    #[test]
    fn doctype_with_an_internal_subset() {
        let (v, whole) = all(
            "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\"> <!ENTITY y \"]>\">]><r>&x;</r>",
        );
        assert!(whole);
        assert_eq!(v[0].0, XmlPart::Doctype);
        assert!(v[0].2.ends_with("]>\">]>"));
        assert_eq!(v[1], (XmlPart::Text, "r".into(), "&x;".into()));
    }

    #[test]
    fn broken_documents_are_read_as_far_as_they_go() {
        for doc in [
            "<a>ok</a><b x=\"1",
            "<a><!-- never closed",
            "<a><![CDATA[x",
            "<a",
            "<!DOCTYPE [",
        ] {
            let (_, whole) = all(doc);
            assert!(!whole, "{doc}");
        }
        let (v, _) = all("<a>first</a><b x=\"1");
        assert_eq!(v[0].2, "first");
        // Not XML at all: one run of text.
        let (v, whole) = all("plain text & more");
        assert!(whole);
        assert_eq!(
            v,
            [(XmlPart::Text, String::new(), "plain text & more".into())]
        );
    }
}
