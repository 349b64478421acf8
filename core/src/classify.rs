//! Intent: does the request read or write, and which surfaces (login, upload, form, JSON,
//! GraphQL, XML-RPC, WebDAV, method override) does it touch?
//!
//! The rule is fail closed: a request reads only when its method is a read method, no method
//! override names a write, and no GraphQL document in it is a mutation. A GraphQL request whose
//! every operation is a `query` reads even when sent by POST, so that a GraphQL site keeps
//! answering during a lockdown.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::decode::{form_component, raw_pairs};
use crate::graphql::{self, Operation};
use crate::multipart;
use crate::policy::{PathLists, Policy, is_token};
use crate::request::Request;

/// Surfaces of a request, as a small set.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Surfaces(u16);

macro_rules! surfaces {
    ($($(#[$doc:meta])* $name:ident = $bit:expr, $code:literal;)*) => {
        impl Surfaces {
            $($(#[$doc])* pub const $name: Surfaces = Surfaces(1 << $bit);)*
            const NAMES: &'static [(Surfaces, &'static str)] = &[$((Surfaces::$name, $code)),*];
        }
    };
}

surfaces! {
    /// An HTML form body (urlencoded or multipart).
    FORM = 0, "form";
    /// A multipart body with a file part.
    UPLOAD = 1, "upload";
    /// A sign-in: a login path, or a password field in the body.
    LOGIN = 2, "login";
    /// A JSON body.
    JSON = 3, "json";
    /// A GraphQL request.
    GRAPHQL = 4, "graphql";
    /// An XML-RPC call.
    XMLRPC = 5, "xmlrpc";
    /// A method override header or `_method` field.
    METHOD_OVERRIDE = 6, "method-override";
    /// A WebDAV method.
    WEBDAV = 7, "webdav";
    /// An admin path.
    ADMIN = 8, "admin";
}

impl Surfaces {
    /// No surface.
    pub const NONE: Surfaces = Surfaces(0);

    /// Whether every surface of `other` is in `self`.
    #[inline]
    pub fn contains(self, other: Surfaces) -> bool {
        self.0 & other.0 == other.0
    }

    /// Adds `other`.
    #[inline]
    pub fn insert(&mut self, other: Surfaces) {
        self.0 |= other.0;
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kebab-case names of the surfaces in the set.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Surfaces::NAMES
            .iter()
            .filter(move |(s, _)| self.contains(*s))
            .map(|(_, n)| *n)
    }
}

impl fmt::Debug for Surfaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}

impl Serialize for Surfaces {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

/// Something in the request that could not be understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Malformed {
    /// The method is not an HTTP token.
    InvalidMethod,
    /// The path contains a NUL byte (decoded or raw).
    NulInPath,
    /// A multipart body without a usable boundary, or whose parts cannot be read.
    Multipart,
    /// A GraphQL request that does not parse.
    Graphql,
    /// A method override that names no method.
    MethodOverride,
}

impl Malformed {
    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            Malformed::InvalidMethod => "invalid-method",
            Malformed::NulInPath => "nul-in-path",
            Malformed::Multipart => "multipart",
            Malformed::Graphql => "graphql",
            Malformed::MethodOverride => "method-override",
        }
    }
}

/// What a request does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Intent<'a> {
    /// Whether it writes.
    pub write: bool,
    /// The method named by an override (the last one seen), if any.
    pub override_method: Option<Cow<'a, str>>,
    /// The surfaces it touches.
    pub surfaces: Surfaces,
    /// The first thing that could not be understood, if any.
    pub malformed: Option<Malformed>,
}

const OVERRIDE_HEADERS: [&str; 3] = [
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];
const WEBDAV_METHODS: [&str; 9] = [
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "SEARCH",
    "REPORT",
];

fn media_is(ct: &str, ty: &str) -> bool {
    ct.eq_ignore_ascii_case(ty)
}

fn is_json_media(ct: &str) -> bool {
    media_is(ct, "application/json")
        || (ct.len() > 5 && ct.as_bytes()[ct.len() - 5..].eq_ignore_ascii_case(b"+json"))
}

