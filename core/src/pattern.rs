//! Path patterns used by the `exempt`, `safe_writes`, `admin`, `deny` and login rules.
//!
//! A pattern is matched against the *normalised* path (see [`crate::path`]):
//!
//! | pattern | matches |
//! |---|---|
//! | `/admin` | `/admin`, `/admin/`, `/admin/users`; not `/administrator` |
//! | `/admin/` | the same as `/admin` |
//! | `=/` | exactly `/` and nothing else |
//! | `/static/*.css` | `*` is any run of characters inside one segment, `?` one character |
//! | `/api/**/export` | `**` is any number of whole segments, none included |
//! | `.git` | a pattern without a leading `/` is matched against every segment: any path with a `.git` segment |
//! | `*.sql` | any path with a segment ending in `.sql` |
//!
//! Matching is linear in the path length for patterns without `**`, and bounded by
//! path length × pattern length otherwise; patterns come from the operator, not the attacker.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern as written.
    pub pattern: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a path pattern: {}",
            self.pattern, self.problem
        )
    }
}

impl std::error::Error for PatternError {}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// `/admin`: the path or anything below it. Stored without a trailing slash.
    Prefix(String),
    /// `=/x`: exactly this path.
    Exact(String),
    /// A glob over the whole path, as segments.
    Glob(Vec<Seg>),
    /// A glob over any one segment.
    AnySegment(Seg),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    /// `**`
    Any,
    /// A segment that may contain `*` and `?`.
    Wild(String),
    /// A literal segment.
    Lit(String),
}

