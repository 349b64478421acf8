#![cfg(feature = "python")]
//! The private native module `qila._native`: conversions between Python objects and the core's
//! types, nothing else. Every decision is made by the `qila` crate; the public API, the policy
//! file reloading and the framework middleware are pure Python (`python/qila/`).
//!
//! The crate builds only with the `python` feature (maturin turns it on), so that
//! `cargo test --workspace` needs no Python.

use pyo3::prelude::*;

/// The native module. Its types are re-exported, with their documentation, by the `qila`
/// package; `qila/_native.pyi` describes them for type checkers.
#[pymodule]
mod _native {
    use std::net::{IpAddr, Ipv4Addr};
    use std::sync::{Arc, Mutex};

    use pyo3::exceptions::PyTypeError;
    use pyo3::prelude::*;
    use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
    use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

    use qila::sql::{self, Engine, StatementKind};
    use qila::{Headers, Mode, Request, Timestamp};

    /// The version of the core the module was built from.
    #[pymodule_export]
    const VERSION: &str = env!("CARGO_PKG_VERSION");

    /// The built-in policy, with a comment on every key.
    #[pymodule_export]
    const DEFAULT_POLICY_TOML: &str = qila::DEFAULT_POLICY_TOML;

    /// Raises `qila.PolicyError` (defined in Python, so it can carry its fields).
    fn policy_error(py: Python<'_>, err: &qila::PolicyError) -> PyErr {
        let build = || -> PyResult<PyErr> {
            let class = py.import("qila._errors")?.getattr("PolicyError")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("code", err.code())?;
            kwargs.set_item("key", err.key())?;
            kwargs.set_item("line", err.line())?;
            if let qila::PolicyError::Invalid { column, .. } = err {
                kwargs.set_item("column", *column)?;
            }
            let value = class.call((err.to_string(),), Some(&kwargs))?;
            Ok(PyErr::from_value(value))
        };
        build().unwrap_or_else(|e| e)
    }

    /// Raises `qila.QilaError` with a code, for bad arguments the core refuses.
    fn qila_error(py: Python<'_>, class: &str, message: String, code: &str) -> PyErr {
        let build = || -> PyResult<PyErr> {
            let class = py.import("qila._errors")?.getattr(class)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("code", code)?;
            Ok(PyErr::from_value(class.call((message,), Some(&kwargs))?))
        };
        build().unwrap_or_else(|e| e)
    }

    fn parse_mode(py: Python<'_>, mode: &str) -> PyResult<Mode> {
        mode.parse::<Mode>().map_err(|e| policy_error(py, &e))
    }

    fn parse_engine(py: Python<'_>, engine: &str) -> PyResult<Engine> {
        engine
            .parse::<Engine>()
            .map_err(|e| qila_error(py, "QilaError", e.to_string(), "unknown-engine"))
    }

    /// A time given as an RFC 3339 string or as seconds since the epoch.
    fn timestamp(py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
        if let Ok(text) = now.cast::<PyString>() {
            let text = text.to_str()?;
            return Timestamp::parse(text)
                .map_err(|e| qila_error(py, "QilaError", e.to_string(), "bad-time"));
        }
        let seconds: f64 = now.extract()?;
        Ok(Timestamp(seconds.floor() as i64))
    }

    /// A loaded, validated policy (the core's `qila::Policy`). Immutable: `with_mode` returns
    /// a new one.
    #[pyclass(frozen, module = "qila._native")]
    struct Policy {
        inner: Arc<qila::Policy>,
        /// The response header lists of this policy's verdicts, as Python tuples made once:
        /// a verdict shares one instead of copying its strings on every request.
        header_lists: HeaderLists,
    }

    impl Policy {
        fn new(inner: qila::Policy) -> Policy {
            Policy {
                inner: Arc::new(inner),
                header_lists: HeaderLists::default(),
            }
        }
    }

    /// A policy answers with a few header lists (one per kind of refusal and format, one for
    /// allowed requests); each is converted to Python once. Bounded, in case a future core
    /// builds lists per request: past the bound a list is converted each time.
    #[derive(Default)]
    struct HeaderLists(Mutex<Vec<(HeaderList, PyHeaders)>>);

    type HeaderList = Vec<(String, String)>;

