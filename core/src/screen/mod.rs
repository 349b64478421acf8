//! Screening: what still comes in (reads in lockdown, everything in `open` mode) is checked for
//! attacks in every place user input hides.
//!
//! Each check is a module with a `scan` function over one decoded value; this module finds the
//! values in a request and turns hits into findings.

pub mod cmdi;
pub mod js;
pub mod ldap;
pub mod php;
pub mod probe;
pub mod sqli;
pub mod traversal;
pub mod webshell;
pub mod xss;

use std::ops::Range;

/// One check's verdict on one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The lowest paranoia level at which this hit blocks: 1 for certain attacks, up to 4 for
    /// weak signals.
    pub level: u8,
    /// A short kebab-case name of what matched (`union-select`, `script-tag`).
    pub rule: &'static str,
    /// The byte range of the scanned value that shows it (for the evidence in the verdict).
    pub evidence: Range<usize>,
}

mod clean;
mod fold;
pub mod json;
#[cfg(test)]
pub(crate) mod test_support;
pub mod xml;

use std::borrow::Cow;

use serde::Serialize;

use crate::decode::{form_component, percent_decode, raw_pairs};
use crate::multipart;
use crate::policy::{OnLimit, ScreeningConfig};
use crate::request::Request;

pub use crate::policy::CheckName;

impl CheckName {
    /// The kebab-case name, which is also the reason code of its refusals.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Sqli => "sqli",
            CheckName::Xss => "xss",
            CheckName::Traversal => "traversal",
            CheckName::Rfi => "rfi",
            CheckName::Cmdi => "cmdi",
            CheckName::Php => "php",
            CheckName::Js => "js",
            CheckName::Ldap => "ldap",
            CheckName::Webshell => "webshell",
            CheckName::Probe => "probe",
            CheckName::Scanner => "scanner",
        }
    }
}

/// Where in the request a finding was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Location {
    /// The path.
    Path,
    /// A query-string parameter.
    Query,
    /// A urlencoded body field, or a body of another type read as text.
    Body,
    /// A key or string of a JSON body.
    Json,
    /// A multipart field, file name or uploaded file.
    Multipart,
    /// A cookie.
    Cookie,
    /// A header.
    Header,
}

impl Location {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Body => "body",
            Location::Json => "json",
            Location::Multipart => "multipart",
            Location::Cookie => "cookie",
            Location::Header => "header",
        }
    }
}

/// One attack found in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The check that found it.
    pub check: CheckName,
    /// Where.
    pub location: Location,
    /// The parameter, cookie, header or field name (empty for the path and whole bodies).
    pub name: String,
    /// The decoded text that shows it, at most [`EVIDENCE_CHARS`] characters.
    pub evidence: String,
    /// `high` (paranoia 1), `medium` (2), `low` (3) or `note` (4).
    pub severity: &'static str,
    /// What matched.
    pub rule: &'static str,
}

/// The evidence of a finding in a password field, in place of the password.
const HIDDEN: &str = "(a password: not shown)";

/// The most characters of evidence a finding keeps.
pub const EVIDENCE_CHARS: usize = 120;

fn severity(level: u8) -> &'static str {
    match level {
        0 | 1 => "high",
        2 => "medium",
        3 => "low",
        _ => "note",
    }
}

/// Which limit a request went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Limit {
    /// `max_body_bytes`.
    BodyBytes,
    /// `max_params`.
    Params,
    /// `max_json_depth`.
    JsonDepth,
    /// A body in a `Content-Encoding` that cannot be undone: one other than `gzip` and
    /// `deflate` (`br`, `zstd`), or data that does not decode.
    BodyEncoding,
}

impl Limit {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::BodyBytes => "max-body-bytes",
            Limit::Params => "max-params",
            Limit::JsonDepth => "max-json-depth",
            Limit::BodyEncoding => "body-encoding",
        }
    }
}

/// What screening found in one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screening {
    /// Attacks found at or below the policy's paranoia level, in request order.
    pub findings: Vec<Finding>,
    /// The first limit the request went past, if any.
    pub limit: Option<Limit>,
    /// Whether only part of the request was screened (a limit with `on_limit = "screen-prefix"`).
    pub partial: bool,
}

/// Values shorter than this are screened every time: the checks are cheaper than a fingerprint.
const MIN_REMEMBERED: usize = 24;

