//! `ldap` check: LDAP filter injection, the attack on portals that sign citizens or staff in
//! against a directory (Active Directory, OpenLDAP) by building a search filter from a form
//! field: `(&(uid=` + name + `)(userPassword=` + password + `))`.
//!
//! A filter is a tree of parenthesised items (RFC 4515): `(attr=value)`, with `*` as a wildcard
//! in the value, and `(&...)`, `(|...)`, `(!...)` combining items. What blocks at level 1:
//!
//! - an operator applied to an item, `(|(`, `(&(`, `(!(` (`*(|(objectclass=*))`);
//! - the absolute filters `(&)` (true) and `(|)` (false) (`admin)(&)`);
//! - a value that closes its item and opens another, `)(attr=`, when a wildcard is in the value
//!   too (`*)(uid=*))(|(uid=*`): without one (`a)(b=c`) it is level 2, since the closing and
//!   opening of a bracket also happen in notes and formulas.
//!
//! Words in brackets (`Lahore (Punjab)`, `(see page 2)(optional)`) are no filter items: an item
//! starts with an operator or with an attribute name followed by `=`, `~=`, `>=` or `<=`.
//!
//! # Performance
//!
//! Every rule starts at a `(`, which most values lack (the screening's byte classes skip the
//! check for them); each `(` is looked at with a few byte comparisons.

use super::Hit;

/// Scans one decoded value.
pub fn scan(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    let wildcard = memchr::memchr(b'*', b).is_some();
    let mut best: Option<Hit> = None;
    for open in memchr::memchr_iter(b'(', b) {
        let hit = match b.get(open + 1) {
            // `(&)`, `(|)`: the filters that are always true and always false.
            Some(b'&' | b'|') if b.get(open + 2) == Some(&b')') => Some(1),
            // `(|(`, `(&(`, `(!(`: an operator applied to an item.
            Some(b'&' | b'|' | b'!') if item_at(b, open + 2) => Some(1),
            // `)(attr=`: the value closes its item and opens another.
            _ if open > 0 && b[open - 1] == b')' && item_at(b, open) => {
                Some(if wildcard { 1 } else { 2 })
            }
            _ => None,
        };
        if let Some(level) = hit {
            let end = b[open..]
                .iter()
                .take(MAX_NAME)
                .position(|&c| c == b')')
                .map_or((open + MAX_NAME).min(b.len()), |p| open + p + 1);
            let h = Hit {
                level,
                rule: "ldap-filter",
                evidence: open.saturating_sub(1)..end,
            };
            if level == 1 {
                return Some(h);
            }
            best.get_or_insert(h);
        }
    }
    best
}

/// How many `(` may open an item (`((|uid=*` of lenient servers).
const MAX_OPEN: usize = 4;
/// The longest attribute name read.
const MAX_NAME: usize = 64;

/// Whether a filter item starts at `b[at]`: a `(` (more may follow it), then an operator or an
/// attribute with its filter type.
fn item_at(b: &[u8], at: usize) -> bool {
    // A few `(` at most: each `(` of a long run would otherwise read the whole run again.
    let opened = b[at.min(b.len())..]
        .iter()
        .take(MAX_OPEN + 1)
        .take_while(|&&c| c == b'(')
        .count();
    if opened == 0 || opened > MAX_OPEN {
        return false;
    }
    let i = at + opened;
    match b.get(i) {
        // `(|(`, and `(|attr=` that lenient servers read as `(|(attr=`.
        Some(b'&' | b'|' | b'!') => b.get(i + 1) == Some(&b'(') || attribute_at(b, i + 1),
        _ => attribute_at(b, i),
    }
}

/// Whether an attribute and its filter type start at `b[i]`: a letter, then letters, digits,
/// `-`, `;` options or `.` of an OID, then `=`, `~=`, `>=`, `<=`, or `:` of an extensible match.
fn attribute_at(b: &[u8], mut i: usize) -> bool {
    if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let name = b[i..]
        .iter()
        .take(MAX_NAME + 1)
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b';' | b'.'))
        .count();
    if name > MAX_NAME {
        return false;
    }
    i += name;
    match b.get(i) {
        Some(b'=') => true,
        Some(b'~' | b'>' | b'<') => b.get(i + 1) == Some(&b'='),
        Some(b':') => b[i + 1..].iter().take(64).any(|&c| c == b'='),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(v: &str) -> Option<u8> {
        scan(v).map(|h| h.level)
    }

    #[test]
    fn filters_and_prose() {
        assert_eq!(level("*)(uid=*))(|(uid=*"), Some(1));
        assert_eq!(level("admin)(&)"), Some(1));
        assert_eq!(level("*(|(objectclass=*))"), Some(1));
        assert_eq!(level("x)(!(cn=x"), Some(1));
        assert_eq!(level("a)(b=c"), Some(2));
        assert_eq!(level("Lahore (Punjab)"), None);
        assert_eq!(level("(see page 2)(optional)"), None);
        assert_eq!(level("f(x)(y)"), None);
        assert_eq!(level("(&"), None);
    }

    #[test]
    fn long_inputs_are_linear() {
        use crate::screen::test_support::assert_linear;
        for unit in ["(", ")(", "(a", ")(aaaa", "((((", "(|", ")((a:"] {
            assert_linear(
                &|v| {
                    std::hint::black_box(scan(v));
                },
                unit,
            );
        }
    }

    #[test]
    fn evidence_stays_inside_the_value() {
        for v in ["(&)", "*(|(a=", ")(a=", "x)((b=*"] {
            if let Some(h) = scan(v) {
                assert!(
                    h.evidence.end <= v.len() && h.evidence.start <= h.evidence.end,
                    "{v}"
                );
            }
        }
    }
}