    /// A header list in Python: `((name, value), ...)`, and `((lowercase name, (name, value)),
    /// ...)` for a header store keyed by lowercase name (Django's).
    struct PyHeaders {
        pairs: Py<PyTuple>,
        keyed: Py<PyTuple>,
    }

    impl PyHeaders {
        fn clone_ref(&self, py: Python<'_>) -> PyHeaders {
            PyHeaders {
                pairs: self.pairs.clone_ref(py),
                keyed: self.keyed.clone_ref(py),
            }
        }
    }

    impl HeaderLists {
        const MAX: usize = 32;

        /// The Python forms of the list that `headers` gives.
        fn get<'a, I: Iterator<Item = (&'a str, &'a str)>>(
            &self,
            py: Python<'_>,
            headers: impl Fn() -> I,
        ) -> PyResult<PyHeaders> {
            let same = |list: &[(String, String)]| {
                let mut theirs = headers();
                list.iter()
                    .all(|(n, v)| theirs.next() == Some((n.as_str(), v.as_str())))
                    && theirs.next().is_none()
            };
            // The lock is never held while Python code could run (a garbage collection during
            // an allocation can run finalizers, and those could evaluate a request).
            let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, made)) = lock().iter().find(|(list, _)| same(list)) {
                return Ok(made.clone_ref(py));
            }
            let list: HeaderList = headers()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            let made = PyHeaders {
                pairs: PyTuple::new(py, &list)?.unbind(),
                keyed: PyTuple::new(
                    py,
                    list.iter().map(|(n, v)| (n.to_ascii_lowercase(), (n, v))),
                )?
                .unbind(),
            };
            let mut lists = lock();
            if lists.len() < Self::MAX {
                lists.push((list, made.clone_ref(py)));
            }
            Ok(made)
        }
    }

    /// Bytes from `bytes` (borrowed, no copy) or `str` (its UTF-8, borrowed).
    enum Text {
        Bytes(PyBackedBytes),
        Str(PyBackedStr),
    }

    impl Text {
        fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Text> {
            if let Ok(s) = obj.cast::<PyString>() {
                return Ok(Text::Str(s.clone().try_into()?));
            }
            if obj.is_instance_of::<PyBytes>() {
                return Ok(Text::Bytes(obj.extract()?));
            }
            Err(PyTypeError::new_err(
                "header names and values must be str or bytes",
            ))
        }

        fn as_bytes(&self) -> &[u8] {
            match self {
                Text::Bytes(b) => b,
                Text::Str(s) => s.as_bytes(),
            }
        }

        /// As a header name. One that is not UTF-8 cannot be an HTTP token: it becomes a
        /// marker, so that the core still sees a header it cannot read.
        fn as_name(&self) -> &str {
            match self {
                Text::Str(s) => s,
                Text::Bytes(b) => std::str::from_utf8(b).unwrap_or("\u{fffd}"),
            }
        }
    }

    /// One `(name, value)` item of a header list.
    fn header_pair(item: &Bound<'_, PyAny>) -> PyResult<(Text, Text)> {
        let pair = item
            .cast::<PyTuple>()
            .ok()
            .filter(|p| p.len() == 2)
            .ok_or_else(|| PyTypeError::new_err("headers must be (name, value) tuples"))?;
        Ok((
            Text::extract(&*pair.get_borrowed_item(0)?)?,
            Text::extract(&*pair.get_borrowed_item(1)?)?,
        ))
    }

    /// A request body: `bytes` is read in place; `bytearray` and `memoryview` are copied once
    /// (the abi3 interface for Python 3.10 has no buffer protocol).
    enum Body {
        Borrowed(PyBackedBytes),
        Owned(Vec<u8>),
    }

    impl Body {
        fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Body> {
            if obj.is_instance_of::<PyBytes>() {
                return Ok(Body::Borrowed(obj.extract()?));
            }
            if let Ok(b) = obj.extract::<PyBackedBytes>() {
                return Ok(Body::Borrowed(b));
            }
            // memoryview and other buffer objects: ask Python for their bytes.
            let bytes = obj
                .call_method0("tobytes")
                .map_err(|_| PyTypeError::new_err("body must be bytes, bytearray or memoryview"))?;
            Ok(Body::Owned(bytes.extract::<Vec<u8>>()?))
        }

        fn as_bytes(&self) -> &[u8] {
            match self {
                Body::Borrowed(b) => b,
                Body::Owned(v) => v,
            }
        }
    }

    impl Policy {
        #[allow(clippy::too_many_arguments)]
        /// Decides a request and gives the core's verdict to `finish`.
        fn decide<R>(
            &self,
            py: Python<'_>,
            method: &str,
            target: &str,
            pairs: &[(&str, &[u8])],
            peer: Option<&str>,
            body: Option<&Bound<'_, PyAny>>,
            now: Option<&Bound<'_, PyAny>>,
            finish: impl FnOnce(&qila::Verdict<'_>) -> PyResult<R>,
        ) -> PyResult<R> {
            let peer: IpAddr = match peer {
                Some(p) => p.parse().map_err(|_| {
                    qila_error(
                        py,
                        "QilaError",
                        format!("`{p}` is not an IP address"),
                        "bad-peer",
                    )
                })?,
                None => IpAddr::V4(Ipv4Addr::LOCALHOST),
            };
            let body = body.map(Body::extract).transpose()?;
            let now = match now {
                Some(n) => timestamp(py, n)?,
                None => Timestamp::now(),
            };
            let mut req = Request::new(method, target)
                .with_headers(Headers::Bytes(pairs))
                .peer(peer);
            if let Some(b) = &body {
                req = req.body(b.as_bytes());
            }
            finish(&self.inner.evaluate_at(&req, now))
        }

        /// The request of a WSGI `environ` (see `evaluate_wsgi`), decided, and given to
        /// `finish` with the core's verdict.
        fn decide_wsgi<R>(
            &self,
            py: Python<'_>,
            environ: &Bound<'_, PyDict>,
            body: Option<&Bound<'_, PyAny>>,
            now: Option<&Bound<'_, PyAny>>,
            finish: impl FnOnce(&qila::Verdict<'_>) -> PyResult<R>,
        ) -> PyResult<R> {
            let mut name_buf: Vec<u8> = Vec::with_capacity(256);
            let items = wsgi_items(environ, |key| {
                let kind = WsgiKey::of(key)?;
                if let WsgiKey::Header(at) = kind {
                    // `HTTP_USER_AGENT` → `USER-AGENT`.
                    let start = name_buf.len();
                    name_buf.extend_from_slice(&key.as_bytes()[at..]);
                    for b in &mut name_buf[start..] {
                        if *b == b'_' {
                            *b = b'-';
                        }
                    }
                    return Some((WsgiKey::Header(start), name_buf.len(), at == 0));
                }
                Some((kind, 0, false))
            })?;
            let mut values: Vec<(usize, usize, WsgiValue)> = Vec::with_capacity(items.len());
            let mut method: Option<PyBackedStr> = None;
            let mut raw_uri: Option<PyBackedStr> = None;
            let mut request_uri: Option<PyBackedStr> = None;
            let mut script_name: Option<PyBackedStr> = None;
            let mut path_info: Option<PyBackedStr> = None;
            let mut query: Option<PyBackedStr> = None;
            let mut remote: Option<PyBackedStr> = None;
            for ((kind, end, may_be_empty), value) in items {
                let slot = match kind {
                    WsgiKey::Method => &mut method,
                    WsgiKey::RawUri => &mut raw_uri,
                    WsgiKey::RequestUri => &mut request_uri,
                    WsgiKey::ScriptName => &mut script_name,
                    WsgiKey::PathInfo => &mut path_info,
                    WsgiKey::Query => &mut query,
                    WsgiKey::Remote => &mut remote,
                    WsgiKey::Header(start) => {
                        // `CONTENT_TYPE` and `CONTENT_LENGTH` are there even when no header was.
                        if may_be_empty && !value.is_truthy()? {
                            continue;
                        }
                        values.push((start, end, WsgiValue::extract(&value)?));
                        continue;
                    }
                };
                if let Ok(text) = value.cast::<PyString>() {
                    *slot = Some(text.clone().try_into()?);
                } else if value.is_truthy()? {
                    *slot = Some(value.str()?.try_into()?);
                }
            }
            // Text with some `_` made `-`: still UTF-8.
            let names = std::str::from_utf8(&name_buf).expect("header names are UTF-8");
            let pairs: Vec<(&str, &[u8])> = values
                .iter()
                .map(|(start, end, v)| (&names[*start..*end], v.as_bytes()))
                .collect();
            let built;
            let target: &str = match (&raw_uri, &request_uri) {
                (Some(r), _) if !r.is_empty() => r,
                (_, Some(r)) if !r.is_empty() => r,
                _ => {
                    let parts = [&script_name, &path_info];
                    let len = parts
                        .iter()
                        .flat_map(|p| p.as_deref())
                        .map(str::len)
                        .sum::<usize>();
                    let mut t =
                        String::with_capacity(len + query.as_deref().map_or(1, |q| q.len() + 1));
                    for part in parts.into_iter().flatten() {
                        quote_latin1(part, &mut t);
                    }
                    if t.is_empty() {
                        t.push('/');
                    }
                    if let Some(q) = query.as_deref().filter(|q| !q.is_empty()) {
                        t.push('?');
                        t.push_str(q);
                    }
                    built = t;
                    &built
                }
            };
            let method = method.as_deref().unwrap_or("GET");
            let peer = remote.as_deref().filter(|r| !r.is_empty());
            self.decide(py, method, target, &pairs, peer, body, now, finish)
        }
    }

    /// What `evaluate_wsgi` reads from an environ key; `Header(n)`: a request header whose name
    /// starts at byte `n` of the key (or, once copied, at `n` of the name buffer).
    #[derive(Clone, Copy)]
    enum WsgiKey {
        Method,
        RawUri,
        RequestUri,
        ScriptName,
        PathInfo,
        Query,
        Remote,
        Header(usize),
    }

    impl WsgiKey {
        fn of(key: &str) -> Option<WsgiKey> {
            // Most keys of a server's environ are none of these: one byte tells most of them.
            Some(match key.as_bytes().first()? {
                b'H' if key.starts_with("HTTP_") => WsgiKey::Header(5),
                b'R' => match key {
                    "REQUEST_METHOD" => WsgiKey::Method,
                    "RAW_URI" => WsgiKey::RawUri,
                    "REQUEST_URI" => WsgiKey::RequestUri,
                    "REMOTE_ADDR" => WsgiKey::Remote,
                    _ => return None,
                },
                b'S' if key == "SCRIPT_NAME" => WsgiKey::ScriptName,
                b'P' if key == "PATH_INFO" => WsgiKey::PathInfo,
                b'Q' if key == "QUERY_STRING" => WsgiKey::Query,
                b'C' if key == "CONTENT_TYPE" || key == "CONTENT_LENGTH" => WsgiKey::Header(0),
                _ => return None,
            })
        }
    }

    /// The items of `environ` whose `str` key `select` picks, with what it returned, in the
    /// dict's order. One pass of `PyDict_Next` over borrowed references: a server's environ has
    /// dozens of keys, most of them of no interest, and with the stable ABI each owned
    /// reference costs two calls into the interpreter.
    #[allow(unsafe_code)]
    fn wsgi_items<'py, T>(
        environ: &Bound<'py, PyDict>,
        mut select: impl FnMut(&str) -> Option<T>,
    ) -> PyResult<Vec<(T, Bound<'py, PyAny>)>> {
        let py = environ.py();
        let mut out = Vec::with_capacity(24);
        let mut pos: pyo3::ffi::Py_ssize_t = 0;
        let mut key: *mut pyo3::ffi::PyObject = std::ptr::null_mut();
        let mut value: *mut pyo3::ffi::PyObject = std::ptr::null_mut();
        // SAFETY: `PyDict_Next` gives borrowed references to a live dict's key and value, valid
        // while the dict is not changed. Nothing in the loop runs Python code that could change
        // it: a type test, the UTF-8 of a `str` (kept by the string), `select` on that text (a
        // Rust closure), taking a reference to the value. Only a failed UTF-8 conversion makes
        // a Python object (its exception), and the loop ends there.
        while unsafe { pyo3::ffi::PyDict_Next(environ.as_ptr(), &mut pos, &mut key, &mut value) }
            != 0
        {
            let k = unsafe { pyo3::Borrowed::from_ptr(py, key) };
            let Ok(k) = k.cast::<PyString>() else {
                continue;
            };
            if let Some(t) = select(k.to_str()?) {
                out.push((t, unsafe { pyo3::Borrowed::from_ptr(py, value) }.to_owned()));
            }
        }
        Ok(out)
    }

    /// A WSGI header value: ASCII `str` read in place; other `str` is latin-1 text standing for
    /// the bytes that were sent (PEP 3333), given back as those bytes (`?` for a character
    /// past U+00FF, as `str.encode("latin-1", "replace")` does); `bytes` read in place.
    enum WsgiValue {
        Text(Text),
        Latin1(Vec<u8>),
    }

    impl WsgiValue {
        fn extract(obj: &Bound<'_, PyAny>) -> PyResult<WsgiValue> {
            if let Ok(s) = obj.cast::<PyString>() {
                let Ok(text) = PyBackedStr::try_from(s.clone()) else {
                    // Not encodable as UTF-8 (lone surrogates): as `encode("latin-1", "replace")`.
                    let bytes = s.call_method1("encode", ("latin-1", "replace"))?;
                    return Ok(WsgiValue::Latin1(bytes.extract::<Vec<u8>>()?));
                };
                if text.is_ascii() {
                    return Ok(WsgiValue::Text(Text::Str(text)));
                }
                return Ok(WsgiValue::Latin1(
                    text.chars()
                        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                        .collect(),
                ));
            }
            Ok(WsgiValue::Text(Text::extract(obj)?))
        }

        fn as_bytes(&self) -> &[u8] {
            match self {
                WsgiValue::Text(t) => t.as_bytes(),
                WsgiValue::Latin1(v) => v,
            }
        }
    }

    /// `urllib.parse.quote(text.encode("latin-1", "replace"), safe="/;=:@!$&'()*+,-._~")`.
    fn quote_latin1(text: &str, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        const SAFE: [bool; 256] = {
            let mut t = [false; 256];
            let mut i = 0;
            while i < 256 {
                let b = i as u8;
                t[i] = b.is_ascii_alphanumeric();
                i += 1;
            }
            let extra = b"/;=:@!$&'()*+,-._~";
            let mut j = 0;
            while j < extra.len() {
                t[extra[j] as usize] = true;
                j += 1;
            }
            t
        };
        let safe = |b: u8| SAFE[usize::from(b)];
        if text.bytes().all(safe) {
            out.push_str(text);
            return;
        }
        for c in text.chars() {
            let b = u8::try_from(u32::from(c)).unwrap_or(b'?');
            if safe(b) {
                out.push(b as char);
            } else {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }

    #[pymethods]
    impl Policy {
        /// Loads a policy from TOML text.
        #[staticmethod]
        fn from_toml(py: Python<'_>, text: &str) -> PyResult<Policy> {
            qila::Policy::from_toml(text)
                .map(Policy::new)
                .map_err(|e| policy_error(py, &e))
        }

        /// Loads a policy from JSON text with the structure of the TOML file.
        #[staticmethod]
        fn from_json(py: Python<'_>, text: &str) -> PyResult<Policy> {
            qila::Policy::from_json(text)
                .map(Policy::new)
                .map_err(|e| policy_error(py, &e))
        }

        /// The built-in lockdown policy.
        #[staticmethod]
        fn default() -> Policy {
            Policy::new(qila::Policy::default())
        }

        /// The same policy with its mode overridden (`None` restores the file's).
        #[pyo3(signature = (mode))]
        fn with_mode(&self, py: Python<'_>, mode: Option<&str>) -> PyResult<Policy> {
            let mode = mode.map(|m| parse_mode(py, m)).transpose()?;
            Ok(Policy::new((*self.inner).clone().with_mode(mode)))
        }

        /// The same policy with the `QILA_MODE` environment variable applied, if set.
        fn with_env_mode(&self, py: Python<'_>) -> PyResult<Policy> {
            (*self.inner)
                .clone()
                .with_env_mode()
                .map(Policy::new)
                .map_err(|e| policy_error(py, &e))
        }

        /// The configured mode after any override: `read-only`, `open` or `monitor`.
        #[getter]
        fn mode(&self) -> &'static str {
            self.inner.mode().as_str()
        }

        /// The mode in force at `now` (RFC 3339 text or epoch seconds; default: the clock).
        #[pyo3(signature = (now=None))]
        fn mode_at(
            &self,
            py: Python<'_>,
            now: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<&'static str> {
            let now = match now {
                Some(n) => timestamp(py, n)?,
                None => Timestamp::now(),
            };
            Ok(self.inner.mode_at(now).as_str())
        }

        /// `screening.max_body_bytes`: the most body bytes screening reads.
        #[getter]
        fn max_body_bytes(&self) -> u64 {
            self.inner.config().screening.max_body_bytes
        }

        /// Whether `proxy.trusted_proxies` names any proxy.
        #[getter]
        fn has_trusted_proxies(&self) -> bool {
            !self.inner.config().proxy.trusted_proxies.is_empty()
        }

        /// `response.lockdown_status`.
        #[getter]
        fn lockdown_status(&self) -> u16 {
            self.inner.config().response.lockdown_status
        }

        /// The policy as TOML, every key filled in.
        fn to_toml(&self) -> String {
            self.inner.to_toml()
        }

        /// Decides one request. `headers` is a sequence of `(name, value)` pairs of `str` or
        /// `bytes`; `peer` the socket peer address; `body` the body (or its first bytes);
        /// `now` the evaluation time (RFC 3339 text or epoch seconds; default: the clock).
        #[pyo3(signature = (method, target, headers=None, peer=None, body=None, now=None))]
        #[allow(clippy::too_many_arguments)]
        fn evaluate(
            &self,
            py: Python<'_>,
            method: PyBackedStr,
            target: PyBackedStr,
            headers: Option<&Bound<'_, PyAny>>,
            peer: Option<&str>,
            body: Option<&Bound<'_, PyAny>>,
            now: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<Verdict> {
            let mut owned: Vec<(Text, Text)> = Vec::new();
            if let Some(headers) = headers {
                if let Ok(list) = headers.cast::<PyList>() {
                    owned.reserve_exact(list.len());
                    for item in list.iter() {
                        owned.push(header_pair(&item)?);
                    }
                } else {
                    for item in headers.try_iter()? {
                        owned.push(header_pair(&item?)?);
                    }
                }
            }
            let pairs: Vec<(&str, &[u8])> = owned
                .iter()
                .map(|(n, v)| (n.as_name(), v.as_bytes()))
                .collect();
            self.decide(py, &method, &target, &pairs, peer, body, now, |v| {
                Verdict::from_core(py, v, &self.header_lists)
            })
        }

        /// Decides one WSGI request (PEP 3333 `environ`, also Django's `request.META`): the
        /// method, the raw target (`RAW_URI`/`REQUEST_URI`, else `SCRIPT_NAME` + `PATH_INFO`
        /// percent-encoded again plus `QUERY_STRING`), the `HTTP_*`, `CONTENT_TYPE` and
        /// `CONTENT_LENGTH` headers and `REMOTE_ADDR`, read in one pass without building
        /// Python objects. Same decision as `evaluate` with `qila._http.wsgi_headers`.
        #[pyo3(signature = (environ, body=None, now=None))]
        fn evaluate_wsgi(
            &self,
            py: Python<'_>,
            environ: &Bound<'_, PyDict>,
            body: Option<&Bound<'_, PyAny>>,
            now: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<Verdict> {
            // A few allocations whatever the number of headers (this runs between two requests
            // of the application, with cold caches, where each one costs): the header names,
            // `HTTP_USER_AGENT` → `USER-AGENT`, side by side in one buffer; the values with
            // their name's place in it; the pairs for the core; the target.
            self.decide_wsgi(py, environ, body, now, |v| {
                Verdict::from_core(py, v, &self.header_lists)
            })
        }

        /// For a framework's middleware: `evaluate_wsgi`, answered with only the headers to add
        /// to the response, `((lowercase name, (name, value)), ...)` shared by the policy, when
        /// the request is allowed (and so not audited); else with the `Verdict`. An allowed
        /// request, nearly every one, then makes no Python object.
        #[pyo3(signature = (environ, body=None))]
        fn _gate_wsgi(
            &self,
            py: Python<'_>,
            environ: &Bound<'_, PyDict>,
            body: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<Py<PyAny>> {
            self.decide_wsgi(py, environ, body, None, |v| {
                if v.action() == qila::Action::Allow {
                    Ok(self.header_lists.get(py, || v.headers())?.keyed.into_any())
                } else {
                    Ok(Py::new(py, Verdict::from_core(py, v, &self.header_lists)?)?.into_any())
                }
            })
        }

        fn __repr__(&self) -> String {
            format!("<qila._native.Policy mode={}>", self.inner.mode())
        }
    }

    /// One finding of screening.
    #[pyclass(frozen, get_all, module = "qila._native")]
    struct Finding {
        /// The check: `sqli`, `xss`, `traversal`, ...
        check: &'static str,
        /// Where: `path`, `query`, `body`, `json`, `multipart`, `cookie`, `header`.
        location: &'static str,
        /// The parameter, cookie, header or field name (empty for the path and whole bodies).
        name: String,
        /// The decoded text that shows it.
        evidence: String,
        /// `high`, `medium`, `low` or `note`.
        severity: &'static str,
        /// What matched.
        rule: &'static str,
    }

    #[pymethods]
    impl Finding {
        fn __repr__(&self) -> String {
            format!(
                "<Finding {} in {} {:?}: {}>",
                self.check, self.location, self.name, self.rule
            )
        }
    }

    /// The decision on one request: the core's `qila::Verdict`, copied out of the policy.
    #[pyclass(frozen, module = "qila._native")]
    struct Verdict {
        /// `allow`, `block` or `monitor`.
        #[pyo3(get)]
        action: &'static str,
        /// The refusal's stable code, or `None`.
        #[pyo3(get)]
        reason: Option<&'static str>,
        /// The status to answer with (200 when allowed).
        #[pyo3(get)]
        status: u16,
        /// A human explanation.
        #[pyo3(get)]
        message: &'static str,
        /// The mode in force: `read-only`, `open` or `monitor`.
        #[pyo3(get)]
        mode: &'static str,
        /// Whether the request writes.
        #[pyo3(get)]
        write: bool,
        /// The surfaces it touches.
        surfaces: qila::Surfaces,
        /// The method named by an override header or `_method` field.
        #[pyo3(get)]
        override_method: Option<String>,
        /// What could not be understood, if anything.
        #[pyo3(get)]
        malformed: Option<&'static str>,
        /// The client address.
        client: IpAddr,
        /// Where the client address came from.
        #[pyo3(get)]
        client_source: &'static str,
        /// The normalised path the rules matched.
        #[pyo3(get)]
        path: String,
        /// What normalising the path had to undo.
        path_flags: qila::path::PathFlags,
        /// Why an allowed request was allowed.
        #[pyo3(get)]
        allowed_by: Option<&'static str>,
        /// Whether the path is an admin path.
        #[pyo3(get)]
        admin: bool,
        /// `html` or `json`.
        #[pyo3(get)]
        format: &'static str,
        /// The headers to add to the response, shared with the policy.
        headers: PyHeaders,
        /// The content type of the refusal body, when blocked.
        #[pyo3(get)]
        content_type: Option<&'static str>,
        /// The refusal body, when blocked.
        #[pyo3(get)]
        body: Option<String>,
        /// What screening found.
        #[pyo3(get)]
        findings: Vec<Py<Finding>>,
        /// The screening limit the request went past.
        #[pyo3(get)]
        limit: Option<&'static str>,
        /// The audit event as one JSON line, for refused and monitored requests (`None` when
        /// allowed: an allowed request is not audited, and serialising costs as much as deciding).
        #[pyo3(get)]
        audit_json: Option<String>,
    }

    impl Verdict {
        fn from_core(
            py: Python<'_>,
            v: &qila::Verdict<'_>,
            header_lists: &HeaderLists,
        ) -> PyResult<Verdict> {
            let (content_type, body) = match v.body() {
                Some((ct, text)) => (Some(ct), Some(text.to_owned())),
                None => (None, None),
            };
            let findings = if v.findings().is_empty() {
                Vec::new()
            } else {
                {
                    v.findings()
                        .iter()
                        .filter_map(|f| {
                            Py::new(
                                py,
                                Finding {
                                    check: f.check.as_str(),
                                    location: f.location.as_str(),
                                    name: f.name.clone(),
                                    evidence: f.evidence.clone(),
                                    severity: f.severity,
                                    rule: f.rule,
                                },
                            )
                            .ok()
                        })
                        .collect()
                }
            };
            Ok(Verdict {
                action: v.action().as_str(),
                reason: v.reason().map(|r| r.code()),
                status: v.status(),
                message: v.message(),
                mode: v.mode().as_str(),
                write: v.intent().write,
                surfaces: v.surfaces(),
                override_method: v.intent().override_method.as_deref().map(str::to_owned),
                malformed: v.intent().malformed.map(|m| m.as_str()),
                client: v.client().ip,
                client_source: v.client().source.as_str(),
                path: v.path().as_str().to_owned(),
                path_flags: v.path().flags(),
                allowed_by: v.allowed_by().map(|a| a.as_str()),
                admin: v.is_admin(),
                format: match v.body_format() {
                    qila::BodyFormat::Html => "html",
                    qila::BodyFormat::Json => "json",
                },
                headers: header_lists.get(py, || v.headers())?,
                content_type,
                body,
                findings,
                limit: v.limit().map(|l| l.as_str()),
                audit_json: (v.action() != qila::Action::Allow).then(|| v.audit().to_json()),
            })
        }
    }

    #[pymethods]
    impl Verdict {
        /// The surfaces it touches.
        #[getter]
        fn surfaces(&self) -> Vec<&'static str> {
            self.surfaces.names().collect()
        }

        /// The client address.
        #[getter]
        fn client(&self) -> String {
            self.client.to_string()
        }

        /// What normalising the path had to undo.
        #[getter]
        fn path_flags(&self) -> Vec<&'static str> {
            self.path_flags.names().collect()
        }

        /// The headers to add to the response.
        #[getter]
        fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
            PyList::new(py, self.headers.pairs.bind(py))
        }

        /// The same headers as `((lowercase name, (name, value)), ...)`, made once per policy:
        /// the Django middleware adds them to the response's header store with one `update`.
        #[getter]
        fn _keyed_headers(&self, py: Python<'_>) -> Py<PyTuple> {
            self.headers.keyed.clone_ref(py)
        }

        /// Whether the middleware must answer instead of the application.
        #[getter]
        fn blocked(&self) -> bool {
            self.action == "block"
        }

        fn __repr__(&self) -> String {
            match self.reason {
                Some(r) => format!("<Verdict {} {} {}>", self.action, self.status, r),
                None => format!(
                    "<Verdict {} ({})>",
                    self.action,
                    self.allowed_by.unwrap_or("-")
                ),
            }
        }
    }

    /// What a statement (or a string of several) does: `read`, `write`, `transaction` or
    /// `session`. With `engine`, read the string only as that engine does.
    #[pyfunction]
    #[pyo3(signature = (sql, engine=None))]
    fn classify(py: Python<'_>, sql: &str, engine: Option<&str>) -> PyResult<&'static str> {
        Ok(kind(match engine {
            Some(e) => sql::classify_for(sql, parse_engine(py, e)?),
            None => sql::classify(sql),
        }))
    }

    fn kind(k: StatementKind) -> &'static str {
        k.as_str()
    }

    /// Whether the string holds a session or transaction statement that undoes the read-only
    /// session statement (`SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE`, ...).
    #[pyfunction]
    #[pyo3(signature = (sql, engine=None))]
    fn lifts_read_only(py: Python<'_>, sql: &str, engine: Option<&str>) -> PyResult<bool> {
        Ok(match engine {
            Some(e) => sql::summarize_for(sql, parse_engine(py, e)?).lifts_read_only(),
            None => sql::summarize(sql).lifts_read_only(),
        })
    }

    /// The statement that makes a connection of `engine` read-only.
    #[pyfunction]
    fn read_only_session_statement(py: Python<'_>, engine: &str) -> PyResult<&'static str> {
        Ok(parse_engine(py, engine)?.read_only_session_statement())
    }

    /// The statement that undoes `read_only_session_statement`.
    #[pyfunction]
    fn read_write_session_statement(py: Python<'_>, engine: &str) -> PyResult<&'static str> {
        Ok(parse_engine(py, engine)?.read_write_session_statement())
    }

    /// The canonical engine name (`postgres`, `mysql`, `sqlite`) of a vendor or dialect name.
    #[pyfunction]
    fn engine_name(py: Python<'_>, engine: &str) -> PyResult<&'static str> {
        Ok(parse_engine(py, engine)?.as_str())
    }

    /// Every reason code, in the core's order.
    #[pyfunction]
    fn reason_codes() -> Vec<&'static str> {
        qila::Reason::ALL.iter().map(|r| r.code()).collect()
    }
}