/// How many findings one request keeps.
const MAX_FINDINGS: usize = 16;

/// The value checks, in the order they run.
type ValueCheck = fn(&str, &str) -> Option<(CheckName, Hit)>;

fn check_sqli(_: &str, v: &str) -> Option<(CheckName, Hit)> {
    sqli::scan(v).map(|h| (CheckName::Sqli, h))
}
fn check_xss(_: &str, v: &str) -> Option<(CheckName, Hit)> {
    xss::scan(v).map(|h| (CheckName::Xss, h))
}
fn check_traversal(name: &str, v: &str) -> Option<(CheckName, Hit)> {
    traversal::scan_param(name, v).map(|h| (traversal::check_of(&h), h))
}
fn check_cmdi(_: &str, v: &str) -> Option<(CheckName, Hit)> {
    cmdi::scan(v).map(|h| (CheckName::Cmdi, h))
}
fn check_php(_: &str, v: &str) -> Option<(CheckName, Hit)> {
    php::scan(v).map(|h| (CheckName::Php, h))
}
fn check_js(_: &str, v: &str) -> Option<(CheckName, Hit)> {
    js::scan(v).map(|h| (CheckName::Js, h))
}
fn check_ldap(_: &str, v: &str) -> Option<(CheckName, Hit)> {
    ldap::scan(v).map(|h| (CheckName::Ldap, h))
}

// Most specific first: the first finding names the refusal, and `;cat /etc/passwd` is command
// injection before it is a sensitive path.
const VALUE_CHECKS: [ValueCheck; 7] = [
    check_sqli,
    check_xss,
    check_cmdi,
    check_php,
    check_js,
    check_ldap,
    check_traversal,
];

/// Values up to this long are first sorted by [`CLASSES`] in one pass; longer ones go straight
/// to the checks, whose own prefilters skip ahead with `memchr`.
const SHARED_PREFILTER_MAX: usize = 256;

/// Bits of [`CLASSES`]: a check whose bit no byte of a value has cannot match it (or, for sqli
/// and cmdi, can only match the way [`sqli::scan_plain`] and [`cmdi::leading_command`] look).
const C_SQLI: u8 = 1;
const C_XSS: u8 = 2;
const C_CMDI: u8 = 4;
const C_PHP: u8 = 8;
const C_TRAVERSAL: u8 = 16;
const C_JS: u8 = 32;
const C_LDAP: u8 = 64;
/// A bracket, which wakes xss only before a quote ([`xss::quoted_member`]).
const C_BRACKET: u8 = 128;

/// For each byte, the checks whose prefilters it wakes: sqli's `SPECIAL` bytes, xss's
/// `TRIGGER` bytes, cmdi's separators (`META`) and the bytes of its keywords (`$ % < - ( / .`),
/// php's `( < $ : {` (`://` and serialised objects need the colon, Smarty's `{php}` the
/// brace), js's `_ ( [ $`, and traversal's `. / \ % :`, the lead bytes of its Unicode
/// look-alikes and the `0` of `0x`.
const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = 0;
        if sqli::SPECIAL[i] {
            c |= C_SQLI;
        }
        if xss::TRIGGER[i] {
            c |= C_XSS;
        }
        if cmdi::META[i] {
            c |= C_CMDI;
        }
        t[i] = c;
        i += 1;
    }
    let cmdi_keyword = b"$%<-(/.";
    let mut i = 0;
    while i < cmdi_keyword.len() {
        t[cmdi_keyword[i] as usize] |= C_CMDI;
        i += 1;
    }
    let php = b"(<$:{";
    let mut i = 0;
    while i < php.len() {
        t[php[i] as usize] |= C_PHP;
        i += 1;
    }
    let js = b"_([$";
    let mut i = 0;
    while i < js.len() {
        t[js[i] as usize] |= C_JS;
        i += 1;
    }
    t[b'(' as usize] |= C_LDAP;
    t[b'[' as usize] |= C_BRACKET;
    let traversal = b"./\\%:0\xE2\xEF";
    let mut i = 0;
    while i < traversal.len() {
        t[traversal[i] as usize] |= C_TRAVERSAL;
        i += 1;
    }
    t
};

