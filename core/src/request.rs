//! The request view: everything Qila looks at, borrowed from the caller.

use std::net::{IpAddr, Ipv4Addr};

/// The headers of a request, borrowed, in the order they were received. Names may repeat.
#[derive(Clone, Copy, Debug)]
pub enum Headers<'a> {
    /// No headers.
    Empty,
    /// Name/value pairs in arrival order (what a binding or the CLI builds).
    Pairs(&'a [(&'a str, &'a str)]),
    /// Name/value pairs whose values are raw bytes (header values need not be UTF-8).
    Bytes(&'a [(&'a str, &'a [u8])]),
    /// An `http::HeaderMap`: values of one name come out in arrival order.
    #[cfg(feature = "http")]
    Http(&'a http::HeaderMap),
}

impl<'a> Headers<'a> {
    /// Every header as `(name, value)`, in arrival order (for [`Headers::Http`], grouped by name).
    pub fn iter(&self) -> HeaderIter<'a> {
        match *self {
            Headers::Empty => HeaderIter::Pairs([].iter()),
            Headers::Pairs(p) => HeaderIter::Pairs(p.iter()),
            Headers::Bytes(p) => HeaderIter::Bytes(p.iter()),
            #[cfg(feature = "http")]
            Headers::Http(map) => HeaderIter::Http(map.iter()),
        }
    }

    /// Every value of the header `name` (case-insensitive), in arrival order.
    pub fn get_all<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The first value of the header `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.get_all(name).next()
    }

    /// The first value of `name` as text, if it is valid UTF-8.
    pub fn get_str(&self, name: &str) -> Option<&'a str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }
}

/// Iterator over [`Headers`].
#[derive(Debug)]
pub enum HeaderIter<'a> {
    #[doc(hidden)]
    Pairs(std::slice::Iter<'a, (&'a str, &'a str)>),
    #[doc(hidden)]
    Bytes(std::slice::Iter<'a, (&'a str, &'a [u8])>),
    #[doc(hidden)]
    #[cfg(feature = "http")]
    Http(http::header::Iter<'a, http::HeaderValue>),
}

impl<'a> Iterator for HeaderIter<'a> {
    type Item = (&'a str, &'a [u8]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            HeaderIter::Pairs(it) => it.next().map(|(n, v)| (*n, v.as_bytes())),
            HeaderIter::Bytes(it) => it.next().map(|(n, v)| (*n, *v)),
            #[cfg(feature = "http")]
            HeaderIter::Http(it) => it.next().map(|(n, v)| (n.as_str(), v.as_bytes())),
        }
    }
}

/// One HTTP request as Qila sees it. Every field borrows from the caller; building one costs
/// nothing.
///
/// ```
/// use qila::Request;
/// let headers = [("Host", "portal.gov.example"), ("Accept", "text/html")];
/// let req = Request::new("GET", "/services?page=2")
///     .headers(&headers)
///     .peer("203.0.113.9".parse().unwrap());
/// assert_eq!(req.path(), "/services");
/// assert_eq!(req.query(), Some("page=2"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    method: &'a str,
    target: &'a str,
    headers: Headers<'a>,
    peer: IpAddr,
    body: Option<&'a [u8]>,
}

impl<'a> Request<'a> {
    /// A request with this method and raw request target (path plus optional `?query`, still
    /// percent-encoded, exactly as on the request line). The peer defaults to `127.0.0.1`.
    pub fn new(method: &'a str, target: &'a str) -> Self {
        Request {
            method,
            target,
            headers: Headers::Empty,
            peer: IpAddr::V4(Ipv4Addr::LOCALHOST),
            body: None,
        }
    }

    /// Sets the headers from name/value pairs in arrival order.
    pub fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = Headers::Pairs(headers);
        self
    }

    /// Sets the headers from any [`Headers`] view.
    pub fn with_headers(mut self, headers: Headers<'a>) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the socket peer address (the address that opened the TCP connection).
    pub fn peer(mut self, peer: IpAddr) -> Self {
        self.peer = peer;
        self
    }

    /// Sets the body bytes (or the prefix of the body that the caller has buffered).
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = Some(body);
        self
    }

    /// The method exactly as sent.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The raw request target.
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The raw path: the target up to `?` or `#`. For an absolute-form target
    /// (`http://host/path`), the path part.
    pub fn path(&self) -> &'a str {
        let t = strip_authority(self.target);
        let end = memchr::memchr2(b'?', b'#', t.as_bytes()).unwrap_or(t.len());
        &t[..end]
    }

    /// The raw query string after `?`, if there is one.
    pub fn query(&self) -> Option<&'a str> {
        let t = strip_authority(self.target);
        let q = memchr::memchr(b'?', t.as_bytes())?;
        let rest = &t[q + 1..];
        let end = memchr::memchr(b'#', rest.as_bytes()).unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// The headers.
    pub fn header_view(&self) -> Headers<'a> {
        self.headers
    }

    /// The socket peer address.
    pub fn peer_addr(&self) -> IpAddr {
        self.peer
    }

    /// The body, if the caller supplied one.
    pub fn body_bytes(&self) -> Option<&'a [u8]> {
        self.body
    }

    /// The media type of the body (`Content-Type` without parameters), lower-case
    /// comparison is left to the caller.
    pub fn content_type(&self) -> Option<&'a str> {
        let ct = self.headers.get_str("content-type")?;
        Some(ct.split(';').next().unwrap_or("").trim())
    }
}

