//! SQL statement classification (stub: being written).
