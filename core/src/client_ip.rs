//! The client address: who is really on the other end of a request that came through proxies
//! and CDNs.
//!
//! Admin areas are open only to allowlisted networks, so the address they are checked against
//! must be the one the client really has, and nothing the client sends may change it.
//! [`resolve`] takes the socket peer, the headers and the `[proxy]` section of the policy
//! ([`ProxyConfig`]) and returns a [`ClientAddr`]:
//!
//! ```
//! use qila::client_ip::{resolve, ClientSource, ForwardedHeader, ProxyConfig};
//! use qila::{net::NetList, Headers};
//!
//! let cfg = ProxyConfig {
//!     trusted_proxies: NetList::parse(&["10.0.0.0/8"]).unwrap(),
//!     header: ForwardedHeader::XForwardedFor,
//! };
//! // The load balancer 10.0.0.2 got the request from 198.51.100.4, which claimed to be
//! // forwarding for 127.0.0.1: the claim is left of the first untrusted hop and is ignored.
//! let headers = [("X-Forwarded-For", "127.0.0.1, 198.51.100.4")];
//! let client = resolve("10.0.0.2".parse().unwrap(), &Headers::Pairs(&headers), &cfg);
//! assert_eq!(client.ip, "198.51.100.4".parse::<std::net::IpAddr>().unwrap());
//! assert_eq!(client.source, ClientSource::XForwardedFor);
//! assert!(!client.malformed);
//!
//! // The same header straight from the internet changes nothing.
//! let client = resolve("203.0.113.7".parse().unwrap(), &Headers::Pairs(&headers), &cfg);
//! assert_eq!(client.ip, "203.0.113.7".parse::<std::net::IpAddr>().unwrap());
//! assert_eq!(client.source, ClientSource::Peer);
//! ```
//!
//! # The rules
//!
//! - A peer that is not in `trusted_proxies` (an empty list trusts nobody) is the client. Its
//!   headers are not read at all.
//! - Behind a trusted peer, the configured header is read. `X-Forwarded-For` and `Forwarded`
//!   hold a chain that each proxy extends on the right, so it is walked from the right: trusted
//!   proxies are skipped and the first address that is not trusted is the client. Everything left
//!   of it was written by that client or by someone it talked to, and is never looked at. If
//!   every hop is trusted, the leftmost one is the client.
//! - An entry that is not an address (`unknown`, `_hidden`, a host name, an empty entry, bytes
//!   that are not UTF-8) ends the walk: whoever is left of it cannot be told apart from what the
//!   untrusted party wrote. The client is then the last trusted hop, the one that handed the entry
//!   over (the peer, if it was the rightmost entry), and [`ClientAddr::malformed`] is set.
//! - At most [`MAX_HOPS`] entries are examined; a longer chain stops there the same way.
//! - `X-Real-IP` and `CF-Connecting-IP` hold one address set by the trusted proxy. More than one
//!   occurrence, or a value that is not one address, gives the peer with `malformed` set.
//! - Every address in the result is canonical: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is returned
//!   as IPv4, whether it came from the socket or from a header.
//!
//! Entries may carry a port (`192.0.2.1:8080`, `[2001:db8::1]:443`) and bare IPv6 is accepted;
//! a bare IPv6 address is always read as an address, never as an address followed by a port.
//!
//! # Untrusted input
//!
//! The headers are chosen by whoever opened the connection to the first trusted proxy. The
//! promises: a peer that is not trusted is the client whatever the headers say; behind trusted
//! proxies, nothing written left of the entry the nearest proxy appended can change the result,
//! because every chain is read from the right (for `Forwarded`, quoted strings are matched from
//! the right too, so an unbalanced quote further left cannot swallow the proxy's element).
//! When `malformed` is set the address is a trusted proxy's own: a policy should not let such a
//! request into an area that is open to the proxies' network.
//!
//! # Performance
//!
//! No allocation: headers are read in place, the last [`MAX_HOPS`] header lines are remembered
//! in a fixed array on the stack, and a quoted `Forwarded` value is unescaped into a small stack
//! buffer. Work is linear in the size of the forwarding headers.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::net::{NetList, canonical};
use crate::request::Headers;

