"""The Django example portal through the Django test client (pytest-django), on SQLite and on
the real PostgreSQL server the test script starts."""

from __future__ import annotations

import io
import json
import logging
import os

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client

import qila
import qila.django
from portal.models import Message, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(REMOTE_ADDR="203.0.113.9")


@pytest.fixture
def services() -> None:
    with qila.sql.allow_writes():
        Service.objects.create(name="Passport renewal")
        Service.objects.create(name="Birth certificate")


def test_read_allowed_with_mode_header(client: Client, services: None) -> None:
    r = client.get("/search", {"q": "pass"})
    assert r.status_code == 200
    assert r.json() == {"q": "pass", "results": ["Passport renewal"]}
    assert r["Qila-Mode"] == "read-only"


def test_form_post_refused_with_lockdown_page(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="qila"):
        r = client.post("/contact", {"name": "Ayesha", "message": "hello"})
    assert r.status_code == 503 and r["Retry-After"] == "3600"
    assert "text/html" in r["Content-Type"] and "read-only" in r.content.decode()
    assert Message.objects.count() == 0
    audit = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "qila"]
    assert audit and audit[0]["reason"] == "write-in-lockdown" and audit[0]["client"] == "203.0.113.9"


def test_json_clients_get_json(client: Client) -> None:
    r = client.post("/contact", {"name": "x"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 503 and r.json()["error"] == "write-in-lockdown"


def test_login_and_upload_refused(client: Client) -> None:
    assert client.post("/accounts/login/", {"username": "a", "password": "b"}).status_code == 503
    upload = io.BytesIO(b"%PDF-1.4 cnic scan")
    upload.name = "cnic.pdf"
    assert client.post("/upload", {"document": upload}).status_code == 503


def test_admin_only_from_allowed_networks(services: None) -> None:
    assert Client(REMOTE_ADDR="203.0.113.9").get("/admin/").status_code == 403
    inside = Client(REMOTE_ADDR="10.1.2.3").get("/admin/")
    assert inside.status_code == 302  # Django's own login redirect: Qila let it through


def test_sql_injection_in_search_refused(client: Client) -> None:
    r = client.get("/search", {"q": "x' UNION SELECT password FROM auth_user--"})
    assert r.status_code == 403


def test_write_in_a_read_becomes_the_lockdown_response(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="qila"):
        r = client.get("/count")
    assert r.status_code == 503 and r["Retry-After"] == "3600"
    audit = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "qila"]
    assert len(audit) == 1 and audit[0]["refused_by"] == "database" and audit[0]["path"] == "/count"


def test_a_refused_write_the_view_caught_is_still_answered(client: Client) -> None:
    r = client.get("/visits")
    assert r.status_code == 503 and r["Retry-After"] == "3600"
    # The refusal belongs to that request only: the next one on the same thread is answered.
    r = client.get("/")
    assert r.status_code == 200 and r["Qila-Mode"] == "read-only"


def test_session_writes_on_reads_keep_pages_working(client: Client) -> None:
    assert client.get("/remember").content == b"seen 1"
    assert client.get("/").status_code == 200


def test_open_mode_lets_writes_through_and_body_is_intact(settings, client: Client) -> None:  # type: ignore[no-untyped-def]
    settings.QILA = {"POLICY": {"mode": "open"}}
    r = client.post("/contact", {"name": "Ayesha", "message": "hello"})
    assert r.status_code == 201
    assert Message.objects.get().text == "hello"
    big = "x" * 3000
    r = client.post("/echo", {"field": big})
    assert r.json()["fields"] == {"field": big}
    upload = io.BytesIO(b"A" * 200_000)
    upload.name = "scan.pdf"
    assert client.post("/upload", {"document": upload}).status_code == 201


def test_body_past_the_screening_limit(settings, client: Client) -> None:  # type: ignore[no-untyped-def]
    settings.QILA = {"POLICY": {"mode": "open", "screening": {"max_body_bytes": 1000}}}
    r = client.post("/echo", {"field": "y" * 5000})
    assert r.status_code == 413
    settings.QILA = {"POLICY": {"mode": "open", "screening": {"max_body_bytes": 1000, "on_limit": "screen-prefix"}}}
    r = client.post("/echo", {"field": "y" * 5000})
    assert r.status_code == 200 and r.json()["fields"]["field"] == "y" * 5000


def test_guard_refuses_orm_writes_outside_requests() -> None:
    with pytest.raises(qila.WriteRefused) as info, transaction.atomic():
        Message.objects.create(name="n", text="t")
    assert info.value.code == "write-refused" and info.value.kind == "write"
    with qila.sql.allow_writes():
        Message.objects.create(name="n", text="t")
    assert Message.objects.count() == 1


def test_sqlite_connection_is_read_only_at_the_database() -> None:
    conn = connections["default"]
    conn.ensure_connection()
    raw = conn.connection.cursor()
    try:
        raw.execute("PRAGMA query_only")
        assert raw.fetchone()[0] == 1
        with pytest.raises(Exception, match="readonly|read-only|query_only"):
            raw.execute("INSERT INTO portal_message (name, text) VALUES ('a', 'b')")
    finally:
        raw.close()


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("PORTAL_PG_HOST") and not os.environ.get("QILA_REQUIRE_POSTGRES"),
    reason="no PostgreSQL server (run scripts/test-python.sh)",
)
@pytest.mark.django_db(databases=["default", "pg"])
def test_postgres_refuses_writes_twice(pg_url: str) -> None:
    with pytest.raises(qila.WriteRefused), transaction.atomic(using="pg"):
        Message.objects.using("pg").create(name="n", text="t")
    assert Message.objects.using("pg").count() == 0
    # A fresh connection: the read-only session statement makes PostgreSQL itself refuse.
    fresh = connections.create_connection("pg")
    try:
        fresh.ensure_connection()
        cursor = fresh.connection.cursor()
        cursor.execute("SHOW default_transaction_read_only")
        assert cursor.fetchone()[0] == "on"
        with pytest.raises(Exception, match="read-only transaction"):
            cursor.execute("INSERT INTO portal_message (name, text) VALUES ('a', 'b')")
    finally:
        fresh.close()


