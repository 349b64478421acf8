//! GraphQL operation detection (stub: being written).
