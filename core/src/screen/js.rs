//! `js` check: server-side JavaScript injection and prototype pollution, the attacks on portals
//! that run on Node (Express and its body and query parsers).
//!
//! What blocks at level 1:
//!
//! - a key path that reaches the prototype of every object: `__proto__` as a key
//!   (`__proto__[admin]=1`, `a[__proto__][x]`, `{"__proto__": {...}}`, `__proto__.polluted`),
//!   or `constructor` then `prototype` (`constructor[prototype][admin]`,
//!   `constructor.prototype`). A parser that merges such a key into an object changes every
//!   object of the process: a flag read from an empty object turns true, a template engine's
//!   option turns into code;
//! - Node's ways to a shell and to the module loader: `require('child_process')` (also `fs`,
//!   `vm`, `net`), `child_process.exec(...)` and its siblings, `process.binding(`,
//!   `process.mainModule`, `this.constructor.constructor(` (the way out of a sandbox to the
//!   global `Function`), and node-serialize's `_$$ND_FUNC$$_` marker of a function that is
//!   called when the object is read back.
//!
//! - a MongoDB query operator where a parser turns it into one: a key step `[$ne]`,
//!   `[$gt]`, `[$regex]`, `[$where]`... (`password[$ne]=x` becomes `{password: {$ne: "x"}}`
//!   and matches every password), a JSON key that is an operator (`{"$where": "..."}`), or
//!   an operator as the whole of a key.
//!
//! The words alone (`constructor`, `prototype`, `process`, `require`) are prose and pass.
//!
//! # Performance
//!
//! Every rule needs a `_`, `(`, `[` or `$`, which most values lack (the screening's byte classes
//! skip the check for them), and next to it one of a few names (`may_match`, the operators
//! after a `$`); the few values left are searched once with a case-sensitive automaton, as
//! JavaScript reads its names.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::Hit;

/// The literals the rules start from, in the automaton's order.
const LITERALS: [&str; 7] = [
    "__proto__",
    "constructor",
    "child_process",
    "process.binding",
    "process.mainModule",
    "_$$ND_FUNC$$_",
    "require",
];

/// The modules whose `require` is a way to the machine.
const MODULES: [&[u8]; 4] = [b"child_process", b"fs", b"vm", b"net"];

/// What `child_process` is called for.
const SPAWNERS: [&[u8]; 6] = [
    b"exec",
    b"execSync",
    b"execFile",
    b"spawn",
    b"spawnSync",
    b"fork",
];

/// MongoDB's query operators: what a filter object holds besides field names.
const OPERATORS: [&[u8]; 19] = [
    b"ne",
    b"eq",
    b"gt",
    b"gte",
    b"lt",
    b"lte",
    b"in",
    b"nin",
    b"regex",
    b"where",
    b"exists",
    b"or",
    b"and",
    b"not",
    b"nor",
    b"expr",
    b"function",
    b"elemMatch",
    b"type",
];

/// Scans one decoded value (or a parameter name, or a JSON key).
pub fn scan(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    if let Some(h) = memchr::memchr_iter(b'$', b).find_map(|i| mongo_operator(b, i)) {
        return Some(h);
    }
    if let Some(h) = mongo_code(b) {
        return Some(h);
    }
    if !may_match(b) {
        return None;
    }
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let ac = AC
        .get_or_init(|| {
            // A DFA: one table look-up a byte, the fastest for short values.
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::DFA))
                .build(LITERALS)
                .ok()
        })
        .as_ref()?;
    ac.find_iter(b).find_map(|m| {
        let (s, e) = (m.start(), m.end());
        let hit = |rule: &'static str, end: usize| {
            Some(Hit {
                level: 1,
                rule,
                evidence: s..end.min(b.len()),
            })
        };
        match m.pattern().as_usize() {
            0 if key_boundary_before(b, s) && key_boundary_after(b, e) => {
                hit("prototype-pollution", e)
            }
            1 => {
                let rest = &b[e..];
                if let Some(n) = then_key(rest, b"prototype") {
                    return hit("prototype-pollution", e + n);
                }
                // `this.constructor.constructor("return process")()`.
                let rest2 = rest.strip_prefix(b".constructor")?;
                let n = skip_spaces(rest2);
                (rest2.get(n) == Some(&b'(')).then_some(())?;
                hit("sandbox-escape", e + 12 + n + 1)
            }
            2 => {
                // `child_process').exec(`, `child_process.spawnSync(`.
                let mut i = e;
                while i < b.len() && i < e + 3 && matches!(b[i], b'\'' | b'"' | b'`' | b')') {
                    i += 1;
                }
                let rest = b.get(i..)?.strip_prefix(b".")?;
                let name_len = rest
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
                let name = &rest[..name_len];
                let called = rest.get(name_len + skip_spaces(&rest[name_len..])) == Some(&b'(');
                (SPAWNERS.contains(&name) && called).then_some(())?;
                hit("node-code", i + 1 + name_len)
            }
            3 => {
                let n = skip_spaces(&b[e..]);
                (b.get(e + n) == Some(&b'(')).then_some(())?;
                hit("node-code", e + n + 1)
            }
            4 => hit("node-code", e),
            5 => hit("node-serialize", e),
            6 => {
                // `require('child_process')`, `require ( "fs" )`.
                if s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
                    return None;
                }
                let mut i = e + skip_spaces(&b[e..]);
                (b.get(i) == Some(&b'(')).then_some(())?;
                i += 1 + skip_spaces(b.get(i + 1..)?);
                let quote = *b.get(i)?;
                matches!(quote, b'\'' | b'"' | b'`').then_some(())?;
                let name_start = i + 1;
                let close = memchr::memchr(quote, b.get(name_start..)?)?;
                let module = &b[name_start..name_start + close];
                let module = module.strip_prefix(b"node:").unwrap_or(module);
                MODULES.contains(&module).then_some(())?;
                hit("node-code", name_start + close + 1)
            }
            _ => None,
        }
    })
}

