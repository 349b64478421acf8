//! Temporary bridge while `path` is being written.
#![allow(missing_docs, dead_code)]
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathFlags(u32);
impl PathFlags {
    pub const NUL: PathFlags = PathFlags(1);
    pub fn contains(self, o: PathFlags) -> bool { self.0 & o.0 == o.0 }
    pub fn names(self) -> impl Iterator<Item = &'static str> { std::iter::empty() }
}
#[derive(Debug, Clone)]
pub struct NormalizedPath<'a> { p: Cow<'a, str> }
impl<'a> NormalizedPath<'a> {
    pub fn as_str(&self) -> &str { &self.p }
    pub fn flags(&self) -> PathFlags { PathFlags::default() }
}
pub fn normalize(raw: &str) -> NormalizedPath<'_> { NormalizedPath { p: Cow::Borrowed(raw) } }