def test_system_checks(settings) -> None:  # type: ignore[no-untyped-def]
    from qila.django import checks

    assert checks.check_middleware() == []
    settings.MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "qila.django.LockdownMiddleware"]
    assert [m.id for m in checks.check_middleware()] == ["qila.W001"]
    settings.MIDDLEWARE = []
    assert [m.id for m in checks.check_middleware()] == ["qila.E002"]
    settings.USE_X_FORWARDED_HOST = True
    assert [m.id for m in checks.check_proxy()] == ["qila.W002"]
    settings.QILA = {"POLICY": {"proxy": {"trusted_proxies": ["10.0.0.1"]}}}
    assert checks.check_proxy() == []
    settings.QILA = {"POLICY": {"admin": {"allow": ["10.0.0/8"]}}}
    assert [m.id for m in checks.check_policy()] == ["qila.E001"]
    settings.QILA = {}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert [m.id for m in checks.check_sessions()] == ["qila.W003"]


def test_management_command_shows_and_switches_mode(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    policy = tmp_path / "qila.toml"
    policy.write_text('# portal\nmode = "read-only"\n\n[admin]\nallow = ["10.0.0.0/8"]\n')
    settings.QILA = {"POLICY": str(policy)}
    out = io.StringIO()
    call_command("qila", stdout=out)
    assert "mode: read-only" in out.getvalue()
    call_command("qila", "mode", "open", stdout=io.StringIO())
    assert 'mode = "open"' in policy.read_text() and "[admin]" in policy.read_text()
    rt = qila.django.runtime()
    rt.policy._checked -= 1.0
    assert rt.policy.mode == "open"