/// One compiled path pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct PathPattern {
    source: String,
    kind: Kind,
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathPattern({:?})", self.source)
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn has_wild(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

fn seg_of(s: &str) -> Seg {
    if s == "**" {
        Seg::Any
    } else if has_wild(s) {
        Seg::Wild(s.to_owned())
    } else {
        Seg::Lit(s.to_owned())
    }
}

impl PathPattern {
    /// Compiles a pattern (syntax in the [module docs](self)).
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        let err = |problem| PatternError {
            pattern: pattern.to_owned(),
            problem,
        };
        let p = pattern.trim();
        if p.is_empty() {
            return Err(err("it is empty"));
        }
        if p.bytes()
            .any(|b| b.is_ascii_control() || b == b' ' || b == b'\\')
        {
            return Err(err(
                "it contains a space, a backslash or a control character",
            ));
        }
        if p.contains('%') {
            return Err(err(
                "write it decoded: patterns match the decoded, normalised path",
            ));
        }
        let kind = if let Some(exact) = p.strip_prefix('=') {
            if !exact.starts_with('/') || has_wild(exact) {
                return Err(err(
                    "an exact pattern is `=` followed by a path without wildcards",
                ));
            }
            Kind::Exact(exact.to_owned())
        } else if let Some(rest) = p.strip_prefix('/') {
            if rest.split('/').any(|s| s == "." || s == "..") {
                return Err(err(
                    "`.` and `..` segments never occur in a normalised path",
                ));
            }
            if has_wild(rest) {
                let segs: Vec<Seg> = rest
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(seg_of)
                    .collect();
                Kind::Glob(segs)
            } else {
                Kind::Prefix(p.trim_end_matches('/').to_owned())
            }
        } else {
            if p.contains('/') {
                return Err(err(
                    "start it with `/` to match from the root, or write one segment (no `/`) to \
                     match any segment",
                ));
            }
            if p == "**" {
                return Err(err("`**` alone would match every path"));
            }
            Kind::AnySegment(seg_of(p))
        };
        Ok(PathPattern {
            source: p.to_owned(),
            kind,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the normalised `path` matches. With `ignore_case`, ASCII letters match in either
    /// case.
    pub fn matches(&self, path: &str, ignore_case: bool) -> bool {
        let eq = |a: &str, b: &str| {
            if ignore_case {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        match &self.kind {
            Kind::Prefix(p) => {
                if p.is_empty() {
                    return true; // `/` is every path
                }
                path.len() >= p.len()
                    && path.is_char_boundary(p.len())
                    && eq(&path[..p.len()], p)
                    && (path.len() == p.len() || path.as_bytes()[p.len()] == b'/')
            }
            Kind::Exact(p) => eq(path, p),
            Kind::AnySegment(seg) => path
                .split('/')
                .filter(|s| !s.is_empty())
                .any(|s| seg_matches(seg, s, ignore_case)),
            Kind::Glob(segs) => {
                let trimmed = path.strip_prefix('/').unwrap_or(path);
                let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
                glob_segments(segs, trimmed, ignore_case)
            }
        }
    }
}

fn seg_matches(seg: &Seg, s: &str, ignore_case: bool) -> bool {
    match seg {
        Seg::Any => true,
        Seg::Lit(l) => {
            if ignore_case {
                l.eq_ignore_ascii_case(s)
            } else {
                l == s
            }
        }
        Seg::Wild(w) => wildcard(w.as_bytes(), s.as_bytes(), ignore_case),
    }
}

/// Matches pattern segments against the path's segments; `**` spans zero or more segments.
/// Classic greedy matching with one backtrack point, which is exact when there is only one kind
/// of star at this level.
fn glob_segments(pat: &[Seg], path: &str, ignore_case: bool) -> bool {
    let segs: SegIter<'_> = SegIter::new(path);
    let path_segs: smallvec_like::Segs<'_> = smallvec_like::Segs::collect(segs);
    let text = path_segs.as_slice();
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pat.len()
            && !matches!(pat[p], Seg::Any)
            && seg_matches(&pat[p], text[t], ignore_case)
        {
            p += 1;
            t += 1;
        } else if p < pat.len() && matches!(pat[p], Seg::Any) {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while p < pat.len() && matches!(pat[p], Seg::Any) {
        p += 1;
    }
    p == pat.len()
}

/// `*` and `?` inside one segment.
fn wildcard(pat: &[u8], text: &[u8], ignore_case: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pat.len() && (pat[p] == b'?' || (pat[p] != b'*' && eq(pat[p], text[t]))) {
            p += 1;
            t += 1;
        } else if p < pat.len() && pat[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while p < pat.len() && pat[p] == b'*' {
        p += 1;
    }
    p == pat.len()
}

struct SegIter<'a> {
    inner: std::str::Split<'a, char>,
}

impl<'a> SegIter<'a> {
    fn new(path: &'a str) -> Self {
        SegIter {
            inner: path.split('/'),
        }
    }
}

impl<'a> Iterator for SegIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.inner.by_ref().find(|s| !s.is_empty())
    }
}

/// A fixed inline buffer of segments, so glob matching does not allocate for ordinary paths.
#[allow(clippy::large_enum_variant)] // a short-lived stack value, never moved around
mod smallvec_like {
    const INLINE: usize = 24;

    pub(super) enum Segs<'a> {
        Inline([&'a str; INLINE], usize),
        Heap(Vec<&'a str>),
    }

    impl<'a> Segs<'a> {
        pub(super) fn collect(it: impl Iterator<Item = &'a str>) -> Self {
            let mut buf = [""; INLINE];
            let mut n = 0;
            let mut it = it;
            for s in it.by_ref() {
                if n == INLINE {
                    let mut v = buf.to_vec();
                    v.push(s);
                    v.extend(it);
                    return Segs::Heap(v);
                }
                buf[n] = s;
                n += 1;
            }
            Segs::Inline(buf, n)
        }

        pub(super) fn as_slice(&self) -> &[&'a str] {
            match self {
                Segs::Inline(b, n) => &b[..*n],
                Segs::Heap(v) => v,
            }
        }
    }
}

impl<'de> Deserialize<'de> for PathPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PathPattern::new(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for PathPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

/// A list of patterns; a path matches the list if it matches any of them.
///
/// Every pattern has a literal that a matching path must contain (`/admin`, `.git`, `.sql`);
/// one case-insensitive Aho-Corasick pass over the path finds which patterns can match at all,
/// so a list of a hundred patterns costs about as much as one.
#[derive(Clone, Default)]
pub struct PatternList {
    patterns: Vec<PathPattern>,
    literals: Literals,
}

/// Which of a set of patterns a path may match, found from the literals they require.
#[derive(Clone, Default)]
struct Literals {
    /// Finds the required literals; match id `i` is pattern `with_literal[i]`.
    prefilter: Option<aho_corasick::AhoCorasick>,
    with_literal: Vec<usize>,
    /// Patterns with no literal to look for (`/`, `*`): always tried.
    always: Vec<usize>,
}

impl Literals {
    fn new<'p>(patterns: impl IntoIterator<Item = &'p PathPattern>) -> Literals {
        let (mut with_literal, mut literals, mut always) = (Vec::new(), Vec::new(), Vec::new());
        let mut count = 0;
        for (i, p) in patterns.into_iter().enumerate() {
            match p.required_literal() {
                Some(l) => {
                    with_literal.push(i);
                    literals.push(l);
                }
                None => always.push(i),
            }
            count = i + 1;
        }
        let prefilter = if literals.is_empty() {
            None
        } else {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&literals)
                .ok()
        };
        if prefilter.is_none() {
            // Without an automaton every pattern is tried.
            always = (0..count).collect();
            with_literal.clear();
        }
        Literals {
            prefilter,
            with_literal,
            always,
        }
    }

    /// The patterns that may match `path`, by index: those without a literal, then those
    /// whose literal `path` holds (a pattern whose literal occurs twice comes twice).
    fn candidates<'s>(&'s self, path: &'s str) -> impl Iterator<Item = usize> + 's {
        let found = self
            .prefilter
            .iter()
            .flat_map(move |ac| ac.find_overlapping_iter(path))
            .map(|m| self.with_literal[m.pattern().as_usize()]);
        self.always.iter().copied().chain(found)
    }
}

impl PartialEq for PatternList {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for PatternList {}

impl fmt::Debug for PatternList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.patterns.iter().map(|p| &p.source))
            .finish()
    }
}

/// The longest run of literal text in a wildcard segment.
fn longest_literal(s: &str) -> &str {
    s.split(['*', '?']).max_by_key(|r| r.len()).unwrap_or("")
}

impl PathPattern {
    /// Text every path matching this pattern contains (compared without case), if any.
    fn required_literal(&self) -> Option<&str> {
        let lit = match &self.kind {
            Kind::Prefix(p) | Kind::Exact(p) => p.as_str(),
            Kind::AnySegment(Seg::Lit(l)) => l.as_str(),
            Kind::AnySegment(Seg::Wild(w)) => longest_literal(w),
            Kind::AnySegment(Seg::Any) => "",
            Kind::Glob(segs) => segs
                .iter()
                .map(|s| match s {
                    Seg::Lit(l) => l.as_str(),
                    Seg::Wild(w) => longest_literal(w),
                    Seg::Any => "",
                })
                .max_by_key(|l| l.len())
                .unwrap_or(""),
        };
        (!lit.is_empty() && lit != "/").then_some(lit)
    }
}

impl PatternList {
    /// Compiles a list of patterns.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let v = patterns
            .iter()
            .map(|p| PathPattern::new(p.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PatternList::from_patterns(v))
    }

    /// A list of compiled patterns.
    pub fn from_patterns(patterns: Vec<PathPattern>) -> Self {
        let literals = Literals::new(&patterns);
        PatternList { patterns, literals }
    }

    /// The patterns, in order.
    pub fn patterns(&self) -> &[PathPattern] {
        &self.patterns
    }

    /// How many patterns there are.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// This list followed by `other`.
    pub fn concat(&self, other: &PatternList) -> PatternList {
        let mut v = self.patterns.clone();
        v.extend(other.patterns.iter().cloned());
        PatternList::from_patterns(v)
    }

    /// A pattern that matches, if any (the earliest found by the prefilter, not necessarily the
    /// first in the list).
    pub fn find(&self, path: &str, ignore_case: bool) -> Option<&PathPattern> {
        self.literals
            .candidates(path)
            .map(|i| &self.patterns[i])
            .find(|p| p.matches(path, ignore_case))
    }

    /// Whether any pattern matches.
    pub fn any(&self, path: &str, ignore_case: bool) -> bool {
        self.find(path, ignore_case).is_some()
    }
}

/// Several pattern lists searched at once, each matched without regard to case: which of them
/// a path matches. The literals of every list are in one automaton, so a request checked
/// against the login, GraphQL, admin and deny lists reads its path once, not four times.
#[derive(Clone, Default)]
pub(crate) struct PathIndex {
    /// Every pattern of every list, with the bit of its list.
    patterns: Vec<(u32, PathPattern)>,
    literals: Literals,
    /// The bits of all the lists.
    all: u32,
}

impl PathIndex {
    /// An index of `lists` (at most 32); bit `i` of [`PathIndex::matches`] answers for
    /// `lists[i]`.
    pub(crate) fn new(lists: &[&PatternList]) -> PathIndex {
        assert!(lists.len() <= 32, "a path index holds at most 32 lists");
        let patterns: Vec<(u32, PathPattern)> = (0..)
            .zip(lists)
            .flat_map(|(i, list)| list.patterns.iter().map(move |p| (1 << i, p.clone())))
            .collect();
        PathIndex {
            literals: Literals::new(patterns.iter().map(|(_, p)| p)),
            patterns,
            all: (0..lists.len()).fold(0, |m, i| m | 1 << i),
        }
    }

    /// The bits of the lists that `path` matches.
    pub(crate) fn matches(&self, path: &str) -> u32 {
        let mut hit = 0;
        for i in self.literals.candidates(path) {
            let (bit, p) = &self.patterns[i];
            if hit & bit == 0 && p.matches(path, true) {
                hit |= bit;
                if hit == self.all {
                    break;
                }
            }
        }
        hit
    }
}

impl fmt::Debug for PathIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.patterns.iter().map(|(bit, p)| (bit, &p.source)))
            .finish()
    }
}

