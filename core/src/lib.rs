//! Qila (قلعہ, "fort") locks a web portal into a read-only state and screens what still comes
//! in. Pages stay readable; forms, sign-ins, uploads and every other write are refused; admin
//! back-ends answer only to allowlisted networks; secrets and backups are never served.
//!
//! ```
//! use qila::{Action, Policy, Request};
//!
//! // The built-in policy is a lockdown: reads pass, writes are refused.
//! let policy = Policy::default();
//!
//! let page = policy.evaluate(&Request::new("GET", "/services/passport?lang=ur"));
//! assert_eq!(page.action(), Action::Allow);
//!
//! let form = policy.evaluate(&Request::new("POST", "/contact"));
//! assert_eq!(form.action(), Action::Block);
//! assert_eq!(form.status(), 503);
//! assert_eq!(form.reason().unwrap().code(), "write-in-lockdown");
//! assert!(form.headers().any(|(name, _)| name == "Retry-After"));
//!
//! // Encodings do not dodge a rule: this is `/wp-admin/` from outside the admin networks.
//! let sneaky = policy.evaluate(&Request::new("GET", "/static/..%2f%57p-admin/"));
//! assert_eq!(sneaky.reason().unwrap().code(), "admin-network");
//! ```
//!
//! # The pipeline
//!
//! [`Policy::evaluate`] runs one pipeline (`evaluate.rs`): the [`Request`] view is borrowed from
//! the caller; its path is [normalised](path::normalize) and its client address
//! [resolved](client_ip::resolve); its [intent](classify::classify) (read or write, and the
//! surfaces: login, upload, form, JSON, GraphQL, XML-RPC, WebDAV, method override) is worked
//! out; then the rules apply in this order: `deny` paths (404), malformed requests (400, fail
//! closed), `admin` paths from outside `admin.allow` (403), and in lockdown every write that is
//! not exempt, a safe write or from a writers network (503 with `Retry-After`). The
//! [`Verdict`] carries the action, status, stable [`Reason`] code, headers, rendered body and an
//! [`AuditEvent`] that serialises as one JSON line.
//!
//! # Screening
//!
//! After the lockdown rules, [`screen`] checks what still comes in, in every place user input
//! hides (path, query, form, JSON, multipart, cookies, chosen headers), for SQL injection,
//! XSS, traversal and file inclusion, command and PHP injection, web shells, probes and attack
//! tools. A finding at or below the policy's paranoia level refuses the request with its check's
//! reason code (`sqli`, `xss`, ...), even a read during the lockdown; in `monitor` mode it is only
//! reported. [`Verdict::findings`] says what was found and where.
//!
//! ```
//! let policy = qila::Policy::default();
//! let v = policy.evaluate(&qila::Request::new("GET", "/search?q=%27+OR+1%3D1--"));
//! assert_eq!(v.reason().unwrap().code(), "sqli");
//! assert_eq!(v.findings()[0].name, "q");
//! ```
//!
//! # Policy file
//!
//! TOML, or the same structure as JSON. [`DEFAULT_POLICY_TOML`] lists every key with its default
//! and meaning; a file only states what it changes. Unknown keys, bad networks, patterns,
//! timestamps and statuses are refused with a [`PolicyError`] naming the key and line:
//!
//! ```
//! let err = qila::Policy::from_toml("[admin]\nallow = [\"10.0.0/8\"]").unwrap_err();
//! assert_eq!(err.key(), Some("admin.allow"));
//! assert_eq!(err.line(), Some(2));
//! ```
//!
//! `QILA_MODE` ([`Policy::with_env_mode`]) overrides `mode`; `until` ends a lockdown by itself.
//! A [`PolicyHandle`] swaps the policy atomically while requests are being evaluated.
//!
//! # Database writes
//!
//! [`sql::classify`] tells reads from writes in SQL text, so bindings can refuse database
//! writes in the application; [`sql::Engine::read_only_session_statement`] gives the statement
//! that makes a session read-only at the database itself.
//!
//! # Performance
//!
//! A benign `GET` is decided without any heap allocation: paths that need no normalising are
//! borrowed, headers are scanned in place, refusal pages are rendered once when the policy is
//! loaded. `cargo bench -p qila-benches` measures it; the README has the figures.
//!
//! # Untrusted input
//!
//! Everything in the [`Request`] is attacker-controlled: method, target, headers, body. Qila
//! promises: no input panics or takes more than linear time; percent-encoding, double encoding,
//! overlong UTF-8, dot segments, `;params`, backslashes and case do not let a path escape a
//! `deny` or `admin` rule; no header makes an untrusted peer look like another address; a
//! request that cannot be understood is refused unless the policy says `on_malformed = "allow"`.
//! Qila does not promise that the application behind it agrees with its reading of a request
//! (a server that decodes paths twice as often as Qila does could be fooled), and the client
//! address is only as right as the `trusted_proxies` list.
//!
//! # Crate features
//!
//! * `http` (default): [`Request::from_http`] and [`Request::from_parts`].
//! * `tower`: `tower::QilaLayer`, a `tower::Layer` that puts any tower, hyper or axum service
//!   under a policy.
#![deny(missing_docs)]

pub mod classify;
pub mod client_ip;
pub mod coding;
pub mod decode;
mod error;
mod evaluate;
pub mod graphql;
mod handle;
pub mod multipart;
pub mod net;
pub mod path;
pub mod pattern;
pub mod policy;
pub mod request;
mod response;
pub mod screen;
pub mod sql;
pub mod time;
#[cfg(feature = "tower")]
pub mod tower;
pub mod verdict;

pub use classify::{Intent, Malformed, Surfaces};
pub use client_ip::{ClientAddr, ClientSource, ProxyConfig};
pub use error::PolicyError;
pub use handle::PolicyHandle;
pub use path::NormalizedPath;
pub use policy::{DEFAULT_POLICY_TOML, Mode, Policy, PolicyConfig};
pub use request::{Headers, Request};
pub use response::BodyFormat;
pub use time::Timestamp;
pub use verdict::{Action, AllowedBy, AuditEvent, Reason, Verdict};