/// Whether a form field name is a password field (`password`, `passwd`, `new_password1`,
/// `user[password]`, `pwd`, `pass`, WordPress's `pass1` and `pass2`, Drupal's `pass[pass1]`,
/// `passphrase`, `passcode`, ...). A `pass` among other words is a ticket or a permit
/// (`boarding_pass`), not a password.
pub(crate) fn is_password_name(name: &[u8]) -> bool {
    // Every spelling below holds a `p`: most field names are turned away by one pass.
    if !name.iter().any(|c| c.eq_ignore_ascii_case(&b'p')) {
        return false;
    }
    let has = |needle: &[u8]| {
        name.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if has(b"passw") || has(b"[pass]") || name.eq_ignore_ascii_case(b"pass") {
        return true;
    }
    name.split(|&c| matches!(c, b'_' | b'-' | b'[' | b']' | b'.'))
        .any(|w| {
            let stem = w.trim_ascii_end();
            let digits = stem.iter().rev().take_while(|c| c.is_ascii_digit()).count();
            let word = &stem[..stem.len() - digits];
            word.eq_ignore_ascii_case(b"pwd")
                || (digits > 0 && word.eq_ignore_ascii_case(b"pass"))
                || word.eq_ignore_ascii_case(b"passphrase")
                || word.eq_ignore_ascii_case(b"passcode")
        })
}

/// Whether a JSON body has a key that names a password (`"password":`, `"newPassword" :`).
fn json_has_password_key(body: &[u8]) -> bool {
    for needle in [
        &b"assword"[..],
        b"ASSWORD",
        b"passwd",
        b"\"pwd\"",
        b"\"pass\"",
    ] {
        for at in memchr::memmem::find_iter(body, needle) {
            // Walk to the closing quote of the key, then expect a colon.
            let mut i = at + needle.len();
            if needle.ends_with(b"\"") {
                i -= 1;
            }
            while i < body.len() && (body[i].is_ascii_alphanumeric() || body[i] == b'_') {
                i += 1;
            }
            if body.get(i) != Some(&b'"') {
                continue;
            }
            i += 1;
            while i < body.len() && body[i].is_ascii_whitespace() {
                i += 1;
            }
            if body.get(i) == Some(&b':') {
                return true;
            }
        }
    }
    false
}

/// Collects facts while classifying.
struct Acc<'a, 'p> {
    policy: &'p Policy,
    intent: Intent<'a>,
    /// Set by what makes a request write whatever its method: an override naming a write, a
    /// GraphQL mutation, something malformed.
    hard_write: bool,
}

impl<'a> Acc<'a, '_> {
    fn malformed(&mut self, m: Malformed) {
        self.hard_write = true;
        self.intent.malformed.get_or_insert(m);
    }

    fn method_override(&mut self, value: Cow<'a, str>) {
        self.intent.surfaces.insert(Surfaces::METHOD_OVERRIDE);
        let v = value.trim();
        if !is_token(v) {
            self.malformed(Malformed::MethodOverride);
        } else if !self.policy.config.lockdown.methods.contains(v) {
            self.hard_write = true;
        }
        self.intent.override_method = Some(value);
    }

    fn form_fields(&mut self, text: &'a str) {
        for (raw_name, raw_value) in raw_pairs(text) {
            let name = form_component(raw_name);
            if name == "_method" {
                self.method_override(form_component(raw_value));
            } else if is_password_name(name.as_bytes()) {
                self.intent.surfaces.insert(Surfaces::LOGIN);
            }
        }
    }
}

/// Classifies `req`, whose normalised path is `path`.
pub fn classify<'a>(req: &Request<'a>, path: &str, policy: &Policy) -> Intent<'a> {
    classify_in(req, path, policy, policy.path_lists(path))
}