/// Every value check on `value`, in [`VALUE_CHECKS`] order. A short value is classified in one
/// pass first, and the checks none of its bytes can wake are skipped: the same answers, without
/// six separate scans of ordinary text.
fn run_checks(name: &str, value: &str) -> [Option<(CheckName, Hit)>; 7] {
    let b = value.as_bytes();
    if b.len() > SHARED_PREFILTER_MAX {
        return VALUE_CHECKS.map(|check| check(name, value));
    }
    let classes = b.iter().fold(0u8, |m, &c| m | CLASSES[usize::from(c)]);
    let wakes = |bit: u8| classes & bit != 0;
    [
        if wakes(C_SQLI) {
            check_sqli(name, value)
        } else {
            sqli::scan_plain(value).map(|h| (CheckName::Sqli, h))
        },
        if wakes(C_XSS) || (wakes(C_BRACKET) && xss::quoted_member(b)) {
            check_xss(name, value)
        } else {
            None
        },
        if wakes(C_CMDI) {
            check_cmdi(name, value)
        } else {
            cmdi::leading_command(value).map(|h| (CheckName::Cmdi, h))
        },
        if wakes(C_PHP) {
            check_php(name, value)
        } else {
            None
        },
        if wakes(C_JS) {
            check_js(name, value)
        } else {
            None
        },
        if wakes(C_LDAP) {
            check_ldap(name, value)
        } else {
            None
        },
        if wakes(C_TRAVERSAL) {
            check_traversal(name, value)
        } else {
            traversal::base64_path(value).map(|h| (CheckName::Traversal, h))
        },
    ]
}

/// Runs every value check on `value` (already decoded as the application would see it) and
/// calls `f` with each hit. `name` is the parameter name, used by checks that care (file
/// inclusion looks harder at `page=` and `file=`).
pub fn scan_value(name: &str, value: &str, mut f: impl FnMut(CheckName, Hit)) {
    for (c, h) in run_checks(name, value).into_iter().flatten() {
        f(c, h);
    }
}

/// Where the two bytes `pair` stand in `b`: `memchr` for the first, then a look at the next,
/// without building a substring searcher as `memmem` does for every call.
pub(super) fn pair_positions(b: &[u8], pair: [u8; 2]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(pair[0], b).filter(move |&i| b.get(i + 1) == Some(&pair[1]))
}

/// Whether `b` holds the two bytes `pair` ([`pair_positions`]).
pub(super) fn has_pair(b: &[u8], pair: [u8; 2]) -> bool {
    pair_positions(b, pair).next().is_some()
}

/// Where a `://` starts in `b`.
pub(super) fn scheme_separators(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    pair_positions(b, *b":/").filter(move |&i| b.get(i + 2) == Some(&b'/'))
}

/// [`String::from_utf8_lossy`], with valid UTF-8 (nearly every body) checked by the faster
/// validator first.
fn text_of(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

struct Screener<'c> {
    cfg: &'c ScreeningConfig,
    path: &'c str,
    out: Screening,
    params: u32,
    /// Every hit the checks reported, also those below the paranoia level or excluded: what
    /// had none is clean for every policy, and may be remembered.
    reported: u32,
}

fn evidence(value: &str, range: std::ops::Range<usize>) -> String {
    let start = range.start.min(value.len());
    let end = range.end.clamp(start, value.len());
    let (mut s, mut e) = (start, end);
    while !value.is_char_boundary(s) {
        s -= 1;
    }
    while !value.is_char_boundary(e) {
        e += 1;
    }
    let text = if s == e { value } else { &value[s..e] };
    text.chars().take(EVIDENCE_CHARS).collect()
}

