//! `qila`: check one request, inspect a stream of requests, validate a policy.

mod lines;

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::prelude::*;
use qila::{Action, Mode, Policy, Request};

const USAGE: &str = "\
qila: lock a web portal into a read-only state and screen what still comes in

USAGE:
    qila check [OPTIONS] METHOD URL      decide one request
    qila inspect [OPTIONS] [< FILE]      decide a stream of request lines (JSON, one per line)
    qila policy check FILE               validate a policy file
    qila policy default                  print the built-in policy, every key with its default
    qila policy show [FILE]              print the policy in force, defaults filled in

OPTIONS (check, inspect):
    --policy FILE        policy file (TOML, or JSON when it ends in .json); default: built-in
    --mode MODE          read-only | open | monitor (overrides the file and QILA_MODE)

OPTIONS (check):
    -H, --header 'Name: value'   a request header (repeatable, order kept)
    --peer ADDR                  socket peer address (default 127.0.0.1)
    --data BODY                  request body
    --data-file FILE             request body from a file
    --json                       print the verdict as JSON

OPTIONS (inspect):
    --format jsonl|table  verdict lines (default) or a readable table
    --values              read one raw value per line (as the application would see it, already
                          decoded) and print the checks that fire on it, as JSON lines
    --paranoia N          with --values: the paranoia level, 1 to 4 (default: the policy's)

EXIT STATUS:
    check: 0 allowed, 1 blocked or monitored, 2 error
    inspect, policy: 0 done, 2 error
";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("qila: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut args = std::env::args_os().skip(1);
    let Some(cmd) = args.next() else {
        print!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    let rest: Vec<_> = args.collect();
    match cmd.to_string_lossy().as_ref() {
        "check" => check(rest),
        "inspect" => inspect(rest),
        "policy" => policy_cmd(rest),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        "-V" | "--version" => {
            println!("qila {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`; try `qila --help`")),
    }
}

/// Loads the policy: the file (or the built-in one), then `QILA_MODE`, then `--mode`.
fn load_policy(file: Option<&PathBuf>, mode: Option<Mode>) -> Result<Policy, String> {
    let policy = match file {
        None => Policy::default(),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let parsed = if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                Policy::from_json(&text)
            } else {
                Policy::from_toml(&text)
            };
            parsed.map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    let policy = policy
        .with_env_mode()
        .map_err(|e| format!("QILA_MODE: {e}"))?;
    Ok(if mode.is_some() {
        policy.with_mode(mode)
    } else {
        policy
    })
}

fn parse_mode(v: std::ffi::OsString) -> Result<Mode, String> {
    v.to_string_lossy()
        .parse::<Mode>()
        .map_err(|e| e.to_string())
}

fn check(args: Vec<std::ffi::OsString>) -> Result<ExitCode, String> {
    let mut parser = lexopt::Parser::from_args(args);
    let (mut policy_file, mut mode, mut json) = (None, None, false);
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut peer = None;
    let mut body: Option<Vec<u8>> = None;
    let mut positional = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("policy") => {
                policy_file = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
            }
            Long("mode") => mode = Some(parse_mode(parser.value().map_err(|e| e.to_string())?)?),
            Short('H') | Long("header") => {
                let h = parser
                    .value()
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .into_owned();
                let (n, v) = h
                    .split_once(':')
                    .ok_or_else(|| format!("header `{h}` has no `:`; write -H 'Name: value'"))?;
                headers.push((n.trim().to_owned(), v.trim_start().to_owned()));
            }
            Long("peer") => {
                let p = parser.value().map_err(|e| e.to_string())?;
                peer = Some(lines::parse_peer(&p.to_string_lossy())?);
            }
            Long("data") => {
                body = Some(
                    parser
                        .value()
                        .map_err(|e| e.to_string())?
                        .to_string_lossy()
                        .into_owned()
                        .into_bytes(),
                );
            }
            Long("data-file") => {
                let f = PathBuf::from(parser.value().map_err(|e| e.to_string())?);
                body = Some(std::fs::read(&f).map_err(|e| format!("{}: {e}", f.display()))?);
            }
            Long("json") => json = true,
            Short('h') | Long("help") => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) => positional.push(v.to_string_lossy().into_owned()),
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    let [method, url] = positional.as_slice() else {
        return Err("check needs METHOD and URL, e.g. `qila check POST /contact`".into());
    };
    let policy = load_policy(policy_file.as_ref(), mode)?;
    // A full URL gives its host to the Host header when none was given.
    let host = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    if let Some(h) = host {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            headers.insert(0, ("Host".into(), h.to_owned()));
        }
    }
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut req = Request::new(method, url).headers(&pairs);
    if let Some(p) = peer {
        req = req.peer(p);
    }
    if let Some(b) = &body {
        req = req.body(b);
    }
    let v = policy.evaluate(&req);
    let mut out = io::stdout().lock();
    if json {
        let text =
            serde_json::to_string_pretty(&lines::verdict_json(&v)).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    } else {
        print_human(&mut out, &v).map_err(|e| e.to_string())?;
    }
    Ok(if v.action() == Action::Allow {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_human(out: &mut impl Write, v: &qila::Verdict<'_>) -> io::Result<()> {
    match v.reason() {
        Some(r) => writeln!(
            out,
            "{} {} {}: {}",
            v.action().as_str().to_uppercase(),
            v.status(),
            r.code(),
            v.message()
        )?,
        None => writeln!(out, "ALLOW: {}", v.message())?,
    }
    writeln!(out, "  mode      {}", v.mode())?;
    writeln!(
        out,
        "  client    {} ({})",
        v.client().ip,
        v.client().source.as_str()
    )?;
    writeln!(out, "  path      {}", v.path().as_str())?;
    let flags: Vec<_> = v.path().flags().names().collect();
    if !flags.is_empty() {
        writeln!(out, "  undone    {}", flags.join(", "))?;
    }
    let surfaces: Vec<_> = v.surfaces().names().collect();
    let rw = if v.intent().write { "write" } else { "read" };
    if surfaces.is_empty() {
        writeln!(out, "  intent    {rw}")?;
    } else {
        writeln!(out, "  intent    {rw} [{}]", surfaces.join(", "))?;
    }
    if let Some(m) = &v.intent().override_method {
        writeln!(out, "  override  {m}")?;
    }
    if let Some(m) = v.intent().malformed {
        writeln!(out, "  malformed {}", m.as_str())?;
    }
    for (k, val) in v.headers() {
        writeln!(out, "  header    {k}: {val}")?;
    }
    Ok(())
}

fn inspect(args: Vec<std::ffi::OsString>) -> Result<ExitCode, String> {
    let mut parser = lexopt::Parser::from_args(args);
    let (mut policy_file, mut mode, mut table) = (None, None, false);
    let (mut values, mut paranoia) = (false, None);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("policy") => {
                policy_file = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
            }
            Long("mode") => mode = Some(parse_mode(parser.value().map_err(|e| e.to_string())?)?),
            Long("values") => values = true,
            Long("paranoia") => {
                let v = parser.value().map_err(|e| e.to_string())?;
                let n: u8 = v
                    .to_string_lossy()
                    .parse()
                    .map_err(|_| "--paranoia takes 1, 2, 3 or 4".to_owned())?;
                if !(1..=4).contains(&n) {
                    return Err("--paranoia takes 1, 2, 3 or 4".into());
                }
                paranoia = Some(n);
            }
            Long("format") => {
                let f = parser.value().map_err(|e| e.to_string())?;
                table = match f.to_string_lossy().as_ref() {
                    "table" => true,
                    "jsonl" | "json" => false,
                    other => return Err(format!("unknown format `{other}`: use jsonl or table")),
                };
            }
            Short('h') | Long("help") => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    let policy = load_policy(policy_file.as_ref(), mode)?;
    if values {
        return inspect_values(paranoia.unwrap_or(policy.config().screening.paranoia));
    }
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut rows = Vec::new();
    for (n, raw) in stdin.split(b'\n').enumerate() {
        let raw = raw.map_err(|e| format!("reading standard input: {e}"))?;
        let raw = raw.strip_suffix(b"\r").unwrap_or(&raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let (id, result) = match std::str::from_utf8(raw) {
            Err(_) => (
                serde_json::Value::Null,
                Err(format!("line {}: not UTF-8", n + 1)),
            ),
            Ok(text) => match lines::parse_line(text) {
                Ok(parsed) => {
                    let id = parsed.line.id.clone().unwrap_or(serde_json::Value::Null);
                    let line = parsed.evaluate(&policy, |v| {
                        if table {
                            rows.push(table_row(&parsed, v));
                        }
                        lines::verdict_line(&id, v)
                    });
                    (id, Ok(line))
                }
                Err(e) => (lines::salvage_id(text), Err(format!("line {}: {e}", n + 1))),
            },
        };
        let value = match result {
            Ok(v) => v,
            Err(msg) => {
                if table {
                    rows.push([
                        id_text(&id),
                        "-".into(),
                        "error".into(),
                        "-".into(),
                        msg.clone(),
                        String::new(),
                    ]);
                }
                lines::error_line(id, &msg)
            }
        };
        if !table {
            serde_json::to_writer(&mut out, &value).map_err(|e| e.to_string())?;
            out.write_all(b"\n").map_err(|e| e.to_string())?;
        }
    }
    if table {
        write_table(&mut out, policy.mode(), &rows).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// `inspect --values`: one value per line in, one JSON line out with the checks that fire.
fn inspect_values(paranoia: u8) -> Result<ExitCode, String> {
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for (n, raw) in stdin.split(b'\n').enumerate() {
        let raw = raw.map_err(|e| format!("reading standard input: {e}"))?;
        let raw = raw.strip_suffix(b"\r").unwrap_or(&raw);
        let value = String::from_utf8_lossy(raw);
        let mut checks: Vec<serde_json::Value> = Vec::new();
        qila::screen::scan_value("", &value, |check, hit| {
            if hit.level <= paranoia {
                checks.push(serde_json::json!({"check": check.as_str(), "rule": hit.rule, "level": hit.level}));
            }
        });
        let line = serde_json::json!({"line": n + 1, "checks": checks});
        serde_json::to_writer(&mut out, &line).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn id_text(id: &serde_json::Value) -> String {
    match id {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn table_row(p: &lines::Parsed, v: &qila::Verdict<'_>) -> [String; 6] {
    let mut target = p.line.target.clone();
    if target.chars().count() > 38 {
        target = target.chars().take(37).collect::<String>() + "…";
    }
    let why = match v.reason() {
        Some(r) => format!("{}: {}", r.code(), v.message()),
        None => v.message().to_owned(),
    };
    let status = if v.action() == Action::Allow {
        "-".to_owned()
    } else {
        v.status().to_string()
    };
    let surfaces: Vec<_> = v.surfaces().names().collect();
    [
        id_text(p.line.id.as_ref().unwrap_or(&serde_json::Value::Null)),
        format!("{} {}", p.line.method, target),
        v.action().as_str().to_owned(),
        status,
        why,
        format!("{} from {}", surfaces.join(","), v.client().ip)
            .trim_start_matches(' ')
            .to_owned(),
    ]
}

fn write_table(out: &mut impl Write, mode: Mode, rows: &[[String; 6]]) -> io::Result<()> {
    let heads = [
        "REQUEST",
        "METHOD + TARGET",
        "ACTION",
        "STATUS",
        "WHY",
        "SURFACES / CLIENT",
    ];
    let mut widths = heads.map(|h| h.chars().count());
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    writeln!(out, "policy mode: {mode}\n")?;
    let line = |out: &mut dyn Write, cells: [&str; 6]| -> io::Result<()> {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, heads)?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(
        out,
        [&rule[0], &rule[1], &rule[2], &rule[3], &rule[4], &rule[5]],
    )?;
    let (mut allowed, mut blocked) = (0, 0);
    for r in rows {
        if r[2] == "allow" {
            allowed += 1;
        } else {
            blocked += 1;
        }
        line(out, [&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]])?;
    }
    writeln!(out, "\n{allowed} allowed, {blocked} refused or reported")
}

fn policy_cmd(args: Vec<std::ffi::OsString>) -> Result<ExitCode, String> {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["default"] => {
            print!("{}", qila::DEFAULT_POLICY_TOML);
            Ok(ExitCode::SUCCESS)
        }
        ["check", file] => {
            let path = PathBuf::from(file);
            let p = load_policy(Some(&path), None)?;
            let c = p.config();
            println!(
                "{file}: ok (mode {}, {} admin paths, {} denied paths, {} admin networks, {} writer networks)",
                p.mode(),
                p.admin_paths().len(),
                p.deny_paths().len(),
                c.admin.allow.entries().len(),
                c.lockdown.writers.entries().len(),
            );
            Ok(ExitCode::SUCCESS)
        }
        ["show"] => {
            print!("{}", load_policy(None, None)?.to_toml());
            Ok(ExitCode::SUCCESS)
        }
        ["show", file] => {
            print!(
                "{}",
                load_policy(Some(&PathBuf::from(file)), None)?.to_toml()
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(
            "usage: qila policy check FILE | qila policy default | qila policy show [FILE]".into(),
        ),
    }
}
