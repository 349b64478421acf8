//! The policy file: what is locked, for whom, and how refusals look.
//!
//! The text format is TOML; the same structure is accepted as JSON so that bindings can pass a
//! dict or an object. [`DEFAULT_POLICY_TOML`] is the reference: every key with its default and a
//! comment saying what it does.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::client_ip::ProxyConfig;
use crate::error::PolicyError;
use crate::net::NetList;
use crate::pattern::{PathIndex, PathPattern, PatternList};
use crate::response::Pages;
use crate::time::Timestamp;

/// The built-in default policy, with a comment on every key. `qila policy default` prints it.
pub const DEFAULT_POLICY_TOML: &str = include_str!("default-policy.toml");

/// What the policy does with writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Lockdown: reads are answered, writes are refused.
    ReadOnly,
    /// Normal operation: writes go through; admin, deny and screening rules still apply.
    Open,
    /// Decide as in lockdown, block nothing, report what would have been blocked.
    Monitor,
}

impl Mode {
    /// The kebab-case name used in policy files, verdicts and audit events.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadOnly => "read-only",
            Mode::Open => "open",
            Mode::Monitor => "monitor",
        }
    }

    /// Reads the `QILA_MODE` environment variable: `None` when it is unset or empty.
    pub fn from_env() -> Result<Option<Mode>, PolicyError> {
        match std::env::var("QILA_MODE") {
            Ok(v) if !v.trim().is_empty() => v.parse().map(Some),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(v)) => {
                Err(PolicyError::UnknownMode(v.to_string_lossy().into_owned()))
            }
        }
    }
}

impl FromStr for Mode {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, PolicyError> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "read-only" | "readonly" | "lockdown" => Ok(Mode::ReadOnly),
            "open" => Ok(Mode::Open),
            "monitor" => Ok(Mode::Monitor),
            _ => Err(PolicyError::UnknownMode(s.to_owned())),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do with a request that cannot be understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnMalformed {
    /// Refuse it (fail closed).
    Block,
    /// Let it through; the verdict still records the problem.
    Allow,
}

/// The policy as written: every key of the file. See [`DEFAULT_POLICY_TOML`] for each key's
/// meaning and default.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicyConfig {
    /// `mode`
    #[serde(default = "defaults::mode")]
    pub mode: Mode,
    /// `until`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    /// `on_malformed`
    #[serde(default = "defaults::on_malformed")]
    pub on_malformed: OnMalformed,
    /// `[lockdown]`
    #[serde(default)]
    pub lockdown: LockdownConfig,
    /// `[surfaces]`
    #[serde(default)]
    pub surfaces: SurfacesConfig,
    /// `[admin]`
    #[serde(default)]
    pub admin: AdminConfig,
    /// `[deny]`
    #[serde(default)]
    pub deny: DenyConfig,
    /// `[proxy]`
    #[serde(default)]
    pub proxy: ProxyConfig,
    /// `[response]`
    #[serde(default)]
    pub response: ResponseConfig,
    /// `[screening]`
    #[serde(default)]
    pub screening: ScreeningConfig,
}

/// `[lockdown]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct LockdownConfig {
    /// Methods that read.
    pub methods: MethodList,
    /// Paths where the lockdown does not apply.
    pub exempt: PatternList,
    /// Writes that stay open in lockdown.
    pub safe_writes: Vec<SafeWrite>,
    /// Networks that may still write.
    pub writers: NetList,
    /// Whether `exempt` and `safe_writes` ignore case.
    pub case_insensitive: bool,
}

/// `[surfaces]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct SurfacesConfig {
    /// Login paths.
    pub login: PatternList,
    /// GraphQL endpoints.
    pub graphql: PatternList,
}

/// `[admin]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct AdminConfig {
    /// Admin paths (replaces the defaults when given).
    pub paths: PatternList,
    /// Admin paths added to `paths`.
    pub extra: PatternList,
    /// Networks that may reach them.
    pub allow: NetList,
}

/// `[deny]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct DenyConfig {
    /// Denied paths (replaces the defaults when given).
    pub paths: PatternList,
    /// Denied paths added to `paths`.
    pub extra: PatternList,
}