impl Screener<'_> {
    fn excluded(&self, check: CheckName, name: &str) -> bool {
        self.cfg.exclude.iter().any(|x| {
            x.path.matches(self.path, false)
                && x.param.as_deref().is_none_or(|p| p == name)
                && (x.checks.is_empty() || x.checks.contains(&check))
        })
    }

    /// A hit of the value checks on a parameter's value.
    fn value_hit(&mut self, c: CheckName, h: Hit, location: Location, name: &str, value: &str) {
        if crate::classify::is_password_name(name.as_bytes()) {
            return self.password_hit(c, h, location, name, value);
        }
        self.hit(c, h, location, name, value);
    }

    /// A hit in a password field's value. A password goes into a query (a sign-in that compares
    /// it in SQL or in an LDAP filter) and, in old scripts, into a command line; never into a
    /// page or a path, so only those three checks count there. A generated password is full of
    /// symbols, so an SQL finding that rests on punctuation alone (`x'#`, `'='`, no keyword)
    /// counts from paranoia 2 there. What a password holds is never shown: a finding says
    /// where, not what.
    #[cold]
    fn password_hit(&mut self, c: CheckName, h: Hit, location: Location, name: &str, value: &str) {
        if !matches!(c, CheckName::Sqli | CheckName::Cmdi | CheckName::Ldap) {
            // Not a finding, but a report: what held it is not remembered as clean.
            self.reported += 1;
            return;
        }
        let level = if c == CheckName::Sqli && !sqli::speaks_sql(value) {
            h.level.max(2)
        } else {
            h.level
        };
        let h = Hit {
            level,
            evidence: 0..HIDDEN.len(),
            ..h
        };
        self.hit(c, h, location, name, HIDDEN);
    }

    fn hit(&mut self, check: CheckName, hit: Hit, location: Location, name: &str, value: &str) {
        self.reported += 1;
        if hit.level > self.cfg.paranoia
            || self.out.findings.len() >= MAX_FINDINGS
            || self.excluded(check, name)
        {
            return;
        }
        self.out.findings.push(Finding {
            check,
            location,
            name: name.chars().take(EVIDENCE_CHARS).collect(),
            evidence: evidence(value, hit.evidence.clone()),
            severity: severity(hit.level),
            rule: hit.rule,
        });
    }

    fn limit(&mut self, limit: Limit) {
        self.out.limit.get_or_insert(limit);
        if self.cfg.on_limit == OnLimit::ScreenPrefix {
            self.out.partial = true;
        }
    }

    /// Counts a parameter; false once past `max_params`.
    fn count(&mut self) -> bool {
        self.params += 1;
        if self.params > self.cfg.max_params {
            self.limit(Limit::Params);
            return false;
        }
        true
    }

    fn value(&mut self, location: Location, name: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        for (c, h) in run_checks(name, value).into_iter().flatten() {
            self.value_hit(c, h, location, name, value);
        }
    }

    /// A parameter name or JSON key, screened as a value, except that a command name alone is
    /// a name (`passwd`, `hostname` fields) and not an injection ([`cmdi::scan_key`]).
    fn key(&mut self, location: Location, key: &str) {
        if key.is_empty() {
            return;
        }
        for (c, h) in run_checks("", key).into_iter().flatten() {
            let h = if c == CheckName::Cmdi {
                cmdi::as_key(key, h)
            } else {
                h
            };
            self.hit(c, h, location, "", key);
        }
    }

    /// A cookie: its name screened as a parameter name (applications read cookies by name, and
    /// PHP makes `a[b]` an array), its value as a value. Cookies repeat from request to request:
    /// one that was clean before, name and value, is not screened again.
    fn cookie(&mut self, name: &str, value: &str) {
        let screen = |s: &mut Self| {
            s.key(Location::Cookie, name);
            s.value(Location::Cookie, name, value);
        };
        if name.len() + value.len() < MIN_REMEMBERED {
            return screen(self);
        }
        self.remembered(Location::Cookie, name, value.as_bytes(), |_| {}, screen);
    }

    fn pair(&mut self, location: Location, raw_name: &str, raw_value: &str) -> bool {
        if !self.count() {
            return false;
        }
        let name = form_component(raw_name);
        let value = form_component(raw_value);
        self.key(location, &name);
        self.value(location, &name, &value);
        true
    }

    fn pairs(&mut self, location: Location, text: &str) {
        for (n, v) in raw_pairs(text) {
            if !self.pair(location, n, v) {
                break;
            }
        }
    }

    /// Runs `screen` on a part of the request that repeats from client to client (a header
    /// value, a cookie, the path of a page, a query string), unless the same `text` in the same
    /// place under the same `name` was screened clean before (a cookie named `user-agent` is no
    /// `User-Agent` header: the scanner check reads only the header); remembers it when nothing
    /// was reported at any level and no limit was reached. `recount` counts the parameters of a
    /// remembered part, so that the limits hold as if it had been screened.
    fn remembered(
        &mut self,
        place: Location,
        name: &str,
        text: &[u8],
        recount: impl FnOnce(&mut Self),
        screen: impl FnOnce(&mut Self),
    ) {
        let fp = clean::fingerprint(place, name, text);
        if clean::known(fp) {
            return recount(self);
        }
        let (reported, limit) = (self.reported, self.out.limit);
        screen(self);
        if self.reported == reported && self.out.limit == limit {
            clean::remember(fp);
        }
    }
}

