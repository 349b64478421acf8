//! Path normalisation against the shared corpus: the cases in `testdata/paths.toml` and the
//! fuzzdb traversal lists in `testdata/traversal/`.

use std::borrow::Cow;
use std::path::PathBuf;

use qila::path::{NormalizedPath, PathFlags, is_under_ignore_case, normalize};
use serde::Deserialize;

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(name)
}

fn read(name: &str) -> String {
    let path = testdata(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    raw: String,
    path: String,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    borrowed: bool,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

fn cases() -> Vec<Case> {
    let cases: Cases = toml::from_str(&read("paths.toml")).expect("paths.toml");
    cases.case
}

/// The traversal payloads: every non-blank line of the lists, `{FILE}` filled in.
fn payloads() -> Vec<(String, String)> {
    let lists = [
        "traversal/traversals-8-deep-exotic-encoding.txt",
        "traversal/path-traversal-windows.txt",
        "traversal/JHADDIX_LFI.txt",
    ];
    let mut out = Vec::new();
    for list in lists {
        for (i, line) in read(list).lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            out.push((
                format!("{list}:{}", i + 1),
                line.replace("{FILE}", "etc/passwd"),
            ));
        }
    }
    out
}

#[test]
fn cases_from_testdata() {
    let cases = cases();
    assert!(cases.len() >= 80, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let got = normalize(&case.raw);
        let mut wrong = Vec::new();
        if got.as_str() != case.path {
            wrong.push(format!("path {:?}, want {:?}", got.as_str(), case.path));
        }
        for name in &case.flags {
            match PathFlags::from_name(name) {
                Some(flag) if got.flags().contains(flag) => {}
                Some(_) => wrong.push(format!("flag {name} missing")),
                None => wrong.push(format!("no flag is called {name}")),
            }
        }
        if case.borrowed && !(got.is_borrowed() && got.flags().is_empty()) {
            wrong.push("copied or flagged, want borrowed".to_owned());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{:?} ({}): {} [flags: {}]",
                case.raw,
                case.note,
                wrong.join("; "),
                got.flags()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Checks that `p`, the normalisation of `raw`, is canonical: normalising it again gives the same
/// path, borrowed, with no flag; and the flags are empty exactly when nothing changed.
fn check_fixed_point(raw: &str, p: &NormalizedPath<'_>) -> Result<(), String> {
    let again = normalize(p.as_str());
    if again.as_str() != p.as_str() {
        return Err(format!(
            "{raw:?} -> {:?} -> {:?}",
            p.as_str(),
            again.as_str()
        ));
    }
    if !again.is_borrowed() || !again.flags().is_empty() {
        return Err(format!(
            "{raw:?} -> {:?} is not canonical: {}",
            p.as_str(),
            again.flags()
        ));
    }
    if p.flags().is_empty() != (p.as_str() == raw) {
        return Err(format!(
            "{raw:?} -> {:?} with flags [{}]",
            p.as_str(),
            p.flags()
        ));
    }
    Ok(())
}

#[test]
fn normalisation_is_idempotent() {
    let mut inputs: Vec<String> = cases().into_iter().map(|c| c.raw).collect();
    for (_, payload) in payloads() {
        inputs.push(format!("/static/{payload}"));
        inputs.push(payload);
    }
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|raw| check_fixed_point(raw, &normalize(raw)).err())
        .collect();
    assert!(inputs.len() > 2_500, "only {} inputs", inputs.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The encodings the traversal lists use for `.`, `/`, `\`, `%` and NUL, each spelled out by
/// hand. Replacing them until nothing changes is a deliberately naive reading of a payload, made
/// without the normaliser's decoder, to tell which payloads climb.
const SPELLINGS: &[(&str, &str)] = &[
    // Overlong UTF-8, and the lax `%c0` + ASCII form. First, so `%2e` in `%c0%2e` stays whole.
    ("%c0%ae", "."),
    ("%c0%af", "/"),
    ("%c1%9c", "\\"),
    ("%c0%2e", "."),
    ("%c0%2f", "/"),
    ("%c0%5c", "\\"),
    ("%e0%80%ae", "."),
    // IIS %u escapes and look-alikes.
    ("%u002e", "."),
    ("%u002f", "/"),
    ("%u005c", "\\"),
    ("%uff0e", "."),
    ("%u2215", "/"),
    ("%u2216", "\\"),
    ("%25", "%"),
    ("%2e", "."),
    ("%2f", "/"),
    ("%5c", "\\"),
    ("%00", "\0"),
    // Escapes of the hex digits of an escape (`%%32%65`).
    ("%32", "2"),
    ("%35", "5"),
    ("%63", "c"),
    ("%65", "e"),
    ("%66", "f"),
];

/// True when `payload`, appended to `/static/`, climbs out of `/static`, read with
/// [`SPELLINGS`]. Segment rules as documented: `\` separates, `;` starts a parameter, NUL ends
/// the path, a segment of dots and spaces only (other than `..`) is nothing.
fn climbs_out_of_static(payload: &str) -> bool {
    let mut text = payload.to_ascii_lowercase();
    loop {
        let before = text.clone();
        for (spelled, meant) in SPELLINGS {
            text = text.replace(spelled, meant);
        }
        if text == before {
            break;
        }
    }
    let text = text.split('\0').next().unwrap_or("").replace('\\', "/");
    let mut depth = 1; // inside `/static`
    for segment in text.split('/') {
        let name = segment.split(';').next().unwrap_or("");
        if name == ".." {
            depth -= 1;
            if depth < 1 {
                return true;
            }
        } else if !name.bytes().all(|b| b == b'.' || b == b' ') {
            depth += 1;
        }
    }
    false
}

/// True when `s` still holds an escape that would decode (`%XX`, `%uXXXX`).
fn has_live_escape(s: &str) -> bool {
    let b = s.as_bytes();
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && ((hex(i + 1) && hex(i + 2))
                || (matches!(b.get(i + 1), Some(b'u' | b'U')) && (2..6).all(|k| hex(i + k))))
    })
}

#[test]
fn traversal_lists_cannot_climb() {
    let payloads = payloads();
    let (mut checked, mut climbing) = (0, 0);
    let mut failures = Vec::new();
    for (at, payload) in &payloads {
        let raw = format!("/static/{payload}");
        let p = normalize(&raw);
        let s = p.as_str();
        let climbs = climbs_out_of_static(payload);
        let mut wrong = Vec::new();
        if s.split('/').any(|seg| seg == "..") {
            wrong.push("a .. segment is left");
        }
        if s.contains('\\') {
            wrong.push("a backslash is left");
        }
        if has_live_escape(s) {
            wrong.push("an escape that decodes is left");
        }
        if climbs && s.starts_with("/static/") {
            wrong.push("the payload climbs, the path stays under /static/");
        }
        if !climbs && !s.starts_with("/static/") {
            wrong.push("the payload does not climb, the path left /static/");
        }
        if climbs && !p.flags().contains(PathFlags::DOT_SEGMENTS) {
            wrong.push("climbed without the dot-segments flag");
        }
        if !wrong.is_empty() {
            failures.push(format!("{at}: {payload:?} -> {s:?}: {}", wrong.join("; ")));
        }
        checked += 1;
        climbing += usize::from(climbs);
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 530 + 6 + 867 non-blank lines. 412 + 0 + 178 of them climb; the others spell dots in ways
    // no server reads as dots (`0x2e`, `...`, `%uF025`) or are plain file names.
    assert!(checked >= 1_400, "only {checked} payloads checked");
    assert!(
        climbing >= 580,
        "only {climbing} of {checked} payloads climb"
    );
    println!("{checked} traversal payloads checked, {climbing} of them climb out of /static/");
}

#[test]
fn admin_rules_cannot_be_dodged() {
    // Each spelling must normalise to a path under the given base (ASCII case ignored).
    let spellings: &[(&str, &str)] = &[
        ("/admin", "/admin"),
        ("/ADMIN/", "/admin"),
        ("/AdMiN/users", "/admin"),
        ("/%61dmin", "/admin"),
        ("/%61%64%6d%69%6e", "/admin"),
        ("/%41%44%4D%49%4E", "/admin"),
        ("/adm%69n/", "/admin"),
        ("/%2561dmin", "/admin"),
        ("/%252561dmin", "/admin"),
        ("/%%36%31dmin", "/admin"),
        ("/%25%36%31dmin", "/admin"),
        ("/%u0061dmin", "/admin"),
        ("/%u0041DMIN", "/admin"),
        ("/%c1%a1dmin", "/admin"),
        ("/%e0%81%a1dmin", "/admin"),
        ("/ａｄｍｉｎ", "/admin"),
        ("/%ef%bd%81dmin", "/admin"),
        ("/%uff41dmin", "/admin"),
        ("//admin", "/admin"),
        ("///admin//", "/admin"),
        ("/./admin", "/admin"),
        ("/x/../admin", "/admin"),
        ("/../admin", "/admin"),
        ("/static/%2e%2e/admin", "/admin"),
        ("/static/..%2fadmin", "/admin"),
        ("/static/%252e%252e%252fadmin", "/admin"),
        ("/static/..;/admin", "/admin"),
        ("/static/%c0%ae%c0%ae/admin", "/admin"),
        ("/static/..%c0%afadmin", "/admin"),
        ("/static/%uff0e%uff0e%u2215admin", "/admin"),
        ("/admin;x", "/admin"),
        ("/admin;jsessionid=1/users", "/admin"),
        ("/;/admin", "/admin"),
        ("/admin%3b.css", "/admin"),
        ("\\admin", "/admin"),
        ("%5cadmin", "/admin"),
        ("/static\\..\\admin", "/admin"),
        ("/admin.", "/admin"),
        ("/admin...", "/admin"),
        ("/admin%20", "/admin"),
        ("/admin. . /", "/admin"),
        ("/admin%2e/", "/admin"),
        ("/admin%00.jpg", "/admin"),
        ("/admin%2500.css", "/admin"),
        ("/admin%c0%80.png", "/admin"),
        ("admin", "/admin"),
        ("%2fadmin", "/admin"),
        ("/wp-admin/", "/wp-admin"),
        ("/wp-admin%2f", "/wp-admin"),
        ("/WP-ADMIN/", "/wp-admin"),
        ("/wp%2dadmin/", "/wp-admin"),
        ("/wp-%61dmin/", "/wp-admin"),
        ("/wp-admin./", "/wp-admin"),
        ("/wp-admin;/", "/wp-admin"),
        ("//wp-admin//", "/wp-admin"),
        ("/wp-content/../wp-admin/", "/wp-admin"),
        ("/wp-content/..%5cwp-admin/", "/wp-admin"),
        ("/wp-content/%2e%2e/wp-admin/", "/wp-admin"),
        ("/wp-includes/..%252fwp-admin/", "/wp-admin"),
        ("/wp-admin%00/", "/wp-admin"),
        ("/ｗｐ－ａｄｍｉｎ/", "/wp-admin"),
    ];
    assert!(spellings.len() >= 40);
    let dodged: Vec<String> = spellings
        .iter()
        .filter_map(|(raw, base)| {
            let p = normalize(raw);
            (!is_under_ignore_case(p.as_str(), base)).then(|| {
                format!(
                    "{raw:?} -> {:?} [{}] is not under {base}",
                    p.as_str(),
                    p.flags()
                )
            })
        })
        .collect();
    assert!(dodged.is_empty(), "{}", dodged.join("\n"));
}

#[test]
fn canonical_paths_allocate_nothing() {
    for raw in [
        "/",
        "/page",
        "/services/passport-renewal/form.html",
        "/static/css/site.css",
    ] {
        assert!(
            matches!(normalize(raw).into_cow(), Cow::Borrowed(s) if s == raw),
            "{raw}"
        );
    }
}

#[test]
fn every_flag_appears_in_testdata() {
    let mut seen = PathFlags::EMPTY;
    for case in cases() {
        for name in &case.flags {
            seen |= PathFlags::from_name(name).unwrap_or(PathFlags::EMPTY);
        }
    }
    let missing: Vec<&str> = PathFlags::all()
        .filter(|(f, _)| !seen.contains(*f))
        .map(|(_, n)| n)
        .collect();
    assert!(missing.is_empty(), "no case expects {missing:?}");
}
