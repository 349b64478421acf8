//! Path normalisation (stub: being written).