/// Screens `req`, whose normalised path is `path`.
pub fn screen(req: &Request<'_>, path: &str, cfg: &ScreeningConfig) -> Screening {
    let mut s = Screener {
        cfg,
        path,
        out: Screening::default(),
        params: 0,
        reported: 0,
    };
    let headers = req.header_view();

    // The path: probes, and what the raw path says once decoded (traversal, injection in a
    // path segment). The pages of a site are few and every client asks for them: a path
    // screened clean is remembered, by its raw form (the normalised one follows from it).
    let raw_path = req.path();
    s.remembered(
        Location::Path,
        "",
        raw_path.as_bytes(),
        |_| {},
        |s| {
            if let Some(h) = probe::scan_path(path) {
                s.hit(CheckName::Probe, h, Location::Path, "", path);
            }
            if raw_path
                .bytes()
                .any(|b| b == b'%' || b == b'\\' || b == b'.' || b == b'\'' || b == b'<')
            {
                let decoded = percent_decode(raw_path.as_bytes(), false);
                let text = text_of(&decoded);
                s.value(Location::Path, "", &text);
            }
        },
    );

    // The query string, remembered like the path (`?page=2`, `?lang=ur`).
    if let Some(q) = req.query() {
        s.remembered(
            Location::Query,
            "",
            q.as_bytes(),
            |s| {
                for _ in raw_pairs(q) {
                    if !s.count() {
                        break;
                    }
                }
            },
            |s| s.pairs(Location::Query, q),
        );
    }

    // Cookies.
    for cookie in headers.get_all("cookie") {
        let text = text_of(cookie);
        for part in text.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            if !s.count() {
                break;
            }
            let (name, value) = part.split_once('=').unwrap_or(("", part));
            let name = percent_decode(name.trim().as_bytes(), false);
            let value = percent_decode(value.as_bytes(), false);
            s.cookie(&text_of(&name), &text_of(&value));
        }
    }

    // Headers attackers use. The scanner check on `User-Agent` shares the memory of clean
    // values with the value checks: a remembered value passed all of them.
    for (name, value) in headers.iter() {
        let lname_is = |h: &str| name.eq_ignore_ascii_case(h);
        let is_ua = lname_is("user-agent");
        let screened = cfg.headers.iter().any(|h| match h.strip_suffix('*') {
            Some(prefix) => name
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix)),
            None => lname_is(h),
        });
        if !is_ua && !screened {
            continue;
        }
        let scan = |s: &mut Screener<'_>| {
            let decoded = percent_decode(value, false);
            let text = text_of(&decoded);
            if is_ua {
                if let Some(h) = probe::scan_user_agent(&text_of(value)) {
                    s.hit(CheckName::Scanner, h, Location::Header, name, &text);
                }
            }
            if screened {
                for (c, h) in run_checks(name, &text).into_iter().flatten() {
                    s.hit(c, h, Location::Header, name, &text);
                }
            }
        };
        // Remembered by the raw value, which both checks read (the scanner check undecoded).
        if screened {
            s.remembered(Location::Header, name, value, |_| {}, scan);
        } else {
            scan(&mut s);
        }
    }

    // The body.
    if let Some(body) = req.body_bytes() {
        body_values(&mut s, req, body);
    }
    s.out
}