/// `[response]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ResponseConfig {
    /// Status of lockdown refusals.
    #[serde(deserialize_with = "status")]
    pub lockdown_status: u16,
    /// Status of admin refusals.
    #[serde(deserialize_with = "status")]
    pub forbidden_status: u16,
    /// Status of deny-path refusals.
    #[serde(deserialize_with = "status")]
    pub denied_status: u16,
    /// Status of malformed-request refusals.
    #[serde(deserialize_with = "status")]
    pub malformed_status: u16,
    /// Status of screening refusals.
    #[serde(deserialize_with = "status")]
    pub screening_status: u16,
    /// Status of refusals past a screening limit.
    #[serde(deserialize_with = "status")]
    pub limit_status: u16,
    /// `Retry-After` seconds; 0 leaves it out.
    pub retry_after: u32,
    /// Name of the header announcing the read-only state; empty leaves it out. A header name
    /// (an HTTP token), so that the bindings can add it to a response as it is.
    #[serde(deserialize_with = "header_name_or_empty")]
    pub mode_header: String,
    /// What to do instead (English).
    pub contact: String,
    /// What to do instead (Urdu).
    pub contact_ur: String,
    /// Custom HTML page.
    pub html_template: String,
}

/// What past a screening limit means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnLimit {
    /// Refuse the request.
    Block,
    /// Screen what fits and let the rest through unscreened.
    ScreenPrefix,
}

/// The checks screening can run; the names are also the reason codes of their refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CheckName {
    /// SQL injection.
    Sqli,
    /// Cross-site scripting.
    Xss,
    /// Path traversal.
    Traversal,
    /// Remote and local file inclusion.
    Rfi,
    /// OS command injection.
    Cmdi,
    /// PHP code injection.
    Php,
    /// Server-side JavaScript injection, prototype pollution and MongoDB operators.
    Js,
    /// LDAP filter injection.
    Ldap,
    /// Web shells in uploads.
    Webshell,
    /// Probes for sensitive files and exploit paths.
    Probe,
    /// Scanner user agents.
    Scanner,
}

/// One `[[screening.exclude]]` table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Exclusion {
    /// The route it applies to.
    pub path: PathPattern,
    /// The parameter it applies to; every parameter when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The checks it turns off; every check when empty.
    #[serde(default)]
    pub checks: Vec<CheckName>,
}

/// `[screening]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ScreeningConfig {
    /// Whether screening runs.
    pub enabled: bool,
    /// 1 to 4.
    #[serde(deserialize_with = "paranoia")]
    pub paranoia: u8,
    /// Body bytes screened at most.
    pub max_body_bytes: u64,
    /// Parameters screened at most.
    pub max_params: u32,
    /// Nesting of a JSON body screened at most.
    pub max_json_depth: u32,
    /// Past a limit.
    pub on_limit: OnLimit,
    /// Headers screened (lower case); a name ending in `*` is a prefix (`x-*`).
    #[serde(deserialize_with = "header_names")]
    pub headers: Vec<String>,
    /// Exclusions.
    pub exclude: Vec<Exclusion>,
}

/// The methods that read (upper-cased, compared without regard to case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MethodList(Vec<String>);

impl MethodList {
    /// Whether `method` is in the list (ASCII case-insensitive).
    #[inline]
    pub fn contains(&self, method: &str) -> bool {
        self.0.iter().any(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Whether `s` is an HTTP token (RFC 9110 `tchar`s), as a method must be.
pub fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl<'de> Deserialize<'de> for MethodList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        for m in &v {
            if !is_token(m) {
                return Err(serde::de::Error::custom(format!(
                    "`{m}` is not an HTTP method"
                )));
            }
        }
        Ok(MethodList(
            v.into_iter().map(|m| m.to_ascii_uppercase()).collect(),
        ))
    }
}

/// One `safe_writes` entry: `"POST /search"` or `"/search"` (any method).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeWrite {
    /// The method, or `None` for any.
    pub method: Option<String>,
    /// The route.
    pub path: PathPattern,
    source: String,
}

impl SafeWrite {
    /// Parses `"METHOD /path"` or `"/path"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let (method, path) = match t.split_once(char::is_whitespace) {
            Some((m, p)) => (Some(m), p.trim()),
            None => (None, t),
        };
        if let Some(m) = method {
            if !is_token(m) {
                return Err(format!(
                    "`{s}`: `{m}` is not an HTTP method; write `POST /search` or `/search`"
                ));
            }
        }
        let path = PathPattern::new(path).map_err(|e| format!("`{s}`: {e}"))?;
        Ok(SafeWrite {
            method: method.map(str::to_ascii_uppercase),
            path,
            source: t.to_owned(),
        })
    }

    /// Whether a request with this method and normalised path is covered.
    pub fn matches(&self, method: &str, path: &str, ignore_case: bool) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.matches(path, ignore_case)
    }
}

