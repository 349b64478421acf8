//! A `tower::Layer` that puts a tower, hyper or axum service under a policy.
//!
//! ```no_run
//! # #[cfg(any())] {
//! let app = axum::Router::new()
//!     .route("/", axum::routing::get(|| async { "home" }))
//!     .layer(qila::tower::QilaLayer::new(qila::Policy::default()));
//! # }
//! ```
//!
//! The layer decides on the head of the request (method, target, headers, peer); it does not
//! read or hold the body, so streaming bodies keep streaming. That is fail closed: a body can
//! only ever make a request *read* (a GraphQL `query` sent by POST), never make a write look
//! like a read, so without the body such a POST counts as a write. The peer address comes from
//! the request extension `std::net::SocketAddr` or axum's `ConnectInfo<SocketAddr>` as
//! inserted by the caller ([`PeerAddr`]); without one it is `0.0.0.0`, which no network list
//! allows (fail closed for admin paths).

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::handle::PolicyHandle;
use crate::policy::Policy;
use crate::request::Request;
use crate::verdict::{Action, AuditEvent};

/// The socket peer of a request, as a request extension the layer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub IpAddr);

type Sink = Arc<dyn Fn(&AuditEvent<'_>) + Send + Sync>;

/// The layer. Cheap to clone.
#[derive(Clone)]
pub struct QilaLayer {
    handle: Arc<PolicyHandle>,
    sink: Option<Sink>,
}

impl std::fmt::Debug for QilaLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QilaLayer")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl QilaLayer {
    /// A layer with a fixed policy.
    pub fn new(policy: Policy) -> Self {
        QilaLayer {
            handle: Arc::new(PolicyHandle::new(policy)),
            sink: None,
        }
    }

    /// A layer that reads the policy from `handle` on every request, so storing a new policy
    /// in the handle takes effect at once.
    pub fn with_handle(handle: Arc<PolicyHandle>) -> Self {
        QilaLayer { handle, sink: None }
    }

    /// Calls `sink` with the audit event of every refused or monitored request.
    pub fn on_event(mut self, sink: impl Fn(&AuditEvent<'_>) + Send + Sync + 'static) -> Self {
        self.sink = Some(Arc::new(sink));
        self
    }
}

impl<S> tower_layer::Layer<S> for QilaLayer {
    type Service = QilaService<S>;
    fn layer(&self, inner: S) -> QilaService<S> {
        QilaService {
            inner,
            handle: self.handle.clone(),
            sink: self.sink.clone(),
        }
    }
}

/// The service the layer wraps around the application.
#[derive(Clone)]
pub struct QilaService<S> {
    inner: S,
    handle: Arc<PolicyHandle>,
    sink: Option<Sink>,
}

impl<S: std::fmt::Debug> std::fmt::Debug for QilaService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QilaService")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

fn peer_of<B>(req: &http::Request<B>) -> IpAddr {
    if let Some(PeerAddr(ip)) = req.extensions().get::<PeerAddr>() {
        return *ip;
    }
    if let Some(sa) = req.extensions().get::<SocketAddr>() {
        return sa.ip();
    }
    IpAddr::V4(Ipv4Addr::UNSPECIFIED)
}

/// The future of [`QilaService`]: either the refusal, ready, or the application's response.
pub type ResponseFuture<R, E> = Pin<Box<dyn Future<Output = Result<R, E>> + Send>>;

impl<S, B, RB> tower_service::Service<http::Request<B>> for QilaService<S>
where
    S: tower_service::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
    S::Error: 'static,
    S::Response: Send,
    S::Error: Send,
    RB: From<bytes::Bytes> + Send + 'static,
{
    type Response = http::Response<RB>;
    type Error = S::Error;
    type Future = ResponseFuture<http::Response<RB>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let policy = self.handle.load();
        let peer = peer_of(&req);
        let refusal = {
            let (parts_ref, headers) = (&req, req.headers());
            let target = parts_ref
                .uri()
                .path_and_query()
                .map_or("/", |pq| pq.as_str());
            let view = Request::new(parts_ref.method().as_str(), target)
                .with_headers(crate::request::Headers::Http(headers))
                .peer(peer);
            let v = policy.evaluate(&view);
            if v.action() != Action::Allow {
                if let Some(sink) = &self.sink {
                    sink(&v.audit());
                }
            }
            let extra: Vec<(String, String)> = v
                .headers()
                .map(|(k, val)| (k.to_owned(), val.to_owned()))
                .collect();
            match v.body() {
                Some((_, body)) => Err((v.status(), extra, body.to_owned())),
                None => Ok(extra),
            }
        };
        match refusal {
            Err((status, headers, body)) => {
                let mut resp = http::Response::new(RB::from(bytes::Bytes::from(body)));
                *resp.status_mut() = http::StatusCode::from_u16(status)
                    .unwrap_or(http::StatusCode::SERVICE_UNAVAILABLE);
                add_headers(resp.headers_mut(), &headers);
                Box::pin(async move { Ok(resp) })
            }
            Ok(headers) => {
                let fut = self.inner.call(req);
                Box::pin(async move {
                    let mut resp = fut.await?;
                    add_headers(resp.headers_mut(), &headers);
                    Ok(resp)
                })
            }
        }
    }
}

fn add_headers(map: &mut http::HeaderMap, headers: &[(String, String)]) {
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(k.as_bytes()),
            http::HeaderValue::from_str(v),
        ) {
            map.insert(name, value);
        }
    }
}
