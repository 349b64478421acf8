//! Serves the axum portal on a loopback port and talks HTTP/1.1 to it over a real socket.

use std::sync::Arc;

use qila::{Policy, PolicyHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start(handle: Arc<PolicyHandle>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(qila_example_axum::serve(listener, handle));
    addr
}

/// Sends one raw request and returns (status, head, body).
async fn send(addr: std::net::SocketAddr, raw: &str) -> (u16, String, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(raw.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

fn get(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: portal.test\r\n{extra}Connection: close\r\n\r\n")
}

fn post(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lockdown_over_real_http() {
    let handle = Arc::new(PolicyHandle::new(Policy::default()));
    let addr = start(handle.clone()).await;

    let (status, head, body) = send(addr, &get("/", "")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Citizen services"));
    assert!(
        head.to_ascii_lowercase().contains("qila-mode: read-only"),
        "{head}"
    );

    let (status, _, body) = send(addr, &get("/search?q=passport+renewal", "")).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "results for passport renewal")
    );

    let (status, head, body) = send(addr, &post("/contact", "message=hello")).await;
    assert_eq!(status, 503);
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 3600"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("cache-control: no-store"),
        "{head}"
    );
    assert!(body.contains("temporarily read-only"));

    let (status, _, body) = send(
        addr,
        &get(
            "/search?q=1",
            "Accept: application/json\r\nX-HTTP-Method-Override: DELETE\r\n",
        ),
    )
    .await;
    assert_eq!(status, 503);
    assert!(
        body.starts_with('{') && body.contains("\"write-in-lockdown\""),
        "{body}"
    );

    // The test client is on loopback, which the default policy does not allow into /admin.
    let (status, _, _) = send(addr, &get("/admin/users", "")).await;
    assert_eq!(status, 403);
    let (status, _, _) = send(addr, &get("/static/..%2f%2e%2e/ADMIN", "")).await;
    assert_eq!(status, 403);
    let (status, _, _) = send(addr, &get("/.env", "")).await;
    assert_eq!(status, 404);

    // Flipping the policy takes effect on the next request, with no restart.
    handle.store(Policy::from_toml("mode = \"open\"\n[admin]\nallow = [\"loopback\"]").unwrap());
    let (status, head, body) = send(addr, &post("/contact", "message=hello")).await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(body, "thank you, 5 bytes received");
    assert!(!head.to_ascii_lowercase().contains("qila-mode"), "{head}");
    let (status, _, body) = send(addr, &get("/admin", "")).await;
    assert_eq!((status, body.as_str()), (200, "admin dashboard"));
}
