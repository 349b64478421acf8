//! Qila: lock a web portal into a read-only state and screen what still comes in.
#![deny(missing_docs)]

pub mod client_ip;
pub mod decode;
pub mod graphql;
pub mod net;
pub mod path;
pub mod request;
pub mod sql;

pub use request::{Headers, Request};
