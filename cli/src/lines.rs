//! The request and verdict line formats of `qila inspect` (see `docs/FORMAT.md`).

use std::net::{IpAddr, SocketAddr};

use base64::Engine as _;
use qila::{Action, Policy, Request, Verdict};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// One request line, as parsed.
#[derive(Debug, Deserialize)]
pub struct RequestLine {
    #[serde(default)]
    pub id: Option<Value>,
    pub method: String,
    pub target: String,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub body_b64: Option<String>,
    #[serde(default)]
    pub peer: Option<String>,
    // Corpus fields a detector ignores.
    #[serde(default, rename = "class")]
    pub _class: Option<Value>,
    #[serde(default, rename = "expect")]
    pub _expect: Option<Value>,
    #[serde(default, rename = "source")]
    pub _source: Option<Value>,
}

/// A request line with its decoded body and peer, ready to be viewed as a [`Request`].
pub struct Parsed {
    pub line: RequestLine,
    pub body: Option<Vec<u8>>,
    pub peer: IpAddr,
}

/// Parses a peer address: `203.0.113.7`, `203.0.113.7:443`, `2001:db8::1`, `[2001:db8::1]:443`.
pub fn parse_peer(s: &str) -> Result<IpAddr, String> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Ok(sa.ip());
    }
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        if let Ok(ip) = inner.parse::<IpAddr>() {
            return Ok(ip);
        }
    }
    Err(format!(
        "`{s}` is not a peer address (write 203.0.113.7, [2001:db8::1]:443, ...)"
    ))
}

/// The id of a line that could not be parsed, if its JSON at least has one.
pub fn salvage_id(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("id").cloned())
        .unwrap_or(Value::Null)
}

pub fn parse_line(text: &str) -> Result<Parsed, String> {
    let line: RequestLine =
        serde_json::from_str(text).map_err(|e| format!("not a request line: {e}"))?;
    let body = match (&line.body, &line.body_b64) {
        (Some(_), Some(_)) => {
            return Err("a request line has either `body` or `body_b64`, not both".into());
        }
        (Some(b), None) => Some(b.as_bytes().to_vec()),
        (None, Some(b)) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .map_err(|e| format!("`body_b64` is not base64: {e}"))?,
        ),
        (None, None) => None,
    };
    let peer = match &line.peer {
        Some(p) => parse_peer(p)?,
        None => IpAddr::from([127, 0, 0, 1]),
    };
    if line.method.is_empty() {
        return Err("`method` is empty".into());
    }
    Ok(Parsed { line, body, peer })
}

impl Parsed {
    /// Evaluates this request under `policy` and hands the verdict to `f`.
    pub fn evaluate<R>(&self, policy: &Policy, f: impl FnOnce(&Verdict<'_>) -> R) -> R {
        let headers: Vec<(&str, &str)> = self
            .line
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let mut req = Request::new(&self.line.method, &self.line.target)
            .headers(&headers)
            .peer(self.peer);
        if let Some(b) = &self.body {
            req = req.body(b);
        }
        let verdict = policy.evaluate(&req);
        f(&verdict)
    }
}

/// The verdict line of the format.
pub fn verdict_line(id: &Value, v: &Verdict<'_>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), id.clone());
    m.insert("action".into(), v.action().as_str().into());
    if v.action() != Action::Allow {
        m.insert("status".into(), v.status().into());
    }
    if let Some(r) = v.reason() {
        m.insert("reason".into(), r.code().into());
    }
    if !v.findings().is_empty() {
        let findings: Vec<Value> = v
            .findings()
            .iter()
            .map(|f| {
                json!({
                    "check": f.check.as_str(),
                    "location": f.location.as_str(),
                    "name": f.name,
                    "evidence": f.evidence,
                })
            })
            .collect();
        m.insert("findings".into(), Value::Array(findings));
    }
    if let Some(limit) = v.limit() {
        m.insert("limit".into(), limit.as_str().into());
    }
    Value::Object(m)
}

/// The verdict line of a request line that could not be read.
pub fn error_line(id: Value, message: &str) -> Value {
    json!({ "id": id, "action": "error", "message": message })
}

/// A verdict in full, for `qila check --json`.
pub fn verdict_json(v: &Verdict<'_>) -> Value {
    let headers: Vec<Value> = v.headers().map(|(k, val)| json!([k, val])).collect();
    let mut out = json!({
        "action": v.action().as_str(),
        "status": v.status(),
        "reason": v.reason().map(|r| r.code()),
        "message": v.message(),
        "mode": v.mode().as_str(),
        "client": v.client().ip.to_string(),
        "client_source": v.client().source.as_str(),
        "path": v.path().as_str(),
        "write": v.intent().write,
        "surfaces": v.surfaces().names().collect::<Vec<_>>(),
        "allowed_by": v.allowed_by().map(|a| a.as_str()),
        "findings": serde_json::to_value(v.findings()).unwrap_or(Value::Null),
        "headers": headers,
        "audit": serde_json::to_value(v.audit()).unwrap_or(Value::Null),
    });
    if let Some((ct, body)) = v.body() {
        out["content_type"] = ct.into();
        out["body"] = body.into();
    }
    out
}