impl<'de> Deserialize<'de> for SafeWrite {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SafeWrite::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for SafeWrite {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

fn status<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    let v = i64::deserialize(d)?;
    if !(400..=599).contains(&v) {
        return Err(serde::de::Error::custom(format!(
            "{v} is not a refusal status: use a 4xx or 5xx code such as 403 or 503"
        )));
    }
    Ok(v as u16)
}

fn paranoia<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    let v = i64::deserialize(d)?;
    if !(1..=4).contains(&v) {
        return Err(serde::de::Error::custom(format!(
            "paranoia {v} is out of range: use 1, 2, 3 or 4"
        )));
    }
    Ok(v as u8)
}

fn header_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Vec::<String>::deserialize(d)?;
    v.into_iter()
        .map(|h| {
            if is_token(&h) {
                Ok(h.to_ascii_lowercase())
            } else {
                Err(not_a_header_name(&h))
            }
        })
        .collect()
}

fn header_name_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let h = String::deserialize(d)?;
    if h.is_empty() || is_token(&h) {
        Ok(h)
    } else {
        Err(not_a_header_name(&h))
    }
}

fn not_a_header_name<E: serde::de::Error>(h: &str) -> E {
    E::custom(format!("`{}` is not a header name", h.escape_debug()))
}

mod defaults {
    use super::*;

    pub(super) fn mode() -> Mode {
        Mode::ReadOnly
    }
    pub(super) fn on_malformed() -> OnMalformed {
        OnMalformed::Block
    }
}

fn patterns(list: &[&str]) -> PatternList {
    PatternList::new(list).expect("built-in patterns are valid")
}

impl Default for LockdownConfig {
    fn default() -> Self {
        LockdownConfig {
            methods: MethodList(vec!["GET".into(), "HEAD".into(), "OPTIONS".into()]),
            exempt: PatternList::default(),
            safe_writes: Vec::new(),
            writers: NetList::default(),
            case_insensitive: false,
        }
    }
}

/// The built-in lists, read from [`DEFAULT_POLICY_TOML`] so the file and the code cannot
/// disagree.
fn builtin() -> &'static BuiltinLists {
    static LISTS: std::sync::OnceLock<BuiltinLists> = std::sync::OnceLock::new();
    LISTS.get_or_init(|| {
        #[derive(Deserialize)]
        struct File {
            surfaces: Lists2,
            admin: Lists1,
            deny: Lists1,
        }
        #[derive(Deserialize)]
        struct Lists1 {
            paths: Vec<String>,
        }
        #[derive(Deserialize)]
        struct Lists2 {
            login: Vec<String>,
            graphql: Vec<String>,
        }
        let f: File = toml::from_str(DEFAULT_POLICY_TOML).expect("the default policy parses");
        fn to(v: &[String]) -> Vec<&str> {
            v.iter().map(String::as_str).collect()
        }
        BuiltinLists {
            login: patterns(&to(&f.surfaces.login)),
            graphql: patterns(&to(&f.surfaces.graphql)),
            admin: patterns(&to(&f.admin.paths)),
            deny: patterns(&to(&f.deny.paths)),
        }
    })
}

struct BuiltinLists {
    login: PatternList,
    graphql: PatternList,
    admin: PatternList,
    deny: PatternList,
}

impl Default for SurfacesConfig {
    fn default() -> Self {
        SurfacesConfig {
            login: builtin().login.clone(),
            graphql: builtin().graphql.clone(),
        }
    }
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            paths: builtin().admin.clone(),
            extra: PatternList::default(),
            allow: NetList::default(),
        }
    }
}

impl Default for DenyConfig {
    fn default() -> Self {
        DenyConfig {
            paths: builtin().deny.clone(),
            extra: PatternList::default(),
        }
    }
}

impl Default for ResponseConfig {
    fn default() -> Self {
        ResponseConfig {
            lockdown_status: 503,
            forbidden_status: 403,
            denied_status: 404,
            malformed_status: 400,
            screening_status: 403,
            limit_status: 413,
            retry_after: 3600,
            mode_header: "Qila-Mode".into(),
            contact: String::new(),
            contact_ur: String::new(),
            html_template: String::new(),
        }
    }
}

