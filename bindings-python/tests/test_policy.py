"""The public Policy: loading, errors, reloading, QILA_MODE, logging."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import time

import pytest

import qila


def test_errors_are_classes_with_codes() -> None:
    with pytest.raises(qila.PolicyError) as info:
        qila.Policy.from_toml('[admin]\nallow = ["10.0.0/8"]')
    e = info.value
    assert (e.code, e.key, e.line) == ("policy-invalid", "admin.allow", 2)
    assert isinstance(e, qila.QilaError) and isinstance(e, ValueError)
    with pytest.raises(qila.PolicyError) as info:
        qila.Policy.default(mode="lockdwn")
    assert info.value.code == "unknown-mode"
    with pytest.raises(qila.PolicyError) as info:
        qila.Policy.from_dict({"response": {"lockdown_status": 200}})
    assert info.value.key == "response.lockdown_status"
    with pytest.raises(qila.QilaError) as qinfo:
        qila.sql.read_only_statement("oracle")
    assert qinfo.value.code == "unknown-engine"


def test_verdict_fields_match_the_core(default_policy: qila.Policy) -> None:
    v = default_policy.evaluate(
        "POST", "/contact", [("Accept", "application/json"), ("Content-Type", "application/x-www-form-urlencoded")], "203.0.113.9", b"name=a"
    )
    assert (v.action, v.status, v.reason, v.format, v.blocked) == ("block", 503, "write-in-lockdown", "json", True)
    assert ("Retry-After", "3600") in v.headers
    assert json.loads(v.body or "")["error"] == "write-in-lockdown"
    audit = json.loads(v.audit_json or "")
    assert audit["client"] == "203.0.113.9" and audit["reason"] == "write-in-lockdown"
    assert "form" in v.surfaces
    assert set(qila.REASONS) >= {"write-in-lockdown", "admin-network", "denied-path", "sqli"}


def test_headers_of_a_verdict_are_a_new_list_each_time(default_policy: qila.Policy) -> None:
    # The native module keeps one tuple per header list of the policy; a caller's list is its own.
    a = default_policy.evaluate("GET", "/page")
    b = default_policy.evaluate("GET", "/other")
    assert a.headers == b.headers == [("Qila-Mode", "read-only")]
    mine = a.headers
    mine.append(("X-Mine", "1"))
    mine[0] = ("Qila-Mode", "changed")
    assert a.headers == b.headers == [("Qila-Mode", "read-only")]
    refused = default_policy.evaluate("POST", "/contact", [("Accept", "text/html")])
    assert ("Retry-After", "3600") in refused.headers and refused.headers != a.headers
    assert qila.Policy.default(mode="open").evaluate("GET", "/page").headers == []


def test_header_lists_of_any_iterable_kind(default_policy: qila.Policy) -> None:
    pairs = [("User-Agent", "sqlmap/1.7"), (b"Accept", b"text/html")]
    for headers in (pairs, tuple(pairs), iter(pairs), (p for p in pairs)):
        v = default_policy.evaluate("GET", "/page", headers)
        assert (v.reason, v.findings[0].check) == ("scanner", "scanner")
    for bad in ([("Accept",)], [["Accept", "text/html"]], [("Accept", 1)], 5):
        with pytest.raises(TypeError):
            default_policy.evaluate("GET", "/page", bad)  # type: ignore[arg-type]


def test_from_dict_and_modes() -> None:
    p = qila.Policy.from_dict({"mode": "open", "admin": {"allow": ["10.0.0.0/8"]}})
    assert p.mode == "open" and not p.locked
    assert p.evaluate("POST", "/contact").action == "allow"
    assert p.evaluate("GET", "/admin/", peer="10.1.2.3").action == "allow"
    assert p.evaluate("GET", "/admin/", peer="203.0.113.9").reason == "admin-network"
    m = qila.Policy.from_dict({"mode": "monitor"})
    v = m.evaluate("POST", "/contact")
    assert (v.action, v.status, v.body) == ("monitor", 503, None)


def test_qila_mode_environment_overrides_the_file(policy_file: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QILA_MODE", "open")
    p = qila.Policy.from_file(policy_file)
    assert p.mode == "open"
    assert qila.Policy.from_file(policy_file, mode="monitor").mode == "monitor"
    monkeypatch.setenv("QILA_MODE", "sideways")
    with pytest.raises(qila.PolicyError):
        qila.Policy.from_file(policy_file)


def test_file_is_reloaded_at_most_once_a_second(policy_file: pathlib.Path, caplog: pytest.LogCaptureFixture) -> None:
    p = qila.Policy.from_file(policy_file)
    assert p.locked
    policy_file.write_text('mode = "open"\n')
    os.utime(policy_file, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert p.locked, "not re-read within the second"
    p._checked -= 1.0  # as if a second had passed
    assert p.mode == "open"
    # A broken file keeps the previous policy and logs the error.
    policy_file.write_text('mode = "lockdwn"\n')
    os.utime(policy_file, ns=(time.time_ns(), time.time_ns() + 9_000_000_000))
    p._checked -= 1.0
    with caplog.at_level(logging.ERROR, logger="qila"):
        assert p.mode == "open"
    assert "previous one stays in force" in caplog.text


def test_one_audit_line_per_refusal(caplog: pytest.LogCaptureFixture) -> None:
    from qila.wsgi import LockdownMiddleware

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    mw = LockdownMiddleware(app)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/contact", "REMOTE_ADDR": "203.0.113.9", "wsgi.input": None}
    with caplog.at_level(logging.INFO, logger="qila"):
        statuses = []
        mw(environ, lambda s, h, e=None: statuses.append(s))
        mw(dict(environ, REQUEST_METHOD="GET"), lambda s, h, e=None: statuses.append(s))
    assert statuses == ["503 Service Unavailable", "200 OK"]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "qila"]
    assert len(lines) == 1 and lines[0]["reason"] == "write-in-lockdown" and lines[0]["path"] == "/contact"


def test_request_scopes_are_reused_nested_and_cleared() -> None:
    guard = qila.sql.DatabaseGuard(qila.Policy.default())
    with qila.sql.request_scope() as first:
        with pytest.raises(qila.WriteRefused):
            guard.check("INSERT INTO t VALUES (1)")
        assert first.refused is not None and first.refused.kind == "write"
        with qila.sql.request_scope() as inner:  # a request inside a request: its own scope
            assert inner is not first
            with pytest.raises(qila.WriteRefused):
                guard.check("DELETE FROM t")
            assert inner.refused is not None and "DELETE" in inner.refused.sql
        assert "INSERT" in first.refused.sql
    # The next request of this context uses the same scope, with nothing refused yet.
    with qila.sql.request_scope() as again:
        assert again is first and again.refused is None
    # Outside a request, a refused write is raised and recorded nowhere.
    with pytest.raises(qila.WriteRefused):
        guard.check("UPDATE t SET a = 1")
    assert first.refused is None


def test_gate_gives_the_headers_of_an_allowed_request_and_the_verdict_of_others() -> None:
    native = qila.Policy.default().native
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/page", "QUERY_STRING": "x=1", "REMOTE_ADDR": "203.0.113.9"}
    allowed = native.evaluate_wsgi(environ)
    gate = native._gate_wsgi(environ)
    assert allowed.action == "allow" and isinstance(gate, tuple)
    assert gate == tuple((n.lower(), (n, v)) for n, v in allowed.headers) == allowed._keyed_headers
    for refused in (dict(environ, REQUEST_METHOD="POST"), dict(environ, QUERY_STRING="q=1%27+or+%271%27%3D%271")):
        verdict = native._gate_wsgi(refused)
        assert isinstance(verdict, qila.Verdict) and verdict.blocked
        assert verdict.reason == native.evaluate_wsgi(refused).reason
