//! Runs the `qila` binary as a user would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn qila(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qila"));
    cmd.args(args).env_remove("QILA_MODE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("qila runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("qila-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn check_exit_codes_and_json() {
    let o = qila(&["check", "GET", "/services"], None, &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("ALLOW"));

    let o = qila(
        &[
            "check",
            "--json",
            "POST",
            "https://portal.example/contact",
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "--data",
            "a=1&pwd=x",
            "--peer",
            "[2001:db8::7]:4431",
        ],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["reason"], "write-in-lockdown");
    assert_eq!(v["status"], 503);
    assert_eq!(v["client"], "2001:db8::7");
    assert_eq!(v["surfaces"], serde_json::json!(["form", "login"]));
    assert_eq!(v["audit"]["method"], "POST");
    assert!(v["body"].as_str().unwrap().contains("read-only"));

    let o = qila(&["check", "GET"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("METHOD and URL"));
    let o = qila(&["check", "GET", "/", "-H", "no colon"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn mode_from_option_and_environment() {
    let o = qila(&["check", "--mode", "open", "POST", "/contact"], None, &[]);
    assert_eq!(o.status.code(), Some(0));
    let o = qila(
        &["check", "POST", "/contact"],
        None,
        &[("QILA_MODE", "monitor")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("MONITOR 503"), "{}", stdout(&o));
    // --mode wins over the environment.
    let o = qila(
        &["check", "--mode", "read-only", "POST", "/contact"],
        None,
        &[("QILA_MODE", "open")],
    );
    assert!(stdout(&o).starts_with("BLOCK 503"));
    let o = qila(
        &["check", "POST", "/contact"],
        None,
        &[("QILA_MODE", "shut")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("QILA_MODE"));
}

#[test]
fn inspect_streams_and_survives_bad_lines() {
    let input = concat!(
        r#"{"id":"r1","method":"GET","target":"/"}"#,
        "\n",
        "this is not json\n",
        r#"{"id":"r3","method":"POST","target":"/contact","class":"benign","expect":"allow","source":"x"}"#,
        "\n",
        "\n",
        r#"{"id":"r4","method":"GET","target":"/","body":"a","body_b64":"YQ=="}"#,
        "\n",
        r#"{"id":"r5","method":"GET","target":"/","peer":"not-an-ip"}"#,
        "\n",
        r#"{"id":"r6","method":"GET","target":"/.git/config","peer":"[2001:db8::1]:443"}"#,
        "\n",
        r#"{"id":7,"method":"PUT","target":"/upload","body_b64":"AAEC/w=="}"#,
        "\n",
    );
    let o = qila(&["inspect"], Some(input), &[]);
    assert_eq!(o.status.code(), Some(0));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 7, "{}", stdout(&o));
    assert_eq!(lines[0], serde_json::json!({"id":"r1","action":"allow"}));
    assert_eq!(lines[1]["action"], "error");
    assert!(lines[1]["message"].as_str().unwrap().contains("line 2"));
    assert_eq!(
        lines[2],
        serde_json::json!({"id":"r3","action":"block","status":503,"reason":"write-in-lockdown"})
    );
    assert_eq!(lines[3]["id"], "r4");
    assert_eq!(lines[3]["action"], "error");
    assert_eq!(lines[4]["id"], "r5");
    assert_eq!(lines[4]["action"], "error");
    assert_eq!(lines[5]["reason"], "denied-path");
    assert_eq!(lines[5]["status"], 404);
    assert_eq!(lines[6]["id"], 7);
    assert_eq!(lines[6]["reason"], "write-in-lockdown");

    // Invalid UTF-8 on a line is an error verdict, not the end of the run.
    let mut bytes = b"{\"id\":\"a\",\"method\":\"GET\",\"target\":\"/\xff\"}\n".to_vec();
    bytes.extend_from_slice(b"{\"id\":\"b\",\"method\":\"GET\",\"target\":\"/\"}\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qila"))
        .arg("inspect")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = json_lines(&out);
    assert_eq!(lines[0]["action"], "error");
    assert_eq!(lines[1], serde_json::json!({"id":"b","action":"allow"}));
}

#[test]
fn inspect_open_and_monitor_modes() {
    let input = "{\"id\":\"w\",\"method\":\"DELETE\",\"target\":\"/news/1\"}\n{\"id\":\"a\",\"method\":\"GET\",\"target\":\"/wp-admin/\",\"peer\":\"198.51.100.1\"}\n";
    let open = json_lines(&qila(&["inspect", "--mode", "open"], Some(input), &[]));
    assert_eq!(open[0]["action"], "allow");
    assert_eq!(open[1]["reason"], "admin-network");
    let monitor = json_lines(&qila(&["inspect", "--mode", "monitor"], Some(input), &[]));
    assert_eq!(
        monitor[0],
        serde_json::json!({"id":"w","action":"monitor","status":503,"reason":"write-in-lockdown"})
    );
    assert_eq!(monitor[1]["action"], "monitor");
}

#[test]
fn demo_table() {
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/demo/requests.jsonl"
    ))
    .unwrap();
    let o = qila(&["inspect", "--format", "table"], Some(&demo), &[]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0));
    for expected in [
        "write-in-lockdown",
        "admin-network",
        "denied-path",
        "malformed-request",
        "GraphQL query",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    let rows = demo.lines().count();
    assert!(text.contains(&format!(
        "{} allowed",
        text.lines().filter(|l| l.contains("  allow  ")).count()
    )));
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("  allow  ") || l.contains("  block  "))
            .count(),
        rows
    );
}

#[test]
fn policy_commands() {
    let o = qila(&["policy", "default"], None, &[]);
    assert_eq!(o.status.code(), Some(0));
    let default_file = temp_file("default.toml", &stdout(&o));
    let o = qila(
        &["policy", "check", default_file.to_str().unwrap()],
        None,
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).contains("mode read-only"));

    let bad = temp_file(
        "bad.toml",
        "mode = \"open\"\n[lockdown]\nwriters = [\"10.1.0.0/16\", \"10.300.0.0/16\"]\n",
    );
    let o = qila(&["policy", "check", bad.to_str().unwrap()], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 3") && err.contains("lockdown.writers") && err.contains("10.300.0.0/16"),
        "{err}"
    );

    let json = temp_file(
        "p.json",
        r#"{"mode": "monitor", "admin": {"allow": ["10.0.0.0/8"]}}"#,
    );
    let o = qila(&["policy", "check", json.to_str().unwrap()], None, &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("mode monitor"));
    let o = qila(
        &[
            "check",
            "--policy",
            json.to_str().unwrap(),
            "GET",
            "/admin/",
            "--peer",
            "10.2.3.4",
        ],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(0));

    let o = qila(&["policy", "check", "/nonexistent/policy.toml"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    let shown = qila(&["policy", "show", json.to_str().unwrap()], None, &[]);
    assert!(stdout(&shown).contains("mode = \"monitor\""));
}