fn body_values(s: &mut Screener<'_>, req: &Request<'_>, body: &[u8]) {
    let mut body = body;
    if body.len() as u64 > s.cfg.max_body_bytes {
        s.limit(Limit::BodyBytes);
        if s.cfg.on_limit == OnLimit::Block {
            return;
        }
        body = &body[..s.cfg.max_body_bytes as usize];
    }
    if body.is_empty() {
        return;
    }
    // A compressed body is screened as the application's body parser will read it.
    let inflated;
    if let Some(codings) = req.header_view().get("content-encoding") {
        match crate::coding::decode(codings, body, s.cfg.max_body_bytes as usize) {
            Ok(None) => {}
            Ok(Some(decoded)) => {
                inflated = decoded;
                if inflated.truncated {
                    s.limit(Limit::BodyBytes);
                    if s.cfg.on_limit == OnLimit::Block {
                        return;
                    }
                }
                body = &inflated.bytes;
            }
            Err(_) => return s.limit(Limit::BodyEncoding),
        }
    }
    let ct = req.content_type().unwrap_or("");
    let is = |t: &str| ct.eq_ignore_ascii_case(t);
    if is("application/x-www-form-urlencoded") {
        let text = text_of(body);
        s.pairs(Location::Body, &text);
    } else if is("application/json")
        || (ct.len() > 5 && ct.as_bytes()[ct.len() - 5..].eq_ignore_ascii_case(b"+json"))
    {
        json_body(s, &json::as_utf8(body));
    } else if ct.len() >= 10 && ct.as_bytes()[..10].eq_ignore_ascii_case(b"multipart/") {
        let full = req.header_view().get("content-type").unwrap_or(b"");
        let Some(boundary) = multipart::boundary(full) else {
            return whole_body(s, body);
        };
        for part in multipart::parts(body, boundary) {
            let Ok(part) = part else {
                return whole_body(s, body);
            };
            if !s.count() {
                break;
            }
            let name = text_of(part.name.unwrap_or(b""));
            // A field named twice (`name="content"; name="title"`) is screened under each
            // name: servers keep different ones, and exclusions and password fields go by name.
            let given = part
                .disposition
                .map_or(0, |d| memchr::memchr_iter(b'=', d).count());
            let more: Vec<String> = if given > 1 + usize::from(part.is_file()) {
                part.names()
                    .iter()
                    .map(|n| text_of(n).into_owned())
                    .filter(|n| *n != name)
                    .collect()
            } else {
                Vec::new()
            };
            let names = || std::iter::once(name.as_ref()).chain(more.iter().map(String::as_str));
            match part.filename {
                Some(filename) => {
                    let head = &part.body[..part.body.len().min(UPLOAD_HEAD)];
                    let fname = text_of(filename);
                    let mut found = webshell::scan_upload_part(filename, part.content_type, head);
                    // The name as other servers read it: a later `filename` (PHP), `filename*`
                    // (Python), the pieces of `filename*0`, `filename*1`...
                    let mut other = None;
                    let mut alts = Vec::new();
                    for alt in part.file_names() {
                        if alt.as_ref() == filename {
                            continue;
                        }
                        let alt = text_of(&alt).into_owned();
                        if found.is_none() {
                            found = webshell::scan_file_name(alt.as_bytes())
                                .map(|h| (h, webshell::UploadPart::Name));
                            if found.is_some() {
                                other = Some(alt.clone());
                            }
                        }
                        alts.push(alt);
                    }
                    let shown = other.as_deref().unwrap_or(&fname);
                    for field in names() {
                        upload_hit(s, found.clone(), Location::Multipart, field, shown, head);
                        s.value(Location::Multipart, field, &fname);
                        for alt in &alts {
                            s.value(Location::Multipart, field, alt);
                        }
                    }
                }
                None => {
                    let value = text_of(part.body);
                    for field in names() {
                        s.value(Location::Multipart, field, &value);
                    }
                }
            }
        }
    } else if ct
        .as_bytes()
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"xml"))
    {
        xml_body(s, body);
    } else if is("application/graphql")
        || ct.get(..5).is_some_and(|t| t.eq_ignore_ascii_case("text/"))
        || ct.is_empty()
    {
        whole_body(s, body);
    } else {
        // A type Qila does not parse (`application/octet-stream`, `application/x-foo`). Many
        // applications read the body as JSON or as a form whatever its declared type
        // (`json.loads(request.body)`, `parse_str(file_get_contents('php://input'))`), so
        // declaring another type must not hide one: text shaped like JSON or like a form is
        // read as such. Anything else is a file sent as the body (a photo, a page, a
        // document), screened as uploads are.
        let utf8 = json::as_utf8(body);
        let text = reads_as_text(&utf8);
        match utf8.iter().find(|c| !c.is_ascii_whitespace()) {
            Some(b'{' | b'[') if text => json_body(s, &utf8),
            _ if text && form_shaped(body) => s.pairs(Location::Body, &text_of(body)),
            _ => {
                let head = &body[..body.len().min(UPLOAD_HEAD)];
                let found = webshell::scan_upload_part(b"", Some(ct.as_bytes()), head);
                upload_hit(s, found, Location::Body, "", "", head);
            }
        }
    }
}

