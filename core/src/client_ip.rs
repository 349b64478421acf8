//! Client address resolution (stub: being written).