/// What every rule needs, found from the `_`, `(` and `[` of the value: `__` or `_$`
/// (`__proto__`, `_$$ND_FUNC$$_`), `child_`, or a `(` or `[` right after `require`, `binding`,
/// `constructor`, `prototype` or a spawner's name (closing brackets and quotes between are
/// skipped: `a[constructor][prototype]`). Values with none of them, nearly all, cost one
/// `memchr` pass and a look at a few neighbours.
fn may_match(b: &[u8]) -> bool {
    const CALLED: [&[u8]; 4] = [b"require", b"binding", b"constructor", b"prototype"];
    memchr::memchr3_iter(b'_', b'(', b'[', b).any(|i| {
        if b[i] == b'_' {
            return matches!(b.get(i + 1), Some(b'_' | b'$')) || b[..i].ends_with(b"child");
        }
        let mut e = i;
        while e > 0 && matches!(b[e - 1], b' ' | b'\t' | b']' | b'\'' | b'"') {
            e -= 1;
        }
        let before = &b[..e];
        CALLED.iter().chain(&SPAWNERS).any(|w| before.ends_with(w))
    })
}

/// A MongoDB operator at the `$` at `i`, standing as a key: `[$ne]`, `"$where":`, or the
/// whole value (a parameter name or JSON key that is `$gt`).
fn mongo_operator(b: &[u8], i: usize) -> Option<Hit> {
    let name_len = b[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let end = i + 1 + name_len;
    if !OPERATORS.contains(&&b[i + 1..end]) {
        return None;
    }
    let before = i.checked_sub(1).map(|k| b[k]);
    let after = b.get(end).copied();
    let colon_at = |from: usize| b[from..].trim_ascii_start().first() == Some(&b':');
    let as_key = match (before, after) {
        (Some(b'['), Some(b']')) => true,
        (Some(q @ (b'"' | b'\'')), Some(a)) if a == q => colon_at(end + 1),
        (None, None) => true,
        // `{ $ne: 1 }`, `', $where: '1 == 1'`: a key of a JavaScript object or of the mongo
        // shell, unquoted: first in the value or after `{` or `,` (spaces between).
        _ => {
            let lead = b[..i].trim_ascii_end();
            matches!(lead.last(), None | Some(b'{' | b',')) && colon_at(end)
        }
    };
    as_key.then_some(Hit {
        level: 1,
        rule: "nosql-operator",
        evidence: i.saturating_sub(1)..(end + 1).min(b.len()),
    })
}

/// The mongo shell's collection methods that read or change data.
const SHELL_METHODS: [&[u8]; 12] = [
    b"insert",
    b"insertOne",
    b"insertMany",
    b"find",
    b"findOne",
    b"remove",
    b"deleteMany",
    b"drop",
    b"update",
    b"updateMany",
    b"mapReduce",
    b"aggregate",
];

/// JavaScript that MongoDB runs: a string of a `$where` clause broken out of into the
/// document's fields (`' && this.password.match(/.*/)//`, `' || this.role == 'admin`), and
/// mongo shell calls on a collection (`db.users.find(`, `db.injection.insert({`).
fn mongo_code(b: &[u8]) -> Option<Hit> {
    // Each rule needs a byte that few values hold (`&` or `|`; `(`), and is found from the `.`
    // after `this` or `db`.
    if memchr::memchr2(b'&', b'|', b).is_some() {
        if let Some(h) = where_breakout(b) {
            return Some(h);
        }
    }
    memchr::memchr(b'(', b)?;
    words_before_dot(b, b"db").find_map(|at| {
        if at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_') {
            return None;
        }
        let coll = b[at + 3..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let rest = b[at + 3 + coll..].strip_prefix(b".")?;
        let method = SHELL_METHODS.iter().find(|m| rest.starts_with(m))?;
        let end = at + 3 + coll + 1 + method.len();
        (coll > 0 && b.get(end) == Some(&b'(')).then_some(Hit {
            level: 1,
            rule: "mongo-shell",
            evidence: at..end + 1,
        })
    })
}

/// `' && this.`, `" || this.`: a `$where` string closed and its condition continued on the
/// document's fields.
fn where_breakout(b: &[u8]) -> Option<Hit> {
    for at in words_before_dot(b, b"this") {
        // Back over spaces to `&&` or `||`, then spaces to a quote.
        let mut k = at;
        while k > 0 && b[k - 1] == b' ' {
            k -= 1;
        }
        if k < 2 || !matches!(&b[k - 2..k], b"&&" | b"||") {
            continue;
        }
        k -= 2;
        while k > 0 && b[k - 1] == b' ' {
            k -= 1;
        }
        if k > 0 && matches!(b[k - 1], b'\'' | b'"') {
            return Some(Hit {
                level: 1,
                rule: "nosql-where",
                evidence: k - 1..(at + 5).min(b.len()),
            });
        }
    }
    None
}

/// Where `word` starts in each `word.` of `b`.
fn words_before_dot<'b>(b: &'b [u8], word: &'b [u8]) -> impl Iterator<Item = usize> + 'b {
    memchr::memchr_iter(b'.', b)
        .filter(move |&d| b[..d].ends_with(word))
        .map(move |d| d - word.len())
}

/// Spaces and tabs at the start of `b`.
fn skip_spaces(b: &[u8]) -> usize {
    b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count()
}

/// `__proto__` starts a key: at the start, or after `[`, `.`, a quote, `{`, `,`, `&` or a
/// space (`a[__proto__]`, `{"__proto__"`, `x&__proto__[y]=`).
fn key_boundary_before(b: &[u8], s: usize) -> bool {
    s == 0
        || matches!(
            b[s - 1],
            b'[' | b'.' | b'"' | b'\'' | b'{' | b',' | b'&' | b' ' | b'\t' | b'\n'
        )
}

/// `__proto__` ends a key: at the end, or before `]`, `[`, `.`, a quote, `=` or `:`.
fn key_boundary_after(b: &[u8], e: usize) -> bool {
    e == b.len()
        || matches!(
            b[e],
            b']' | b'[' | b'.' | b'"' | b'\'' | b'=' | b':' | b' ' | b'\t' | b'\n'
        )
}

/// After `constructor`, the key `key` as the next step of a path: `[key]`, `["key"]`, `.key`
/// (also after the `]` of `[constructor]`); how far that step ends.
fn then_key(rest: &[u8], key: &[u8]) -> Option<usize> {
    // The end of `constructor`'s own step: `a[constructor][prototype]`, `a["constructor"].`.
    let closed = rest
        .iter()
        .take(2)
        .take_while(|c| matches!(c, b'\'' | b'"' | b']'))
        .count();
    let rest = &rest[closed..];
    let (open, inner) = match rest.first()? {
        b'.' => (1, &rest[1..]),
        b'[' => {
            let q = rest
                .get(1)
                .filter(|c| matches!(c, b'\'' | b'"'))
                .map_or(0, |_| 1);
            (1 + q, &rest[1 + q..])
        }
        _ => return None,
    };
    let after = inner.strip_prefix(key)?;
    // The name must end there: `.prototypes` is another word.
    if after
        .first()
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return None;
    }
    Some(closed + open + key.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::test_support::assert_linear;

    #[test]
    fn literals_hold_a_gate_byte() {
        // The screening skips the check for values without `_`, `(` or `[`: every rule must
        // need one of them.
        for l in ["__proto__", "child_process", "_$$ND_FUNC$$_"] {
            assert!(l.contains('_'), "{l}");
        }
        for v in [
            "constructor[prototype]",
            "constructor.prototype[x]",
            "process.binding(",
            "process.mainModule.require(",
            "require('fs')",
            "this.constructor.constructor(",
        ] {
            assert!(v.contains(['_', '(', '[']), "{v}");
            assert!(scan(v).is_some(), "{v}");
        }
    }

    #[test]
    fn long_inputs_are_linear() {
        for unit in [
            "__proto",
            "constructor[",
            "require(",
            "child_process'",
            "require('",
            "[$ne",
            "$aaaa",
            "{ $n",
            "' && this",
            "this.",
            "db.x",
            "db.aaaa",
        ] {
            assert_linear(&|v| assert!(scan(v).is_none()), unit);
        }
    }
}