/// An XML body (SOAP, XML-RPC) is screened as its parser hands it over: each run of text
/// under its element's name and each attribute value under the attribute's, references undone
/// (`1&#x27; or 1=1` is `1' or 1=1` to the application); the document type declaration as one
/// value. Unless that finds something, the document is then screened whole as text, as other
/// text bodies are, for what only its markup shows (a `<script>` element of an SVG image).
fn xml_body(s: &mut Screener<'_>, body: &[u8]) {
    let mut values: Vec<(&[u8], Cow<'_, str>)> = Vec::new();
    xml::walk(body, |_, name, text| values.push((name, text)));
    let before = s.out.findings.len();
    for (name, text) in values {
        if !s.count() {
            break;
        }
        s.value(Location::Body, &text_of(name), &text);
    }
    if s.out.findings.len() == before {
        whole_body(s, body);
    }
}

/// Reports what the web-shell check found in an uploaded file named `fname` whose first bytes
/// are `head`.
fn upload_hit(
    s: &mut Screener<'_>,
    found: Option<(Hit, webshell::UploadPart)>,
    place: Location,
    name: &str,
    fname: &str,
    head: &[u8],
) {
    match found {
        Some((h, webshell::UploadPart::Name)) => {
            s.hit(CheckName::Webshell, h, place, name, fname);
        }
        Some((mut h, webshell::UploadPart::Content)) => {
            // The evidence is what was found in the file, not in its name.
            let at = head.get(h.evidence.clone()).unwrap_or_default();
            let found = String::from_utf8_lossy(at);
            h.evidence = 0..found.len();
            s.hit(CheckName::Webshell, h, place, name, &found);
        }
        None => {}
    }
}

fn json_body(s: &mut Screener<'_>, body: &[u8]) {
    let mut strings = 0u32;
    let result = json::walk(body, s.cfg.max_json_depth as usize, |key, string| {
        strings += 1;
        if strings > s.cfg.max_params {
            return;
        }
        if string.is_key {
            s.key(Location::Json, &string.text);
        } else {
            s.value(Location::Json, key, &string.text);
        }
    });
    if strings > s.cfg.max_params {
        s.limit(Limit::Params);
    }
    match result {
        Ok(()) => {}
        Err(json::JsonError::TooDeep) => s.limit(Limit::JsonDepth),
        // Not JSON after all: screen it as text rather than not at all.
        Err(json::JsonError::Invalid) => whole_body(s, body),
    }
}

/// Whether `body` opens like `name=value`: a parameter name of URL-safe bytes, then `=`.
fn form_shaped(body: &[u8]) -> bool {
    let name = body
        .iter()
        .take(256)
        .take_while(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'[' | b']' | b'%')
        })
        .count();
    name > 0 && body.get(name) == Some(&b'=')
}

/// Whether the first kilobyte of `body` is UTF-8 text without NUL bytes (a sequence cut at the
/// kilobyte's end still counts).
fn reads_as_text(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    !head.contains(&0)
        && match std::str::from_utf8(head) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        }
}

/// How many bytes of an uploaded file are screened.
pub const UPLOAD_HEAD: usize = 64 * 1024;

