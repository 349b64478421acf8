//! `probe` and `scanner` checks (being written).

use super::Hit;

/// Scans a normalised request path for sensitive files and known exploit paths.
pub fn scan_path(path: &str) -> Option<Hit> {
    let _ = path;
    None
}

/// Scans a `User-Agent` value for known scanners.
pub fn scan_user_agent(user_agent: &str) -> Option<Hit> {
    let _ = user_agent;
    None
}