impl<'de> Deserialize<'de> for PatternList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(PatternList::from_patterns(Vec::<PathPattern>::deserialize(
            d,
        )?))
    }
}

impl Serialize for PatternList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.patterns.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, path: &str) -> bool {
        PathPattern::new(p).unwrap().matches(path, false)
    }

    #[test]
    fn prefix() {
        assert!(m("/admin", "/admin"));
        assert!(m("/admin", "/admin/"));
        assert!(m("/admin/", "/admin/users/1"));
        assert!(m("/admin/", "/admin"));
        assert!(!m("/admin", "/administrator"));
        assert!(!m("/admin", "/"));
        assert!(m("/", "/anything"));
        assert!(
            PathPattern::new("/ADMIN")
                .unwrap()
                .matches("/admin/x", true)
        );
        assert!(
            !PathPattern::new("/ADMIN")
                .unwrap()
                .matches("/admin/x", false)
        );
    }

    #[test]
    fn exact_and_segments() {
        assert!(m("=/", "/"));
        assert!(!m("=/", "/x"));
        assert!(m(".git", "/repo/.git/config"));
        assert!(!m(".git", "/repo/.github/x"));
        assert!(m("*.sql", "/backup/db.sql"));
        assert!(!m("*.sql", "/backup/db.sql.txt"));
        assert!(m("wp-config.php*", "/wp-config.php.bak"));
    }

    #[test]
    fn globs() {
        assert!(m("/static/*.css", "/static/site.css"));
        assert!(!m("/static/*.css", "/static/a/site.css"));
        assert!(m("/static/**", "/static/a/b/c.js"));
        assert!(m("/static/**", "/static"));
        assert!(m("/api/**/export", "/api/export"));
        assert!(m("/api/**/export", "/api/v1/users/export"));
        assert!(!m("/api/**/export", "/api/v1/users/export/x"));
        assert!(m("/a/*/c", "/a/b/c"));
        assert!(m("/files/report-????.pdf", "/files/report-2024.pdf"));
        assert!(m("/*/wp-admin", "/blog/wp-admin"));
    }

    #[test]
    fn rejects() {
        for bad in [
            "", "admin/x", "/a/../b", "/a b", "/%2e", "=/a*", "**", "a\\b",
        ] {
            assert!(PathPattern::new(bad).is_err(), "{bad} should be refused");
        }
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn prefilter_agrees_with_trying_every_pattern() {
        let pats = [
            "/admin",
            ".git",
            "*.sql",
            "*~",
            "=/",
            "/static/*.css",
            "/api/**/export",
            "/",
            "wp-config.php.*",
            "*",
        ];
        let paths = [
            "/",
            "/admin",
            "/ADMIN/x",
            "/a/.GIT/config",
            "/db.SQL",
            "/x~",
            "/static/a.css",
            "/api/v1/export",
            "/wp-config.php.bak",
            "/page",
        ];
        for (n, pat) in pats.iter().enumerate() {
            for ci in [false, true] {
                let list = PatternList::new(&pats[n..=n]).unwrap();
                let single = PathPattern::new(pat).unwrap();
                for path in paths {
                    assert_eq!(
                        list.any(path, ci),
                        single.matches(path, ci),
                        "{pat} {path} {ci}"
                    );
                }
            }
        }
        let all = PatternList::new(&pats[..9]).unwrap();
        for path in paths {
            for ci in [false, true] {
                let direct = pats[..9]
                    .iter()
                    .any(|p| PathPattern::new(p).unwrap().matches(path, ci));
                assert_eq!(all.any(path, ci), direct, "{path}");
            }
        }
    }

    #[test]
    fn an_index_answers_as_each_of_its_lists() {
        let policy = crate::Policy::default();
        let cfg = policy.config();
        let lists: Vec<PatternList> = vec![
            cfg.surfaces.login.clone(),
            cfg.surfaces.graphql.clone(),
            policy.admin_paths().clone(),
            policy.deny_paths().clone(),
            PatternList::new(&["*", "/static/*.css"]).unwrap(),
            PatternList::new(&["/api/**/export", "*~"]).unwrap(),
            PatternList::default(),
        ];
        let index = PathIndex::new(&lists.iter().collect::<Vec<_>>());
        // Paths made of the lists' own patterns, their pieces and ordinary pages.
        let mut paths = vec![
            "/".to_owned(),
            "/page".to_owned(),
            "/services/passport/apply".to_owned(),
            "/ADMIN/Login".to_owned(),
            "/api/v1/export".to_owned(),
            "/x~".to_owned(),
        ];
        for list in &lists {
            for p in list.patterns() {
                let src = p.as_str().replace("**", "a/b").replace(['*', '?'], "x");
                let src = if src.starts_with('/') {
                    src
                } else {
                    format!("/d/{src}")
                };
                paths.push(format!("{src}/more"));
                paths.push(src.to_uppercase());
                paths.push(format!("/pre{src}"));
                paths.push(src);
            }
        }
        for path in &paths {
            let want =
                lists.iter().enumerate().fold(
                    0,
                    |m, (i, l)| if l.any(path, true) { m | 1 << i } else { m },
                );
            assert_eq!(index.matches(path), want, "{path}");
        }
        // Each list matched something, or the comparison would prove little.
        let seen = paths.iter().fold(0, |m, p| m | index.matches(p));
        assert_eq!(seen, 0b11_1111, "{seen:b}");
    }
}
