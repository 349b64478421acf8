//! The verdict: everything a middleware needs to answer a request without further logic.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::classify::{Intent, Malformed, Surfaces};
use crate::client_ip::ClientAddr;
use crate::path::NormalizedPath;
use crate::policy::{Mode, Policy};
use crate::request::Request;
use crate::response::BodyFormat;
use crate::screen::{CheckName, Finding, Limit, Screening};
use crate::time::Timestamp;

/// What to do with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Pass it to the application.
    Allow,
    /// Answer with the verdict's status, headers and body; the application never sees it.
    Block,
    /// The policy would block it, but is in `monitor` mode: pass it on and log the event.
    Monitor,
}

impl Action {
    /// `allow`, `block` or `monitor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Block => "block",
            Action::Monitor => "monitor",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every reason a request can be refused. The [`code`](Reason::code) is stable: bindings, audit
/// events and documentation all print it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Reason {
    /// `write-in-lockdown`: a write (any method but the read methods, a method override, a
    /// GraphQL mutation) while the portal is read-only.
    WriteInLockdown,
    /// `admin-network`: an admin path from outside `admin.allow`.
    AdminNetwork,
    /// `denied-path`: a path on the `deny` list.
    DeniedPath,
    /// `malformed-request`: the request could not be understood and `on_malformed = "block"`.
    MalformedRequest,
    /// `sqli`: SQL injection found by screening.
    Sqli,
    /// `xss`: cross-site scripting found by screening.
    Xss,
    /// `traversal`: path traversal or a sensitive local path found by screening.
    Traversal,
    /// `rfi`: remote or wrapper file inclusion found by screening.
    Rfi,
    /// `cmdi`: OS command injection found by screening.
    Cmdi,
    /// `php`: PHP code injection found by screening.
    Php,
    /// `js`: server-side JavaScript injection, prototype pollution or a MongoDB operator found
    /// by screening.
    Js,
    /// `ldap`: LDAP filter injection found by screening.
    Ldap,
    /// `webshell`: an upload that is or carries a web shell.
    Webshell,
    /// `probe`: a request for a sensitive file or a known exploit path.
    Probe,
    /// `scanner`: a known attack tool's user agent.
    Scanner,
    /// `limit-exceeded`: more body or parameters than screening reads, with `on_limit = "block"`.
    LimitExceeded,
}

impl Reason {
    /// Every reason, in declaration order.
    pub const ALL: [Reason; 16] = [
        Reason::WriteInLockdown,
        Reason::AdminNetwork,
        Reason::DeniedPath,
        Reason::MalformedRequest,
        Reason::Sqli,
        Reason::Xss,
        Reason::Traversal,
        Reason::Rfi,
        Reason::Cmdi,
        Reason::Php,
        Reason::Js,
        Reason::Ldap,
        Reason::Webshell,
        Reason::Probe,
        Reason::Scanner,
        Reason::LimitExceeded,
    ];

    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::WriteInLockdown => "write-in-lockdown",
            Reason::AdminNetwork => "admin-network",
            Reason::DeniedPath => "denied-path",
            Reason::MalformedRequest => "malformed-request",
            Reason::Sqli => "sqli",
            Reason::Xss => "xss",
            Reason::Traversal => "traversal",
            Reason::Rfi => "rfi",
            Reason::Cmdi => "cmdi",
            Reason::Php => "php",
            Reason::Js => "js",
            Reason::Ldap => "ldap",
            Reason::Webshell => "webshell",
            Reason::Probe => "probe",
            Reason::Scanner => "scanner",
            Reason::LimitExceeded => "limit-exceeded",
        }
    }

    /// A one-line English explanation for logs and reviewers.
    pub fn message(self) -> &'static str {
        match self {
            Reason::WriteInLockdown => "the portal is read-only and this request writes",
            Reason::AdminNetwork => "admin area requested from outside the allowed networks",
            Reason::DeniedPath => "path is on the deny list",
            Reason::MalformedRequest => "request could not be understood (fail closed)",
            Reason::Sqli => "SQL injection",
            Reason::Xss => "cross-site scripting",
            Reason::Traversal => "path traversal",
            Reason::Rfi => "file inclusion",
            Reason::Cmdi => "OS command injection",
            Reason::Php => "PHP code injection",
            Reason::Js => "server-side JavaScript injection, prototype pollution or NoSQL operator",
            Reason::Ldap => "LDAP filter injection",
            Reason::Webshell => "web shell upload",
            Reason::Probe => "probe for a sensitive file or exploit path",
            Reason::Scanner => "attack tool",
            Reason::LimitExceeded => "more input than screening reads (fail closed)",
        }
    }

    /// Whether the reason comes from screening (an attack found in the request).
    pub fn is_screening(self) -> bool {
        matches!(
            self,
            Reason::Sqli
                | Reason::Xss
                | Reason::Traversal
                | Reason::Rfi
                | Reason::Cmdi
                | Reason::Php
                | Reason::Js
                | Reason::Ldap
                | Reason::Webshell
                | Reason::Probe
                | Reason::Scanner
                | Reason::LimitExceeded
        )
    }

    /// The reason a screening check's findings are refused with.
    pub fn from_check(check: CheckName) -> Reason {
        match check {
            CheckName::Sqli => Reason::Sqli,
            CheckName::Xss => Reason::Xss,
            CheckName::Traversal => Reason::Traversal,
            CheckName::Rfi => Reason::Rfi,
            CheckName::Cmdi => Reason::Cmdi,
            CheckName::Php => Reason::Php,
            CheckName::Js => Reason::Js,
            CheckName::Ldap => Reason::Ldap,
            CheckName::Webshell => Reason::Webshell,
            CheckName::Probe => Reason::Probe,
            CheckName::Scanner => Reason::Scanner,
        }
    }

    /// The reason with this code.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Why an allowed request was allowed, for reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AllowedBy {
    /// It reads.
    Read,
    /// The policy is `open` (or its `until` has passed).
    OpenMode,
    /// Its path is `exempt`.
    Exempt,
    /// It is one of the `safe_writes`.
    SafeWrite,
    /// It comes from a `writers` network.
    Writer,
}