impl Default for ScreeningConfig {
    fn default() -> Self {
        ScreeningConfig {
            enabled: true,
            paranoia: 1,
            max_body_bytes: 1 << 20,
            max_params: 1000,
            max_json_depth: 64,
            on_limit: OnLimit::Block,
            headers: vec![
                "user-agent".into(),
                "referer".into(),
                "x-forwarded-host".into(),
            ],
            exclude: Vec::new(),
        }
    }
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            mode: Mode::ReadOnly,
            until: None,
            on_malformed: OnMalformed::Block,
            lockdown: LockdownConfig::default(),
            surfaces: SurfacesConfig::default(),
            admin: AdminConfig::default(),
            deny: DenyConfig::default(),
            proxy: ProxyConfig::default(),
            response: ResponseConfig::default(),
            screening: ScreeningConfig::default(),
        }
    }
}

/// A loaded, validated policy, ready to evaluate requests. Cheap to share behind an `Arc`; see
/// [`crate::PolicyHandle`] to swap it while requests are being evaluated.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) config: PolicyConfig,
    pub(crate) admin_paths: PatternList,
    pub(crate) deny_paths: PatternList,
    /// The login, GraphQL, admin and deny lists in one index ([`PathLists`]).
    pub(crate) path_lists: PathIndex,
    pub(crate) pages: Pages,
    pub(crate) mode_override: Option<Mode>,
}

/// Which of a policy's path lists a normalised path matches (all without regard to case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathLists(u32);

impl PathLists {
    pub(crate) fn login(self) -> bool {
        self.0 & 1 != 0
    }
    pub(crate) fn graphql(self) -> bool {
        self.0 & 2 != 0
    }
    pub(crate) fn admin(self) -> bool {
        self.0 & 4 != 0
    }
    pub(crate) fn deny(self) -> bool {
        self.0 & 8 != 0
    }
}

impl Policy {
    /// The path lists `path` (normalised) matches, from one search of it.
    pub(crate) fn path_lists(&self, path: &str) -> PathLists {
        PathLists(self.path_lists.matches(path))
    }
}

impl Default for Policy {
    /// The built-in lockdown policy ([`DEFAULT_POLICY_TOML`]).
    fn default() -> Self {
        Policy::from_config(PolicyConfig::default())
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[col_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Cleans a serde path (`admin.allow[1]`); `?` segments (untagged) are dropped.
fn key_of(path: &serde_path_to_error::Path) -> String {
    let s = path.to_string();
    if s == "." { String::new() } else { s }
}

impl Policy {
    /// Loads a policy from TOML text.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let de =
            toml::de::Deserializer::parse(text).map_err(|e| toml_error(text, String::new(), &e))?;
        let config: PolicyConfig = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = key_of(e.path());
            toml_error(text, key, e.inner())
        })?;
        Ok(Policy::from_config(config))
    }

    /// Loads a policy from JSON text with the same structure as the TOML file.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let config: PolicyConfig = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let key = key_of(e.path());
            let inner = e.inner();
            PolicyError::Invalid {
                key,
                line: Some(inner.line()),
                column: Some(inner.column()),
                message: strip_json_position(&inner.to_string()),
            }
        })?;
        de.end().map_err(|e| PolicyError::Invalid {
            key: String::new(),
            line: Some(e.line()),
            column: Some(e.column()),
            message: "unexpected text after the policy object".into(),
        })?;
        Ok(Policy::from_config(config))
    }

    /// Builds a policy from a configuration value (already validated by its types).
    pub fn from_config(config: PolicyConfig) -> Policy {
        let admin_paths = config.admin.paths.concat(&config.admin.extra);
        let deny_paths = config.deny.paths.concat(&config.deny.extra);
        let pages = Pages::render(&config.response);
        // In the order of the bits of `PathLists`.
        let path_lists = PathIndex::new(&[
            &config.surfaces.login,
            &config.surfaces.graphql,
            &admin_paths,
            &deny_paths,
        ]);
        Policy {
            config,
            admin_paths,
            deny_paths,
            path_lists,
            pages,
            mode_override: None,
        }
    }

    /// Overrides the file's `mode` (as `QILA_MODE` or `--mode` do). `None` restores it.
    pub fn with_mode(mut self, mode: Option<Mode>) -> Policy {
        self.mode_override = mode;
        self
    }

    /// Applies the `QILA_MODE` environment variable, if set.
    pub fn with_env_mode(self) -> Result<Policy, PolicyError> {
        let m = Mode::from_env()?;
        Ok(if m.is_some() { self.with_mode(m) } else { self })
    }

    /// The configuration as loaded.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The configured mode, after any override, before `until` is considered.
    pub fn mode(&self) -> Mode {
        self.mode_override.unwrap_or(self.config.mode)
    }

    /// The mode in force at `now`: `open` once `until` has passed.
    pub fn mode_at(&self, now: Timestamp) -> Mode {
        match self.config.until {
            Some(until) if now >= until => Mode::Open,
            _ => self.mode(),
        }
    }

    /// The admin paths in force (`admin.paths` plus `admin.extra`).
    pub fn admin_paths(&self) -> &PatternList {
        &self.admin_paths
    }

    /// The denied paths in force (`deny.paths` plus `deny.extra`).
    pub fn deny_paths(&self) -> &PatternList {
        &self.deny_paths
    }

    /// The policy as TOML, with every key (defaults filled in).
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.config)
            .unwrap_or_else(|e| format!("# cannot print the policy: {e}\n"))
    }
}