fn whole_body(s: &mut Screener<'_>, body: &[u8]) {
    let text = text_of(body);
    if s.count() {
        s.value(Location::Body, "", &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Request;

    fn config(paranoia: u8) -> ScreeningConfig {
        ScreeningConfig {
            paranoia,
            ..ScreeningConfig::default()
        }
    }

    fn checks(target: &str, paranoia: u8) -> Vec<CheckName> {
        let req = Request::new("GET", target);
        let path = crate::path::normalize(req.path());
        screen(&req, path.as_str(), &config(paranoia))
            .findings
            .iter()
            .map(|f| f.check)
            .collect()
    }

    /// Whether `text` in `place` (no name) is remembered clean.
    fn known(place: Location, text: &str) -> bool {
        clean::known(clean::fingerprint(place, "", text.as_bytes()))
    }

    #[test]
    fn a_clean_path_and_query_are_remembered() {
        let (path, query) = ("/services/remembered-page-7d41", "lang=ur&page=2");
        assert!(!known(Location::Path, path));
        assert!(checks(&format!("{path}?{query}"), 4).is_empty());
        assert!(known(Location::Path, path));
        assert!(known(Location::Query, query));
        // Remembered, still counted against the parameter limit.
        let req = Request::new("GET", "/services/remembered-page-7d41?lang=ur&page=2");
        let cfg = ScreeningConfig {
            max_params: 1,
            ..config(1)
        };
        assert_eq!(screen(&req, path, &cfg).limit, Some(Limit::Params));
    }

    #[test]
    fn a_header_is_remembered_by_what_every_check_reads() {
        // The scanner check reads the `User-Agent` undecoded: an encoded name that it does not
        // know must not make the plain name pass as remembered.
        let ua = |value: &'static str| {
            let headers = [("User-Agent", value)];
            let req = Request::new("GET", "/").headers(&headers);
            screen(&req, "/", &config(1))
                .findings
                .iter()
                .map(|f| f.check)
                .collect::<Vec<_>>()
        };
        assert!(ua("sqlm%61p/1.8.4-e91b").is_empty());
        assert!(ua("sqlm%61p/1.8.4-e91b").is_empty());
        assert_eq!(ua("sqlmap/1.8.4-e91b"), [CheckName::Scanner]);
    }

    /// The checks that fire on a `GET /` with these headers, at paranoia 1.
    fn header_checks(
        headers: &[(&str, &str)],
        cfg: &ScreeningConfig,
    ) -> Vec<(CheckName, Location)> {
        let req = Request::new("GET", "/").headers(headers);
        screen(&req, "/", cfg)
            .findings
            .iter()
            .map(|f| (f.check, f.location))
            .collect()
    }

    #[test]
    fn a_cookie_does_not_vouch_for_a_header_of_its_name() {
        // The scanner check reads only the `User-Agent` header: a cookie of that name and value
        // passes, and must not make the header pass as remembered.
        let ua = "sqlmap/1.8.5#dev (https://sqlmap.org)";
        let cookie = format!("user-agent={ua}");
        for _ in 0..2 {
            assert!(header_checks(&[("Cookie", &cookie)], &config(1)).is_empty());
        }
        assert_eq!(
            header_checks(&[("user-agent", ua)], &config(1)),
            [(CheckName::Scanner, Location::Header)]
        );
    }

    #[test]
    fn cookie_names_are_screened_like_parameter_names() {
        for _ in 0..2 {
            assert_eq!(
                header_checks(&[("Cookie", "lang=ur; x' or 1=1-- =1")], &config(1)),
                [(CheckName::Sqli, Location::Cookie)]
            );
            assert_eq!(
                header_checks(&[("Cookie", "<svg%20onload%3Dalert(1)>=x")], &config(1)),
                [(CheckName::Xss, Location::Cookie)]
            );
        }
        // Names that hold a command name are names (`passwd`, `hostname`), as parameter names.
        for cookie in [
            "passwd=1",
            "hostname=web1",
            "wordpress_logged_in_5c8e=admin%7C1733",
        ] {
            assert!(
                header_checks(&[("Cookie", cookie)], &config(1)).is_empty(),
                "{cookie}"
            );
        }
    }

    #[test]
    fn a_header_pattern_ending_in_a_star_screens_every_header_it_starts() {
        let headers = [("X-Api-Version", "1' union select password from users--")];
        assert!(header_checks(&headers, &config(1)).is_empty());
        let cfg = ScreeningConfig {
            headers: vec!["user-agent".into(), "x-*".into()],
            ..config(1)
        };
        assert_eq!(
            header_checks(&headers, &cfg),
            [(CheckName::Sqli, Location::Header)]
        );
        // The pattern is a prefix of the name, not a substring.
        let other = [("Accept-X-Api", "1' union select password from users--")];
        assert!(header_checks(&other, &cfg).is_empty());
    }

    #[test]
    fn what_a_lower_paranoia_ignores_is_not_remembered() {
        // `make` alone is a command only at paranoia 4: a policy at 1 does not report it, but it
        // must not remember the query as clean for a policy at 4.
        let target = "/search-4b2e?q=make";
        for _ in 0..2 {
            assert!(checks(target, 1).is_empty());
        }
        assert_eq!(checks(target, 4), [CheckName::Cmdi]);
        assert!(!known(Location::Query, "q=make"));
    }
}