impl AllowedBy {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AllowedBy::Read => "read",
            AllowedBy::OpenMode => "open-mode",
            AllowedBy::Exempt => "exempt",
            AllowedBy::SafeWrite => "safe-write",
            AllowedBy::Writer => "writer",
        }
    }
}

/// The decision on one request. Borrows the policy (for the rendered pages) and the request.
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    pub(crate) action: Action,
    pub(crate) reason: Option<Reason>,
    pub(crate) mode: Mode,
    pub(crate) intent: Intent<'a>,
    pub(crate) client: ClientAddr,
    pub(crate) path: NormalizedPath<'a>,
    pub(crate) allowed_by: Option<AllowedBy>,
    pub(crate) admin: bool,
    pub(crate) format: BodyFormat,
    pub(crate) time: Timestamp,
    pub(crate) screening: Screening,
    pub(crate) policy: &'a Policy,
    pub(crate) request: Request<'a>,
}

impl<'a> Verdict<'a> {
    /// Allow, block or monitor.
    pub fn action(&self) -> Action {
        self.action
    }

    /// Whether the middleware must answer instead of the application.
    pub fn is_blocked(&self) -> bool {
        self.action == Action::Block
    }

    /// Why the request is (or, in monitor mode, would be) refused.
    pub fn reason(&self) -> Option<Reason> {
        self.reason
    }

    /// The status to answer with: the refusal's status when blocked or monitored, 200 otherwise
    /// (the application chooses its own).
    pub fn status(&self) -> u16 {
        match self.reason {
            Some(r) => self.policy.pages.get(r).status,
            None => 200,
        }
    }

