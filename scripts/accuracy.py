#!/usr/bin/env python3
"""Screening accuracy: per class, how many requests Qila blocks, and how many libinjection flags.

Usage: python3 scripts/accuracy.py [--qila PATH] [--corpus FILE] [--markdown]

Runs `qila inspect --mode open` over the corpus (request lines, optionally gzip) and prints,
for each class, the share blocked; for `benign`, the false-positive rate. When the
`libinjection` module (package `libinjection-python`) can be imported, it is run on the same
requests: every user-input value (query and form parameters, JSON strings, cookies, multipart
fields, the path) is given to `is_sql_injection` and `is_xss`, and a request counts as flagged
when any value is. libinjection has no checks for traversal, command injection, uploads or
probes, so those rows show only Qila.
"""

import argparse
import base64
import collections
import gzip
import json
import os
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [line for line in f.read().split("\n") if line.strip()]


def run_qila(qila, lines, mode):
    started = time.perf_counter()
    proc = subprocess.run(
        [qila, "inspect", "--mode", mode],
        input="".join(l + "\n" for l in lines).encode(),
        stdout=subprocess.PIPE,
        check=True,
    )
    elapsed = time.perf_counter() - started
    verdicts = [json.loads(l) for l in proc.stdout.decode().split("\n") if l.strip()]
    return verdicts, elapsed


def values_of(req):
    """The user-input values of a request line, decoded as an application would see them."""
    out = []
    target = req.get("target", "")
    path, _, query = target.partition("?")
    out.append(urllib.parse.unquote(path))
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        out += [name, value]
    headers = req.get("headers", [])
    ctype = ""
    for name, value in headers:
        low = name.lower()
        if low == "cookie":
            for part in value.split(";"):
                k, _, v = part.strip().partition("=")
                out += [urllib.parse.unquote(v)]
        elif low in ("user-agent", "referer", "x-forwarded-host"):
            out.append(value)
        elif low == "content-type":
            ctype = value
    body = req.get("body")
    raw = body.encode() if body is not None else base64.b64decode(req["body_b64"]) if "body_b64" in req else b""
    if not raw:
        return out
    main = ctype.split(";")[0].strip().lower()
    text = raw.decode("utf-8", "replace")
    if main == "application/x-www-form-urlencoded":
        for name, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
            out += [name, value]
    elif main.endswith("json"):
        try:
            stack = [json.loads(text)]
            while stack:
                v = stack.pop()
                if isinstance(v, dict):
                    for k, x in v.items():
                        out.append(k)
                        stack.append(x)
                elif isinstance(v, list):
                    stack.extend(v)
                elif isinstance(v, str):
                    out.append(v)
        except (ValueError, RecursionError):
            out.append(text)
    elif main.startswith("multipart/"):
        boundary = ctype.split("boundary=")[-1].strip('"')
        for part in raw.split(b"--" + boundary.encode()):
            head, _, content = part.partition(b"\r\n\r\n")
            if b"filename=" in head:
                name = head.split(b"filename=")[1].split(b"\r\n")[0].strip(b'"')
                out.append(name.decode("utf-8", "replace"))
            elif head:
                out.append(content.rstrip(b"\r\n").decode("utf-8", "replace"))
    else:
        out.append(text)
    return [v for v in out if v]


def run_libinjection(requests):
    try:
        import libinjection  # noqa: PLC0415
    except ImportError:
        return None
    flagged = []
    started = time.perf_counter()
    for req in requests:
        hit = False
        for v in values_of(req):
            if libinjection.is_sql_injection(v)["is_sqli"] or libinjection.is_xss(v)["is_xss"]:
                hit = True
                break
        flagged.append(hit)
    return flagged, time.perf_counter() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    ap.add_argument("--qila", default=os.path.join(target, "release", "qila"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "testdata", "corpus", "eval-public.jsonl.gz"))
    ap.add_argument("--mode", default="open")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--misses", metavar="CLASS", help="print the ids of CLASS requests Qila gets wrong")
    args = ap.parse_args()

    lines = read_lines(args.corpus)
    requests = [json.loads(l) for l in lines]
    verdicts, qila_secs = run_qila(args.qila, lines, args.mode)
    assert len(verdicts) == len(requests), "one verdict per request line"
    li = run_libinjection(requests)

    by_class = collections.defaultdict(lambda: [0, 0, 0])  # total, qila blocked, libinjection flagged
    for i, (req, v) in enumerate(zip(requests, verdicts)):
        row = by_class[req["class"]]
        row[0] += 1
        blocked = v.get("action") in ("block", "monitor")
        row[1] += blocked
        if li is not None:
            row[2] += li[0][i]
        if args.misses and req["class"] == args.misses and blocked != (req["expect"] == "block"):
            print(req["id"], v.get("reason", ""), file=sys.stderr)

    order = ["sqli", "xss", "traversal", "rfi", "cmdi", "php", "webshell", "probe", "scanner", "benign"]
    classes = [c for c in order if c in by_class] + sorted(c for c in by_class if c not in order)
    li_checks = {"sqli", "xss", "benign"}
    head = ["class", "requests", "Qila blocked", "libinjection flagged"]
    rows = []
    for c in classes:
        total, q, l = by_class[c]
        label = "benign (false positives)" if c == "benign" else c
        qcell = f"{q} ({100 * q / total:.2f}%)"
        lcell = f"{l} ({100 * l / total:.2f}%)" if li is not None and c in li_checks else "n/a"
        rows.append([label, str(total), qcell, lcell])
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
        for r in [head] + rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)))
    print(f"\nQila: {len(requests)} requests in {qila_secs:.2f} s (whole `qila inspect` process)", end="")
    if li is not None:
        print(f"; libinjection: {li[1]:.2f} s (Python calls)")
    else:
        print("; libinjection not installed (pip install libinjection-python)")


if __name__ == "__main__":
    main()
