//! The screening figures the README reports, held as floors so that no change makes them worse
//! unnoticed: `qila inspect --mode open` over the evaluation corpus in `testdata/corpus`.
//! The floors sit just under the measured figures; `cmdi` is lower because most of that class is
//! bare command names: those that are no word (`dmesg`, `get-childitem`) block, but those that
//! are ordinary words (`export`, `access`, `make`) stay a note (see `qila::screen::cmdi`).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{Command, Stdio};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/corpus/eval-public.jsonl.gz"
);

#[test]
fn screening_holds_its_measured_figures() {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(CORPUS).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let lines: Vec<&str> = text.split('\n').filter(|l| !l.trim().is_empty()).collect();
    let classes: Vec<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["class"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();

    let mut child = Command::new(env!("CARGO_BIN_EXE_qila"))
        .args(["inspect", "--mode", "open"])
        .env_remove("QILA_MODE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = lines.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let verdicts: Vec<serde_json::Value> = stdout
        .split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), lines.len(), "one verdict per request");

    let mut counts: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for (class, v) in classes.iter().zip(&verdicts) {
        let e = counts.entry(class.as_str()).or_default();
        e.0 += 1;
        e.1 += u32::from(v["action"] == "block");
    }
    let rate = |class: &str| {
        let (n, blocked) = counts[class];
        f64::from(blocked) / f64::from(n)
    };
    let report = format!("{counts:?}");
    let floors = [
        ("sqli", 0.975),
        ("xss", 0.97),
        ("traversal", 0.985),
        ("webshell", 0.965),
        ("cmdi", 0.57),
        ("probe", 0.70),
    ];
    for (class, floor) in floors {
        assert!(
            rate(class) >= floor,
            "{class}: {:.2}% blocked, floor {:.1}%\n{report}",
            100.0 * rate(class),
            100.0 * floor
        );
    }
    assert!(
        rate("benign") <= 0.001,
        "benign: {:.3}% blocked, ceiling 0.1%\n{report}",
        100.0 * rate("benign")
    );
}