/// The most forwarding entries examined for one request. A chain with more trusted hops than
/// this is cut there: the result is the last trusted hop examined, with
/// [`ClientAddr::malformed`] set.
pub const MAX_HOPS: usize = 64;

/// The longest entry that can still be an address: a 45-character IPv6 address in brackets with
/// a port is 53 bytes. Longer entries are rejected before any parsing.
const MAX_NODE_LEN: usize = 64;

/// How to find the client address: the `[proxy]` section of the policy file.
///
/// ```toml
/// [proxy]
/// trusted_proxies = ["10.0.0.0/8", "loopback"]
/// header = "x-forwarded-for"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default, rename_all = "snake_case")]
pub struct ProxyConfig {
    /// Proxies whose forwarding headers are believed. Empty (the default): headers are ignored
    /// and the socket peer is the client.
    pub trusted_proxies: NetList,
    /// Which header carries the client address.
    pub header: ForwardedHeader,
}

/// The header that trusted proxies put the client address in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (the default).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client;proto=https, for=proxy1` (RFC 7239).
    Forwarded,
    /// `X-Real-IP: client`, one address set by the proxy (nginx).
    XRealIp,
    /// `CF-Connecting-IP: client`, one address set by Cloudflare.
    CfConnectingIp,
    /// No header: the peer is always the client, even when it is a trusted proxy.
    None,
}

impl ForwardedHeader {
    /// The header name in lower case, or `None` for [`ForwardedHeader::None`].
    pub fn header_name(self) -> Option<&'static str> {
        match self {
            ForwardedHeader::XForwardedFor => Some("x-forwarded-for"),
            ForwardedHeader::Forwarded => Some("forwarded"),
            ForwardedHeader::XRealIp => Some("x-real-ip"),
            ForwardedHeader::CfConnectingIp => Some("cf-connecting-ip"),
            ForwardedHeader::None => None,
        }
    }
}

/// Where the client address came from, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientSource {
    /// The socket peer.
    Peer,
    /// An entry of `X-Forwarded-For`.
    XForwardedFor,
    /// A `for=` parameter of `Forwarded`.
    Forwarded,
    /// `X-Real-IP`.
    XRealIp,
    /// `CF-Connecting-IP`.
    CfConnectingIp,
}

impl ClientSource {
    /// The stable kebab-case code: `peer`, `x-forwarded-for`, `forwarded`, `x-real-ip`,
    /// `cf-connecting-ip`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientSource::Peer => "peer",
            ClientSource::XForwardedFor => "x-forwarded-for",
            ClientSource::Forwarded => "forwarded",
            ClientSource::XRealIp => "x-real-ip",
            ClientSource::CfConnectingIp => "cf-connecting-ip",
        }
    }
}

impl fmt::Display for ClientSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The client address of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr {
    /// The address, canonical (never IPv4-mapped IPv6).
    pub ip: IpAddr,
    /// Where it came from.
    pub source: ClientSource,
    /// The forwarding header held something that is not an address where an address was needed
    /// (or more hops than [`MAX_HOPS`], or a repeated single-value header), so the walk stopped
    /// early and `ip` is a trusted proxy's own address.
    pub malformed: bool,
}

/// Finds the client address of a request that arrived from `peer` with `headers`.
///
/// Never fails and never allocates; see the [module documentation](self) for the rules.
pub fn resolve(peer: IpAddr, headers: &Headers<'_>, cfg: &ProxyConfig) -> ClientAddr {
    let peer = canonical(peer);
    let direct = ClientAddr {
        ip: peer,
        source: ClientSource::Peer,
        malformed: false,
    };
    if !cfg.trusted_proxies.contains(peer) {
        return direct;
    }
    let trusted = &cfg.trusted_proxies;
    match cfg.header {
        ForwardedHeader::None => direct,
        ForwardedHeader::XForwardedFor => walk(
            peer,
            Hops::new(headers, "x-forwarded-for", Syntax::XForwardedFor),
            trusted,
            ClientSource::XForwardedFor,
        ),
        ForwardedHeader::Forwarded => walk(
            peer,
            Hops::new(headers, "forwarded", Syntax::Forwarded),
            trusted,
            ClientSource::Forwarded,
        ),
        ForwardedHeader::XRealIp => single(peer, headers, "x-real-ip", ClientSource::XRealIp),
        ForwardedHeader::CfConnectingIp => single(
            peer,
            headers,
            "cf-connecting-ip",
            ClientSource::CfConnectingIp,
        ),
    }
}

