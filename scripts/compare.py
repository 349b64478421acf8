#!/usr/bin/env python3
"""Prints Qila's SQL injection check beside libinjection from the criterion results.

Run `cargo bench -p qila-benches --bench screen -- "sqli vs libinjection"` first (`make compare`
does both). Reads target/criterion/<group>/{qila,libinjection}/<input>/new/estimates.json and
prints the median time of each on each input, and their ratio.
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
GROUP = os.path.join(TARGET, "criterion", "sqli vs libinjection")


def median_ns(path):
    with open(os.path.join(path, "new", "estimates.json")) as f:
        return json.load(f)["median"]["point_estimate"]


def main():
    qila_dir, li_dir = os.path.join(GROUP, "qila"), os.path.join(GROUP, "libinjection")
    if not os.path.isdir(qila_dir) or not os.path.isdir(li_dir):
        sys.exit("no results: run `cargo bench -p qila-benches --bench screen -- \"sqli vs libinjection\"` first")
    rows = []
    for name in sorted(os.listdir(qila_dir)):
        if name == "report" or not os.path.isdir(os.path.join(li_dir, name)):
            continue
        q, l = median_ns(os.path.join(qila_dir, name)), median_ns(os.path.join(li_dir, name))
        rows.append((name, q, l))
    print(f"{'input':<24} {'qila (ns)':>10} {'libinjection (ns)':>18} {'libinjection / qila':>20}")
    for name, q, l in rows:
        print(f"{name:<24} {q:>10.1f} {l:>18.1f} {l / q:>19.2f}x")


if __name__ == "__main__":
    main()