/// [`classify`], with the policy's path lists already searched for `path`.
pub(crate) fn classify_in<'a>(
    req: &Request<'a>,
    path: &str,
    policy: &Policy,
    lists: PathLists,
) -> Intent<'a> {
    let method = req.method();
    let mut acc = Acc {
        policy,
        intent: Intent {
            write: false,
            override_method: None,
            surfaces: Surfaces::NONE,
            malformed: None,
        },
        hard_write: false,
    };
    if !is_token(method) {
        acc.malformed(Malformed::InvalidMethod);
    } else if !policy.config.lockdown.methods.contains(method) {
        acc.intent.write = true;
        if WEBDAV_METHODS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(method))
        {
            acc.intent.surfaces.insert(Surfaces::WEBDAV);
        }
    }
    let headers = req.header_view();

    // Method overrides in headers.
    for (name, value) in headers.iter() {
        if OVERRIDE_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
        {
            match std::str::from_utf8(value) {
                Ok(v) => acc.method_override(Cow::Borrowed(v)),
                Err(_) => {
                    acc.intent.surfaces.insert(Surfaces::METHOD_OVERRIDE);
                    acc.malformed(Malformed::MethodOverride);
                }
            }
        }
    }

    // `_method` in the query string.
    let query = req.query();
    if let Some(q) = query {
        if memchr::memmem::find(q.as_bytes(), b"method").is_some() || q.contains('%') {
            for (raw_name, raw_value) in raw_pairs(q) {
                if form_component(raw_name) == "_method" {
                    acc.method_override(form_component(raw_value));
                }
            }
        }
    }

    // Paths.
    if lists.login() {
        acc.intent.surfaces.insert(Surfaces::LOGIN);
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if last.eq_ignore_ascii_case("xmlrpc.php")
        || last.eq_ignore_ascii_case("xmlrpc")
        || last == "RPC2"
    {
        acc.intent.surfaces.insert(Surfaces::XMLRPC);
    }

    // Bodies.
    let content_type = req.content_type().unwrap_or("");
    // `None` means the caller did not give the body: nothing in it can make the request read,
    // and nothing in it is held against it.
    let given = req.body_bytes();
    let body = given.unwrap_or(b"");
    let graphql_path = lists.graphql();
    let mut graphql_read = false;
    if media_is(content_type, "application/x-www-form-urlencoded") {
        acc.intent.surfaces.insert(Surfaces::FORM);
        // Form bodies that are not UTF-8 are read with the invalid bytes replaced.
        match std::str::from_utf8(body) {
            Ok(text) => acc.form_fields(text),
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                for (name, value) in crate::decode::form_pairs(&text) {
                    if name == "_method" {
                        acc.method_override(Cow::Owned(value.into_owned()));
                    } else if is_password_name(name.as_bytes()) {
                        acc.intent.surfaces.insert(Surfaces::LOGIN);
                    }
                }
            }
        }
    } else if content_type.len() >= 10
        && content_type.as_bytes()[..10].eq_ignore_ascii_case(b"multipart/")
    {
        acc.intent.surfaces.insert(Surfaces::FORM);
        let full_ct = headers.get("content-type").unwrap_or(b"");
        match multipart::boundary(full_ct) {
            None => acc.malformed(Malformed::Multipart),
            Some(b) if !body.is_empty() => {
                for part in multipart::parts(body, b) {
                    match part {
                        Err(_) => {
                            acc.malformed(Malformed::Multipart);
                            break;
                        }
                        Ok(p) => {
                            if p.is_file() {
                                acc.intent.surfaces.insert(Surfaces::UPLOAD);
                            }
                            let name = p.name.unwrap_or(b"");
                            if name == b"_method" {
                                let v = String::from_utf8_lossy(p.body);
                                acc.method_override(Cow::Owned(v.into_owned()));
                            } else if !p.is_file() && is_password_name(name) {
                                acc.intent.surfaces.insert(Surfaces::LOGIN);
                            }
                        }
                    }
                }
            }
            Some(_) => {}
        }
    } else if is_json_media(content_type) {
        acc.intent.surfaces.insert(Surfaces::JSON);
        if json_has_password_key(body) {
            acc.intent.surfaces.insert(Surfaces::LOGIN);
        }
        if graphql_path && given.is_some() {
            match graphql::classify_json(body) {
                Some(Operation::Read) => graphql_read = true,
                Some(Operation::Write) => acc.hard_write = true,
                Some(Operation::Invalid) => acc.malformed(Malformed::Graphql),
                None => {}
            }
        }
    } else if media_is(content_type, "application/graphql") && given.is_some() {
        acc.intent.surfaces.insert(Surfaces::GRAPHQL);
        match std::str::from_utf8(body).map(graphql::classify_document) {
            Ok(Operation::Read) => graphql_read = true,
            Ok(Operation::Write) => acc.hard_write = true,
            Ok(Operation::Invalid) | Err(_) => acc.malformed(Malformed::Graphql),
        }
    } else if (media_is(content_type, "text/xml") || media_is(content_type, "application/xml"))
        && memchr::memmem::find(body, b"<methodCall").is_some()
    {
        acc.intent.surfaces.insert(Surfaces::XMLRPC);
    }

    // GraphQL in the query string: on a GraphQL path any `query` parameter counts; elsewhere
    // only one that really is a mutation (an ordinary `?query=` search box is not GraphQL).
    if let Some(q) = query {
        if graphql_path || q.contains('%') || memchr::memmem::find(q.as_bytes(), b"query").is_some()
        {
            match graphql::classify_query_string(q) {
                Some(Operation::Write) => {
                    acc.intent.surfaces.insert(Surfaces::GRAPHQL);
                    acc.hard_write = true;
                }
                Some(Operation::Invalid) if graphql_path => acc.malformed(Malformed::Graphql),
                Some(Operation::Read) if graphql_path => graphql_read = true,
                _ => {}
            }
        }
    }
    if graphql_path {
        acc.intent.surfaces.insert(Surfaces::GRAPHQL);
        // A POST whose operations are all queries reads; anything that writes whatever the
        // method (an override, a mutation anywhere, something malformed) still writes.
        if graphql_read
            && method.eq_ignore_ascii_case("POST")
            && !acc.intent.surfaces.contains(Surfaces::FORM)
        {
            acc.intent.write = false;
        }
    }
    acc.intent.write |= acc.hard_write;
    acc.intent
}

#[cfg(test)]
mod tests {
    use super::is_password_name;

    #[test]
    fn password_field_names() {
        for name in [
            "password",
            "new_password1",
            "user[password]",
            "newPassword",
            "passwd",
            "pwd",
            "pass",
            "pass1",
            "pass2",
            "pass1-text",
            "pass[pass1]",
            "user[pass]",
            "passphrase",
            "wifi_passcode",
        ] {
            assert!(is_password_name(name.as_bytes()), "{name}");
        }
        for name in [
            "passport",
            "passport_no",
            "boarding_pass",
            "pass_type",
            "compass",
            "bypass",
            "email",
            "page",
        ] {
            assert!(!is_password_name(name.as_bytes()), "{name}");
        }
    }
}