/// Walks a chain from the right, starting behind the trusted `peer`.
fn walk(peer: IpAddr, mut hops: Hops<'_>, trusted: &NetList, source: ClientSource) -> ClientAddr {
    // The last trusted hop: whoever handed over the entry being looked at.
    let mut last = ClientAddr {
        ip: peer,
        source: ClientSource::Peer,
        malformed: false,
    };
    let stop = |last: ClientAddr| ClientAddr {
        malformed: true,
        ..last
    };
    let mut examined = 0;
    loop {
        let Some(hop) = hops.next() else {
            // Lines beyond the remembered ones exist only when MAX_HOPS entries were examined.
            return if hops.truncated() { stop(last) } else { last };
        };
        if examined == MAX_HOPS {
            return stop(last);
        }
        examined += 1;
        let Some(ip) = hop else { return stop(last) };
        let ip = canonical(ip);
        if !trusted.contains(ip) {
            return ClientAddr {
                ip,
                source,
                malformed: false,
            };
        }
        last = ClientAddr {
            ip,
            source,
            malformed: false,
        };
    }
}

/// Reads a header that holds exactly one address.
fn single(peer: IpAddr, headers: &Headers<'_>, name: &str, source: ClientSource) -> ClientAddr {
    let peer_only = |malformed| ClientAddr {
        ip: peer,
        source: ClientSource::Peer,
        malformed,
    };
    let mut values = headers.get_all(name);
    let Some(value) = values.next() else {
        return peer_only(false);
    };
    if values.next().is_some() {
        return peer_only(true);
    }
    match parse_node(trim_ows(value), false) {
        Some(ip) => ClientAddr {
            ip: canonical(ip),
            source,
            malformed: false,
        },
        None => peer_only(true),
    }
}

/// The grammar of a chain header.
#[derive(Clone, Copy)]
enum Syntax {
    /// Entries separated by `,`.
    XForwardedFor,
    /// RFC 7239 elements, with quoted strings.
    Forwarded,
}

/// The entries of a chain header, right to left, across all its lines. Each item is the address
/// of one entry, or `None` when the entry is not an address.
struct Hops<'a> {
    /// The last `MAX_HOPS` lines: line number `k` (from the first) is at `k % MAX_HOPS`. Every
    /// line yields at least one entry, so the walk never needs an earlier line.
    lines: [&'a [u8]; MAX_HOPS],
    /// How many lines the header has.
    total: usize,
    /// How many lines, counted from the last, have been started.
    started: usize,
    /// What is left of the current line (everything left of the entries already yielded).
    rest: Option<&'a [u8]>,
    syntax: Syntax,
}

impl<'a> Hops<'a> {
    fn new(headers: &Headers<'a>, name: &str, syntax: Syntax) -> Self {
        let mut lines: [&'a [u8]; MAX_HOPS] = [&[]; MAX_HOPS];
        let mut total = 0;
        for value in headers.get_all(name) {
            lines[total % MAX_HOPS] = value;
            total += 1;
        }
        Hops {
            lines,
            total,
            started: 0,
            rest: None,
            syntax,
        }
    }

    /// Whether the header had lines that were not remembered.
    fn truncated(&self) -> bool {
        self.total > MAX_HOPS
    }
}

impl Iterator for Hops<'_> {
    type Item = Option<IpAddr>;

    fn next(&mut self) -> Option<Option<IpAddr>> {
        let line = match self.rest.take() {
            Some(rest) => rest,
            None => {
                if self.started == self.total.min(MAX_HOPS) {
                    return None;
                }
                let index = (self.total - 1 - self.started) % MAX_HOPS;
                self.started += 1;
                self.lines[index]
            }
        };
        Some(match self.syntax {
            Syntax::XForwardedFor => {
                let entry = match memchr::memrchr(b',', line) {
                    Some(comma) => {
                        self.rest = Some(&line[..comma]);
                        &line[comma + 1..]
                    }
                    None => line,
                };
                parse_node(trim_ows(entry), false)
            }
            Syntax::Forwarded => {
                let (rest, element) = split_last_element(line);
                self.rest = rest;
                forwarded_for(element)
            }
        })
    }
}