    /// A human explanation.
    pub fn message(&self) -> &'static str {
        match (self.reason, self.allowed_by) {
            (Some(r), _) => r.message(),
            (None, Some(AllowedBy::Read)) => "a read",
            (None, Some(AllowedBy::OpenMode)) => "the portal is open",
            (None, Some(AllowedBy::Exempt)) => "the path is exempt from the lockdown",
            (None, Some(AllowedBy::SafeWrite)) => "a safe write, open during the lockdown",
            (None, Some(AllowedBy::Writer)) => "the client is on a writers network",
            (None, None) => "allowed",
        }
    }

    /// The mode in force when the request was decided.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// What the request does (read or write) and which surfaces it touches.
    pub fn intent(&self) -> &Intent<'a> {
        &self.intent
    }

    /// The surfaces the request touches.
    pub fn surfaces(&self) -> Surfaces {
        self.intent.surfaces
    }

    /// The client address and where it came from.
    pub fn client(&self) -> &ClientAddr {
        &self.client
    }

    /// The normalised path the rules were matched against.
    pub fn path(&self) -> &NormalizedPath<'a> {
        &self.path
    }

    /// Why an allowed request was allowed.
    pub fn allowed_by(&self) -> Option<AllowedBy> {
        self.allowed_by
    }

    /// The attacks screening found (at or below the policy's paranoia level).
    pub fn findings(&self) -> &[Finding] {
        &self.screening.findings
    }

    /// The screening limit the request went past, if any.
    pub fn limit(&self) -> Option<Limit> {
        self.screening.limit
    }

    /// Whether the path is an admin path.
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// The body format of a refusal, chosen from the request's `Accept` (HTML for allowed requests).
    pub fn body_format(&self) -> BodyFormat {
        self.format
    }

    /// The headers to add to the response: on a refusal, `Content-Type`, `Cache-Control:
    /// no-store`, and for lockdown refusals `Retry-After` and the mode header; on an allowed
    /// request during the lockdown, the mode header.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        let pages = &self.policy.pages;
        let (list, mode_header): (&'a [(String, String)], bool) = match (self.action, self.reason) {
            (Action::Block, Some(r)) => {
                let page = pages.get(r);
                let list = match self.format {
                    BodyFormat::Html => &page.html_headers,
                    BodyFormat::Json => &page.json_headers,
                };
                // The lockdown page carries the mode header itself.
                (
                    list,
                    self.mode == Mode::ReadOnly && r != Reason::WriteInLockdown,
                )
            }
            _ => (&[], self.mode == Mode::ReadOnly),
        };
        let extra: &'a [(String, String)] = if mode_header {
            &pages.lockdown_allow_headers
        } else {
            &[]
        };
        list.iter()
            .chain(extra)
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The response body for a blocked request, with its content type.
    pub fn body(&self) -> Option<(&'static str, &'a str)> {
        if self.action != Action::Block {
            return None;
        }
        let page = self.policy.pages.get(self.reason?);
        Some(match self.format {
            BodyFormat::Html => (BodyFormat::Html.content_type(), page.html.as_str()),
            BodyFormat::Json => (BodyFormat::Json.content_type(), page.json.as_str()),
        })
    }

    /// The audit event of this decision, serialisable as one JSON line.
    pub fn audit(&self) -> AuditEvent<'_> {
        AuditEvent {
            time: self.time,
            action: self.action,
            reason: self.reason,
            status: self.reason.map(|_| self.status()),
            mode: self.mode,
            client: self.client.ip,
            client_source: self.client.source.as_str(),
            peer: self.request.peer_addr(),
            method: self.request.method(),
            path: self.path.as_str(),
            target: self.request.target(),
            write: self.intent.write,
            surfaces: self.intent.surfaces,
            override_method: self.intent.override_method.as_deref(),
            allowed_by: self.allowed_by,
            malformed: self.intent.malformed,
            path_flags: self.path.flags().names().collect(),
            findings: &self.screening.findings,
            limit: self.screening.limit,
        }
    }
}

/// One audit record. `serde_json::to_string(&event)` gives the JSON line; [`AuditEvent::to_json`]
/// does it for you.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct AuditEvent<'a> {
    /// When the request was decided (UTC).
    pub time: Timestamp,
    /// What was done.
    pub action: Action,
    /// Why, when refused or monitored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The refusal status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The mode in force.
    pub mode: Mode,
    /// The client address.
    pub client: IpAddr,
    /// Where the client address came from (`peer`, `x-forwarded-for`, ...).
    pub client_source: &'static str,
    /// The socket peer.
    pub peer: IpAddr,
    /// The method as sent.
    pub method: &'a str,
    /// The normalised path.
    pub path: &'a str,
    /// The raw request target.
    pub target: &'a str,
    /// Whether the request writes.
    pub write: bool,
    /// The surfaces it touches.
    pub surfaces: Surfaces,
    /// The method named by an override header or `_method` field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_method: Option<&'a str>,
    /// Why an allowed request was allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_by: Option<AllowedBy>,
    /// What could not be understood.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub malformed: Option<Malformed>,
    /// What normalising the path had to undo.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path_flags: Vec<&'static str>,
    /// What screening found.
    #[serde(skip_serializing_if = "<[Finding]>::is_empty")]
    pub findings: &'a [Finding],
    /// The screening limit the request went past.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
}

impl AuditEvent<'_> {
    /// The event as one line of JSON (no trailing newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