fn toml_error(text: &str, key: String, e: &toml::de::Error) -> PolicyError {
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    PolicyError::Invalid {
        key,
        line,
        column,
        message: e.message().trim().to_owned(),
    }
}

/// serde_json appends " at line L column C"; the error carries them separately.
fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_text_is_the_default() {
        let from_text = Policy::from_toml(DEFAULT_POLICY_TOML).unwrap();
        assert_eq!(from_text.config, PolicyConfig::default());
        let empty = Policy::from_toml("").unwrap();
        assert_eq!(empty.config, PolicyConfig::default());
        let json = Policy::from_json("{}").unwrap();
        assert_eq!(json.config, PolicyConfig::default());
    }

    #[test]
    fn round_trips_through_toml() {
        let p = Policy::default();
        let again = Policy::from_toml(&p.to_toml()).unwrap();
        assert_eq!(again.config, p.config);
    }

    #[test]
    fn errors_name_key_and_line() {
        let text = "mode = \"open\"\n\n[admin]\nallow = [\"10.0.0.0/8\", \"10.0.0/8\"]\n";
        let e = Policy::from_toml(text).unwrap_err();
        assert_eq!(e.key(), Some("admin.allow"));
        assert_eq!(e.line(), Some(4));
        assert!(e.to_string().contains("10.0.0/8"), "{e}");

        let e = Policy::from_toml("[lockdown]\nmethod = [\"GET\"]\n").unwrap_err();
        assert_eq!(e.line(), Some(2));
        assert!(e.to_string().contains("method"), "{e}");

        let e = Policy::from_toml("mode = \"lockdwn\"").unwrap_err();
        assert_eq!(e.key(), Some("mode"));

        let e = Policy::from_toml("until = \"next week\"").unwrap_err();
        assert_eq!(e.key(), Some("until"));

        let e = Policy::from_json("{\n \"response\": {\"lockdown_status\": 200}\n}").unwrap_err();
        assert_eq!(e.key(), Some("response.lockdown_status"));
        assert_eq!(e.line(), Some(2));

        let e = Policy::from_toml("[response]\nmode_header = \"Qila-Mode\\r\\nSet-Cookie: a=b\"")
            .unwrap_err();
        assert_eq!(e.key(), Some("response.mode_header"));
        assert!(e.to_string().contains("not a header name"), "{e}");
        assert!(Policy::from_toml("[response]\nmode_header = \"\"").is_ok());

        let e = Policy::from_toml("[deny]\nextra = [\"/a/../b\"]").unwrap_err();
        assert_eq!(e.key(), Some("deny.extra[0]"));
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn until_is_native_or_string() {
        let a = Policy::from_toml("until = 2026-12-31T18:00:00Z").unwrap();
        let b = Policy::from_toml("until = \"2026-12-31T23:00:00+05:00\"").unwrap();
        assert_eq!(a.config.until, b.config.until);
        let t = a.config.until.unwrap();
        assert_eq!(a.mode_at(Timestamp(t.0 - 1)), Mode::ReadOnly);
        assert_eq!(a.mode_at(t), Mode::Open);
    }

    #[test]
    fn mode_parsing() {
        assert_eq!("READ_ONLY".parse::<Mode>().unwrap(), Mode::ReadOnly);
        assert!("off".parse::<Mode>().is_err());
    }
}