/// Splits the last element off a `Forwarded` line, scanning from the right so that quoted
/// strings are matched from their closing quote: `(everything before the comma, element)`.
/// A quoted string that never opens makes the whole line one (invalid) element.
fn split_last_element(line: &[u8]) -> (Option<&[u8]>, &[u8]) {
    let mut end = line.len();
    while end > 0 {
        let c = line[end - 1];
        if c == b',' {
            return (Some(&line[..end - 1]), &line[end..]);
        }
        if c != b'"' {
            end -= 1;
            continue;
        }
        // `end - 1` closes a quoted string: find the quote that opens it, skipping quotes that
        // are escaped by an odd run of backslashes.
        let mut close = end - 1;
        loop {
            let Some(open) = memchr::memrchr(b'"', &line[..close]) else {
                return (None, line);
            };
            let backslashes = line[..open]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if backslashes % 2 == 0 {
                end = open;
                break;
            }
            close = open;
        }
    }
    (None, line)
}

/// The value of a `for=` parameter.
#[derive(Clone, Copy)]
enum Value<'a> {
    Token(&'a [u8]),
    /// The inside of a quoted string, escapes still in place.
    Quoted(&'a [u8]),
}

/// The address in the `for=` parameter of one `Forwarded` element, or `None` when the element
/// is not well formed, has no `for=` or more than one, or its `for=` is not an address
/// (`unknown`, an obfuscated `_name`).
fn forwarded_for(element: &[u8]) -> Option<IpAddr> {
    let n = element.len();
    let mut found: Option<Value<'_>> = None;
    let mut i = 0;
    loop {
        i = skip_ows(element, i);
        let Some(&c) = element.get(i) else { break };
        if c == b';' {
            i += 1;
            continue;
        }
        let key_start = i;
        while element.get(i).is_some_and(|&b| is_tchar(b)) {
            i += 1;
        }
        let key = &element[key_start..i];
        i = skip_ows(element, i);
        if key.is_empty() || element.get(i) != Some(&b'=') {
            return None;
        }
        i = skip_ows(element, i + 1);
        let value = if element.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            loop {
                match element.get(j) {
                    None => return None,
                    Some(b'\\') => j += 2,
                    Some(b'"') => break,
                    Some(_) => j += 1,
                }
            }
            i = j + 1;
            Value::Quoted(&element[start..j])
        } else {
            let start = i;
            while i < n && !matches!(element[i], b';' | b' ' | b'\t' | b'"') {
                i += 1;
            }
            Value::Token(&element[start..i])
        };
        i = skip_ows(element, i);
        if i < n && element[i] != b';' {
            return None;
        }
        if key.eq_ignore_ascii_case(b"for") {
            if found.is_some() {
                return None;
            }
            found = Some(value);
        }
    }
    match found? {
        Value::Token(token) => parse_node(token, true),
        Value::Quoted(inner) => {
            let mut buf = [0u8; MAX_NODE_LEN];
            parse_node(unescape(inner, &mut buf)?, true)
        }
    }
}

/// Removes the backslash escapes of a quoted string into `buf`; `None` if it does not fit (then
/// it is too long to be an address anyway).
fn unescape<'b>(inner: &[u8], buf: &'b mut [u8; MAX_NODE_LEN]) -> Option<&'b [u8]> {
    let mut len = 0;
    let mut bytes = inner.iter();
    while let Some(&b) = bytes.next() {
        let b = if b == b'\\' { *bytes.next()? } else { b };
        *buf.get_mut(len)? = b;
        len += 1;
    }
    Some(&buf[..len])
}

/// Parses one node: an IPv4 address with an optional `:port`, an IPv6 address bare or in
/// brackets with an optional `:port`. `obfuscated_port` also allows RFC 7239 `:_name` ports.
fn parse_node(node: &[u8], obfuscated_port: bool) -> Option<IpAddr> {
    if node.is_empty() || node.len() > MAX_NODE_LEN {
        return None;
    }
    let node = std::str::from_utf8(node).ok()?;
    if let Some(inner) = node.strip_prefix('[') {
        let (addr, after) = inner.split_once(']')?;
        let ip: Ipv6Addr = addr.parse().ok()?;
        let port_ok = after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|p| is_port(p, obfuscated_port));
        return port_ok.then_some(IpAddr::V6(ip));
    }
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    let (addr, port) = node.split_once(':')?;
    let ip: Ipv4Addr = addr.parse().ok()?;
    is_port(port, obfuscated_port).then_some(IpAddr::V4(ip))
}