/// `http://host/path?x` → `/path?x`; anything else unchanged.
fn strip_authority(target: &str) -> &str {
    let lower_starts = |p: &str| {
        target.len() >= p.len() && target.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    let rest = if lower_starts("http://") {
        &target[7..]
    } else if lower_starts("https://") {
        &target[8..]
    } else {
        return target;
    };
    match memchr::memchr3(b'/', b'?', b'#', rest.as_bytes()) {
        Some(i) if rest.as_bytes()[i] == b'/' => &rest[i..],
        Some(i) => &rest[i..],
        None => "/",
    }
}

#[cfg(feature = "http")]
mod from_http {
    use super::*;

    impl<'a> Request<'a> {
        /// A view of an `http::Request` whose body is available as bytes.
        pub fn from_http<B: AsRef<[u8]>>(req: &'a http::Request<B>, peer: IpAddr) -> Self {
            let body = req.body().as_ref();
            let mut r = Self::from_parts_ref(req.method(), req.uri(), req.headers(), peer);
            if !body.is_empty() {
                r.body = Some(body);
            }
            r
        }

        /// A view of `http::request::Parts`, with the body bytes if the caller has them.
        pub fn from_parts(
            parts: &'a http::request::Parts,
            peer: IpAddr,
            body: Option<&'a [u8]>,
        ) -> Self {
            let mut r = Self::from_parts_ref(&parts.method, &parts.uri, &parts.headers, peer);
            r.body = body;
            r
        }

        fn from_parts_ref(
            method: &'a http::Method,
            uri: &'a http::Uri,
            headers: &'a http::HeaderMap,
            peer: IpAddr,
        ) -> Self {
            let target = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
            Request {
                method: method.as_str(),
                target,
                headers: Headers::Http(headers),
                peer,
                body: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query() {
        let r = Request::new("GET", "/a/b?x=1#frag");
        assert_eq!(r.path(), "/a/b");
        assert_eq!(r.query(), Some("x=1"));
        let r = Request::new("GET", "http://host.example/admin?q");
        assert_eq!(r.path(), "/admin");
        assert_eq!(r.query(), Some("q"));
        let r = Request::new("GET", "https://host.example");
        assert_eq!(r.path(), "/");
        assert_eq!(Request::new("GET", "/x").query(), None);
    }

    #[test]
    fn repeated_headers_in_order() {
        let h = [
            ("X-Forwarded-For", "1.1.1.1"),
            ("Host", "h"),
            ("x-forwarded-for", "2.2.2.2"),
        ];
        let r = Request::new("GET", "/").headers(&h);
        let all: Vec<_> = r.header_view().get_all("X-FORWARDED-FOR").collect();
        assert_eq!(all, vec![&b"1.1.1.1"[..], &b"2.2.2.2"[..]]);
    }

    #[cfg(feature = "http")]
    #[test]
    fn from_http_request() {
        let req = http::Request::post("/search?q=1")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(b"a=1".to_vec())
            .unwrap();
        let r = Request::from_http(&req, "10.0.0.1".parse().unwrap());
        assert_eq!(r.method(), "POST");
        assert_eq!(r.target(), "/search?q=1");
        assert_eq!(r.content_type(), Some("application/x-www-form-urlencoded"));
        assert_eq!(r.body_bytes(), Some(&b"a=1"[..]));
    }
}
