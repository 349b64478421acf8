"""The data-driven cases of testdata/ run through the binding, with the semantics of
core/tests/requests.rs and core/tests/sql.rs, so Rust and Python agree."""

from __future__ import annotations

import base64
import tomllib
from typing import Any

import pytest

import qila
from conftest import TESTDATA

DEFAULT_NOW = "2026-06-01T00:00:00Z"
SURFACES = {"form", "upload", "login", "json", "graphql", "xmlrpc", "method-override", "webdav", "admin"}

REQUESTS = tomllib.loads((TESTDATA / "requests.toml").read_text(encoding="utf-8"))["case"]
SQL = tomllib.loads((TESTDATA / "sql.toml").read_text(encoding="utf-8"))["case"]


def differences(case: dict[str, Any], v: qila.Verdict) -> list[str]:
    e = case["expect"]
    out: list[str] = []

    def differ(what: str, want: Any, got: Any) -> None:
        out.append(f"{what}: expected {want!r}, got {got!r}")

    if v.action != e["action"]:
        differ("action", e["action"], v.action)
    if v.reason != e.get("reason"):
        differ("reason", e.get("reason"), v.reason)
    if "status" in e and v.status != e["status"]:
        differ("status", e["status"], v.status)
    if "write" in e and v.write != e["write"]:
        differ("write", e["write"], v.write)
    for name in e.get("surfaces", []):
        if name not in v.surfaces:
            differ(f"surface {name}", "present", v.surfaces)
    for name in e.get("not_surfaces", []):
        if name in v.surfaces:
            differ(f"surface {name}", "absent", v.surfaces)
    if "client" in e and v.client != e["client"]:
        differ("client", e["client"], v.client)
    if "path" in e and v.path != e["path"]:
        differ("path", e["path"], v.path)
    if "findings" in e:
        got = [(f.check, f.location, f.name, f.evidence) for f in v.findings]
        if not e["findings"] and got:
            differ("findings", "none", got)
        for x in e["findings"]:
            if not any(
                c == x["check"]
                and loc == x["location"]
                and ("name" not in x or n == x["name"])
                and ev.startswith(x.get("evidence", ""))
                for c, loc, n, ev in got
            ):
                differ("finding", x, got)
    if "limit" in e and (v.limit or "none") != e["limit"]:
        differ("limit", e["limit"], v.limit or "none")
    if "allowed_by" in e and (v.allowed_by or "none") != e["allowed_by"]:
        differ("allowed_by", e["allowed_by"], v.allowed_by or "none")
    for name, value in e.get("headers", []):
        if not any(n.lower() == name.lower() and val == value for n, val in v.headers):
            differ(f"header {name}", value, v.headers)
    for name in e.get("not_headers", []):
        if any(n.lower() == name.lower() for n, _ in v.headers):
            differ(f"header {name}", "absent", v.headers)
    if "format" in e and v.format != e["format"]:
        differ("format", e["format"], v.format)
    if "malformed" in e and (v.malformed or "none") != e["malformed"]:
        differ("malformed", e["malformed"], v.malformed or "none")

    # What holds for every verdict.
    if v.action == "allow":
        if v.reason is not None or v.status != 200 or v.allowed_by is None:
            differ("an allowed verdict", (None, 200, "some"), (v.reason, v.status, v.allowed_by))
    elif v.reason is None or v.allowed_by is not None:
        differ("a refusal", "reason", (v.reason, v.allowed_by))
    if v.action == "block":
        if v.body is None:
            differ("body of a blocked request", "some", None)
        else:
            ctype = "text/html; charset=utf-8" if v.format == "html" else "application/json"
            if not v.body or v.content_type is None or not v.content_type.startswith(ctype.split(";")[0]):
                differ("body content type", ctype, v.content_type)
            if not any(n.lower() == "content-type" and val == v.content_type for n, val in v.headers):
                differ("Content-Type header of the body", v.content_type, v.headers)
    elif v.body is not None:
        differ("body of a request that is passed on", None, "some")
    return out


def lint(case: dict[str, Any]) -> list[str]:
    e = case["expect"]
    problems = [f"unknown surface {n!r}" for n in e.get("surfaces", []) + e.get("not_surfaces", []) if n not in SURFACES]
    if "body" in case and "body_b64" in case:
        problems.append("both body and body_b64")
    if e["action"] not in ("allow", "block", "monitor"):
        problems.append(f"unknown action {e['action']!r}")
    if e.get("reason") is not None and e["reason"] not in qila.REASONS:
        problems.append(f"unknown reason {e['reason']!r}")
    return problems


def run(case: dict[str, Any]) -> list[str]:
    problems = lint(case)
    if problems:
        return [f"bad case: {p}" for p in problems]
    policy = qila.Policy.from_toml(case["policy"]) if "policy" in case else qila.Policy.default()
    if "mode" in case:
        policy = qila.Policy(policy.native.with_mode(case["mode"]))
    body: bytes | None = None
    if "body" in case:
        body = case["body"].encode("utf-8")
    elif "body_b64" in case:
        text = "".join(case["body_b64"].split())
        body = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    headers = [(n, v) for n, v in case.get("headers", [])]
    v = policy.evaluate(case["method"], case["target"], headers, case.get("peer"), body, case.get("now", DEFAULT_NOW))
    return differences(case, v)


def test_every_request_case() -> None:
    assert len(REQUESTS) >= 120
    names = [c["name"] for c in REQUESTS]
    assert len(names) == len(set(names)), "case names are unique"
    failures, known = [], []
    for index, case in enumerate(REQUESTS):
        problems = run(case)
        head = f"case {index} {case['name']!r}: {case['method']} {case['target']!r}"
        bug = case.get("known_bug")
        if bug is None and problems:
            failures.append(head + "\n    " + "\n    ".join(problems))
        elif bug is not None and problems:
            known.append(head)
        elif bug is not None:
            failures.append(f"{head}\n    passes now: remove known_bug = {bug!r}")
    if known:
        print(f"{len(known)} known bug(s), not counted as failures:\n" + "\n".join(known))
    assert not failures, f"{len(failures)} of {len(REQUESTS)} cases failed:\n" + "\n".join(failures)


@pytest.mark.parametrize("case", SQL, ids=[f"{i}" for i in range(len(SQL))])
def test_sql_case(case: dict[str, Any]) -> None:
    engine = case.get("engine")
    assert qila.sql.classify(case["sql"], engine) == case["kind"], case.get("note")
    if "lifts_read_only" in case:
        assert qila.sql.lifts_read_only(case["sql"], engine) == case["lifts_read_only"], case.get("note")


def test_body_as_memoryview_and_bytearray_decides_the_same() -> None:
    p = qila.Policy.default()
    body = b'{"query":"mutation { delete(id: 1) }"}'
    headers = [("Content-Type", "application/json")]
    verdicts = [p.evaluate("POST", "/graphql", headers, None, b) for b in (body, bytearray(body), memoryview(body))]
    assert [v.reason for v in verdicts] == ["write-in-lockdown"] * 3
    read = p.evaluate("POST", "/graphql", headers, None, memoryview(b'{"query":"{ services { name } }"}'))
    assert read.action == "allow" and read.allowed_by == "read"
