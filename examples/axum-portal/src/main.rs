//! `cargo run -p qila-example-axum [-- POLICY.toml]`: the portal on 127.0.0.1:8080.

use std::sync::Arc;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let policy = match std::env::args().nth(1) {
        Some(path) => {
            let text = std::fs::read_to_string(&path)?;
            qila::Policy::from_toml(&text)
                .map_err(|e| std::io::Error::other(format!("{path}: {e}")))?
        }
        None => qila::Policy::default(),
    };
    let policy = policy.with_env_mode().map_err(std::io::Error::other)?;
    println!("portal on http://127.0.0.1:8080 (mode {})", policy.mode());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    qila_example_axum::serve(listener, Arc::new(qila::PolicyHandle::new(policy))).await
}