/// A decimal port up to 65535, or with `obfuscated`, `_` and one or more of
/// `A-Z a-z 0-9 . _ -`.
fn is_port(port: &str, obfuscated: bool) -> bool {
    if let Some(name) = port.strip_prefix('_') {
        return obfuscated
            && !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    }
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok()
}

/// The token characters of RFC 9110.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

fn skip_ows(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn cfg(trusted: &[&str], header: ForwardedHeader) -> ProxyConfig {
        ProxyConfig {
            trusted_proxies: NetList::parse(trusted).unwrap(),
            header,
        }
    }

    #[test]
    fn nodes() {
        let good = [
            ("192.0.2.1", "192.0.2.1"),
            ("192.0.2.1:8080", "192.0.2.1"),
            ("192.0.2.1:0", "192.0.2.1"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("[::ffff:192.0.2.1]:80", "::ffff:192.0.2.1"),
            ("2001:db8::1:443", "2001:db8::1:443"),
        ];
        for (node, want) in good {
            assert_eq!(parse_node(node.as_bytes(), false), Some(ip(want)), "{node}");
        }
        let bad = [
            "",
            "unknown",
            "_hidden",
            "localhost",
            "example.com",
            "192.0.2",
            "192.0.2.1.5",
            "01.2.3.4",
            "192.0.2.1:",
            "192.0.2.1:65536",
            "192.0.2.1:+80",
            "192.0.2.1:80:80",
            "192.0.2.1:_p",
            "[2001:db8::1",
            "[2001:db8::1]x",
            "[2001:db8::1]:",
            "[192.0.2.1]",
            "fe80::1%eth0",
            " 192.0.2.1",
            "192.0.2.1 ",
            "\"192.0.2.1\"",
            "1.2.3.4/32",
        ];
        for node in bad {
            assert_eq!(parse_node(node.as_bytes(), false), None, "{node:?}");
        }
        assert_eq!(parse_node(b"192.0.2.1:_p-1.x", true), Some(ip("192.0.2.1")));
        assert_eq!(
            parse_node(b"[2001:db8::1]:_p", true),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(parse_node(b"192.0.2.1:_", true), None);
        assert_eq!(parse_node(b"192.0.2.1:_a/b", true), None);
        assert_eq!(parse_node(b"\xff192.0.2.1", false), None);
        assert_eq!(parse_node(&[b'1'; MAX_NODE_LEN + 1], false), None);
    }

    #[test]
    fn forwarded_elements() {
        let good = [
            ("for=192.0.2.1", "192.0.2.1"),
            ("FOR=192.0.2.1", "192.0.2.1"),
            (" for=192.0.2.1 ", "192.0.2.1"),
            ("for=\"192.0.2.1\"", "192.0.2.1"),
            ("for=\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17"),
            ("for=\"\\[2001:db8::1\\]\"", "2001:db8::1"),
            (
                "by=10.0.0.1;for=192.0.2.1;proto=https;host=\"a;b,c\"",
                "192.0.2.1",
            ),
            ("proto=https; for=192.0.2.1 ;;", "192.0.2.1"),
            ("for = 192.0.2.1", "192.0.2.1"),
            ("for=192.0.2.1:_port", "192.0.2.1"),
        ];
        for (el, want) in good {
            assert_eq!(forwarded_for(el.as_bytes()), Some(ip(want)), "{el}");
        }
        let bad = [
            "",
            "proto=https",
            "for=unknown",
            "for=_hidden",
            "for=\"_hidden\"",
            "for=",
            "for=\"\"",
            "for=192.0.2.1;for=192.0.2.2",
            "for=\"192.0.2.1",
            "for=192.0.2.1 x",
            "for=192.0.2.1\"\"",
            "=192.0.2.1",
            "for",
            "for=\"192.0.2.1\"x",
            "fo r=192.0.2.1",
            "for=\"192.0.2.1\\\"",
            "for=\"192.0.2.1\\",
            "for=192.0.2.1;by",
        ];
        for el in bad {
            assert_eq!(forwarded_for(el.as_bytes()), None, "{el:?}");
        }
    }

    #[test]
    fn forwarded_split_from_the_right() {
        let split = |s: &'static str| {
            let (rest, el) = split_last_element(s.as_bytes());
            (
                rest.map(|r| std::str::from_utf8(r).unwrap()),
                std::str::from_utf8(el).unwrap(),
            )
        };
        assert_eq!(split("for=a, for=b"), (Some("for=a"), " for=b"));
        assert_eq!(split("for=a"), (None, "for=a"));
        assert_eq!(split("for=\"a,b\""), (None, "for=\"a,b\""));
        assert_eq!(split("x, for=\"a\\\",b\""), (Some("x"), " for=\"a\\\",b\""));
        assert_eq!(split("x, for=\"a\\\\\",b"), (Some("x, for=\"a\\\\\""), "b"));
        // An unbalanced quote on the left does not reach the proxy's element on the right.
        assert_eq!(
            split("for=\"x, for=\"[2001:db8::1]\""),
            (Some("for=\"x"), " for=\"[2001:db8::1]\"")
        );
        assert_eq!(
            split("for=\"x\\, for=192.0.2.1"),
            (Some("for=\"x\\"), " for=192.0.2.1")
        );
        // A closing quote that never opens makes the whole line one element.
        assert_eq!(split("a, b\""), (None, "a, b\""));
        assert_eq!(split(""), (None, ""));
    }

    #[test]
    fn invalid_utf8_is_malformed() {
        let cfg = cfg(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let peer = ip("10.0.0.1");
        let h: [(&str, &[u8]); 1] = [("X-Forwarded-For", b"198.51.100.1, 10.0.0.9\xff, 10.0.0.2")];
        let got = resolve(peer, &Headers::Bytes(&h), &cfg);
        assert_eq!(
            got,
            ClientAddr {
                ip: ip("10.0.0.2"),
                source: ClientSource::XForwardedFor,
                malformed: true
            }
        );
        // Left of the client, bytes do not matter.
        let h: [(&str, &[u8]); 1] = [("X-Forwarded-For", b"\xc3\x28, 198.51.100.1")];
        let got = resolve(peer, &Headers::Bytes(&h), &cfg);
        assert_eq!(
            got,
            ClientAddr {
                ip: ip("198.51.100.1"),
                source: ClientSource::XForwardedFor,
                malformed: false
            }
        );
        let cfg = ProxyConfig {
            header: ForwardedHeader::XRealIp,
            ..cfg
        };
        let h: [(&str, &[u8]); 1] = [("X-Real-IP", b"198.51.100.1\x80")];
        let got = resolve(peer, &Headers::Bytes(&h), &cfg);
        assert_eq!(
            got,
            ClientAddr {
                ip: peer,
                source: ClientSource::Peer,
                malformed: true
            }
        );
    }

    #[cfg(feature = "http")]
    #[test]
    fn http_header_map_lines() {
        let mut map = http::HeaderMap::new();
        map.append(
            "x-forwarded-for",
            http::HeaderValue::from_static("127.0.0.1"),
        );
        map.append("host", http::HeaderValue::from_static("portal.gov.example"));
        map.append(
            "x-forwarded-for",
            http::HeaderValue::from_static("198.51.100.1, 10.0.0.3"),
        );
        map.append(
            "x-forwarded-for",
            http::HeaderValue::from_bytes(b"10.0.0.4").unwrap(),
        );
        let cfg = cfg(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let got = resolve(ip("10.0.0.1"), &Headers::Http(&map), &cfg);
        assert_eq!(
            got,
            ClientAddr {
                ip: ip("198.51.100.1"),
                source: ClientSource::XForwardedFor,
                malformed: false
            }
        );
    }

    #[test]
    fn hop_limit() {
        let cfg = cfg(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let peer = ip("10.255.255.255");
        let hop = |k: usize| format!("10.0.{}.{}", k / 256, k % 256);
        for lines in [false, true] {
            for n in [MAX_HOPS - 1, MAX_HOPS, MAX_HOPS + 1, 3 * MAX_HOPS] {
                // Entries 0..n, all trusted, with an untrusted client on the far left.
                let mut chain: Vec<String> = vec!["198.51.100.1".into()];
                chain.extend((0..n).map(hop));
                let joined = chain.join(", ");
                let owned: Vec<(&str, &str)> = if lines {
                    chain
                        .iter()
                        .map(|e| ("X-Forwarded-For", e.as_str()))
                        .collect()
                } else {
                    vec![("X-Forwarded-For", joined.as_str())]
                };
                let got = resolve(peer, &Headers::Pairs(&owned), &cfg);
                let want = if n < MAX_HOPS {
                    ClientAddr {
                        ip: ip("198.51.100.1"),
                        source: ClientSource::XForwardedFor,
                        malformed: false,
                    }
                } else {
                    // The MAX_HOPS-th entry from the right is the last one examined.
                    ClientAddr {
                        ip: ip(&hop(n - MAX_HOPS)),
                        source: ClientSource::XForwardedFor,
                        malformed: true,
                    }
                };
                assert_eq!(got, want, "n={n} lines={lines}");
            }
        }
        // Exactly MAX_HOPS entries, all trusted: the leftmost is the client.
        let chain: Vec<String> = (0..MAX_HOPS).map(hop).collect();
        let joined = chain.join(",");
        let h = [("X-Forwarded-For", joined.as_str())];
        let got = resolve(peer, &Headers::Pairs(&h), &cfg);
        assert_eq!(
            got,
            ClientAddr {
                ip: ip("10.0.0.0"),
                source: ClientSource::XForwardedFor,
                malformed: false
            }
        );
    }

    #[test]
    fn policy_section() {
        let cfg: ProxyConfig = toml::from_str(
            "trusted_proxies = [\"loopback\", \"10.0.0.0/8\"]\nheader = \"cf-connecting-ip\"\n",
        )
        .unwrap();
        assert_eq!(cfg.header, ForwardedHeader::CfConnectingIp);
        assert!(cfg.trusted_proxies.contains(ip("::1")));
        let cfg: ProxyConfig = toml::from_str("").unwrap();
        assert!(cfg.trusted_proxies.is_empty());
        assert_eq!(cfg.header, ForwardedHeader::XForwardedFor);
        for name in [
            "x-forwarded-for",
            "forwarded",
            "x-real-ip",
            "cf-connecting-ip",
            "none",
        ] {
            let cfg: ProxyConfig = toml::from_str(&format!("header = \"{name}\"")).unwrap();
            assert_eq!(cfg.header.header_name().unwrap_or("none"), name);
        }
        assert!(toml::from_str::<ProxyConfig>("header = \"X-Forwarded-For\"").is_err());
        assert!(toml::from_str::<ProxyConfig>("trusted = [\"loopback\"]").is_err());
        assert!(toml::from_str::<ProxyConfig>("trusted_proxies = [\"localhost\"]").is_err());
        let back = toml::to_string(&cfg_for_roundtrip()).unwrap();
        assert_eq!(
            toml::from_str::<ProxyConfig>(&back).unwrap(),
            cfg_for_roundtrip()
        );
    }

    fn cfg_for_roundtrip() -> ProxyConfig {
        cfg(&["private", "192.0.2.7"], ForwardedHeader::Forwarded)
    }

    /// A deterministic generator of hostile header values.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn value(&mut self) -> Vec<u8> {
            const PIECES: &[&[u8]] = &[
                b"127.0.0.1",
                b"10.0.0.1",
                b"::1",
                b"::ffff:127.0.0.1",
                b"[::1]:80",
                b"192.168.1.1",
                b"for=",
                b"FOR=",
                b"for=\"[::1]\"",
                b"unknown",
                b"_hidden",
                b",",
                b", ",
                b";",
                b"\"",
                b"\\",
                b"\\\"",
                b"[",
                b"]",
                b":",
                b".",
                b" ",
                b"\t",
                b"0",
                b"1",
                b"255",
                b"\xff",
                b"\xc3\x28",
                b"proto=https",
                b"by=10.0.0.1",
                b"localhost",
                b"=",
            ];
            let mut v = Vec::new();
            for _ in 0..self.below(12) {
                if self.below(4) == 0 {
                    v.push(self.next() as u8);
                } else {
                    v.extend_from_slice(PIECES[self.below(PIECES.len())]);
                }
            }
            v
        }
    }

    const NAMES: &[&str] = &[
        "X-Forwarded-For",
        "x-forwarded-for",
        "X-FORWARDED-FOR",
        "Forwarded",
        "forwarded",
        "X-Real-IP",
        "x-real-ip",
        "CF-Connecting-IP",
        "cf-connecting-ip",
        "True-Client-IP",
        "Host",
    ];

    const HEADERS: [ForwardedHeader; 5] = [
        ForwardedHeader::XForwardedFor,
        ForwardedHeader::Forwarded,
        ForwardedHeader::XRealIp,
        ForwardedHeader::CfConnectingIp,
        ForwardedHeader::None,
    ];

    #[test]
    fn untrusted_peer_is_always_the_client() {
        let peers = [
            "203.0.113.7",
            "::ffff:203.0.113.7",
            "2001:db8::7",
            "127.0.0.2",
            "10.1.1.1",
        ];
        let lists: [&[&str]; 4] = [&[], &["10.0.0.0/24"], &["loopback", "private"], &["::1"]];
        let mut rng = Lcg(0x5eed);
        let mut checked = 0;
        for round in 0..4000 {
            let values: Vec<Vec<u8>> = (0..1 + rng.below(4)).map(|_| rng.value()).collect();
            let headers: Vec<(&str, &[u8])> = values
                .iter()
                .map(|v| (NAMES[rng.below(NAMES.len())], v.as_slice()))
                .collect();
            let header = HEADERS[round % HEADERS.len()];
            for list in lists {
                let cfg = cfg(list, header);
                for peer in peers {
                    let peer = ip(peer);
                    if cfg.trusted_proxies.contains(peer) {
                        continue;
                    }
                    let got = resolve(peer, &Headers::Bytes(&headers), &cfg);
                    let want = ClientAddr {
                        ip: canonical(peer),
                        source: ClientSource::Peer,
                        malformed: false,
                    };
                    assert_eq!(got, want, "{headers:?} {cfg:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 40_000, "{checked}");
    }

    /// Whatever an attacker sends, a trusted proxy that appends the attacker's real address
    /// makes that address the client, in the same line or in a line of its own.
    #[test]
    fn appended_hop_wins_over_any_prefix() {
        let mut rng = Lcg(0xfeed);
        let clients = ["198.51.100.23", "2001:db8::23", "::ffff:198.51.100.24"];
        let proxies = ["10.0.0.5", "10.0.0.6", "::ffff:10.0.0.7"];
        for round in 0..6000 {
            let header = [ForwardedHeader::XForwardedFor, ForwardedHeader::Forwarded][round % 2];
            let cfg = cfg(&["10.0.0.0/8"], header);
            let client = ip(clients[rng.below(clients.len())]);
            let node = |a: IpAddr| match (header, a) {
                (ForwardedHeader::Forwarded, IpAddr::V6(_)) => format!("for=\"[{a}]\""),
                (ForwardedHeader::Forwarded, IpAddr::V4(_)) => format!("for={a}"),
                _ => a.to_string(),
            };
            let name = header.header_name().unwrap();
            let prefix: Vec<Vec<u8>> = (0..1 + rng.below(3)).map(|_| rng.value()).collect();
            let mut lines: Vec<Vec<u8>> = prefix.clone();
            // The first proxy appends the attacker's address, then each further proxy its peer's.
            let hops = rng.below(4);
            let mut appended = vec![node(client)];
            appended.extend((0..hops).map(|_| node(ip(proxies[rng.below(proxies.len())]))));
            for a in appended {
                if rng.below(2) == 0 {
                    lines.push(a.into_bytes());
                } else {
                    let last = lines.last_mut().unwrap();
                    last.extend_from_slice(b", ");
                    last.extend_from_slice(a.as_bytes());
                }
            }
            let headers: Vec<(&str, &[u8])> = lines.iter().map(|l| (name, l.as_slice())).collect();
            let got = resolve(ip("10.9.9.9"), &Headers::Bytes(&headers), &cfg);
            let source = if header == ForwardedHeader::Forwarded {
                ClientSource::Forwarded
            } else {
                ClientSource::XForwardedFor
            };
            let want = ClientAddr {
                ip: canonical(client),
                source,
                malformed: false,
            };
            assert_eq!(got, want, "{headers:?}");
        }
    }
}
