//! A small citizen-services portal (home page, search, contact form, login, admin area) whose
//! whole router is put under a Qila policy in one line.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Query, Request};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use qila::PolicyHandle;
use qila::tower::{PeerAddr, QilaLayer};

async fn home() -> Html<&'static str> {
    Html("<h1>Citizen services</h1><form action=/contact method=post><input name=message></form>")
}

async fn search(Query(q): Query<HashMap<String, String>>) -> String {
    format!("results for {}", q.get("q").map_or("", String::as_str))
}

async fn contact(Form(f): Form<HashMap<String, String>>) -> String {
    format!(
        "thank you, {} bytes received",
        f.values().map(String::len).sum::<usize>()
    )
}

async fn admin() -> &'static str {
    "admin dashboard"
}

/// Copies the connection's address into the request, where the Qila layer looks for the peer.
async fn peer(
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    req.extensions_mut().insert(PeerAddr(addr.ip()));
    next.run(req).await
}

/// The portal, under the policy held by `handle`.
pub fn app(handle: Arc<PolicyHandle>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search).post(search))
        .route("/contact", post(contact))
        .route("/accounts/login", post(contact))
        .route("/admin", get(admin))
        .route("/admin/{*rest}", get(admin))
        // The one line: every route is under the policy.
        .layer(QilaLayer::with_handle(handle).on_event(|e| eprintln!("{}", e.to_json())))
        .layer(middleware::from_fn(peer))
}

/// Serves the portal on `listener` until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    handle: Arc<PolicyHandle>,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(handle).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
