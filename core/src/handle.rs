//! A policy that can be replaced while requests are being evaluated.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::policy::Policy;

/// A shared, atomically replaceable policy. Readers never wait: [`load`](PolicyHandle::load)
/// is a few atomic operations, and a [`store`](PolicyHandle::store) is seen by every request
/// that starts after it, while requests already being evaluated finish on the policy they
/// started with.
///
/// ```
/// use qila::{Policy, PolicyHandle, Request, Mode};
/// let handle = PolicyHandle::new(Policy::default());
/// assert_eq!(handle.load().mode(), Mode::ReadOnly);
/// handle.store(Policy::from_toml("mode = \"open\"").unwrap());
/// let policy = handle.load();
/// assert!(!policy.evaluate(&Request::new("POST", "/contact")).is_blocked());
/// ```
#[derive(Debug)]
pub struct PolicyHandle {
    inner: ArcSwap<Policy>,
}

impl PolicyHandle {
    /// A handle holding `policy`.
    pub fn new(policy: Policy) -> Self {
        PolicyHandle {
            inner: ArcSwap::from_pointee(policy),
        }
    }

    /// The policy in force now.
    pub fn load(&self) -> Arc<Policy> {
        self.inner.load_full()
    }

    /// Replaces the policy; returns the one it replaced.
    pub fn store(&self, policy: Policy) -> Arc<Policy> {
        self.inner.swap(Arc::new(policy))
    }
}

impl Default for PolicyHandle {
    fn default() -> Self {
        PolicyHandle::new(Policy::default())
    }
}
