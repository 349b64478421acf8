"""The Flask example portal through Flask's test client; SQLAlchemy on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import pathlib

import pytest
import sqlalchemy as sa

import qila
from flask_portal import create_app, messages


def make(tmp_path: pathlib.Path, **config: object):  # type: ignore[no-untyped-def]
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'flask.sqlite3'}", **config})


def env(peer: str = "203.0.113.9") -> dict[str, str]:
    return {"REMOTE_ADDR": peer}


def test_lockdown(tmp_path: pathlib.Path) -> None:
    app = make(tmp_path)
    c = app.test_client()
    r = c.get("/search?q=pass", environ_base=env())
    assert r.status_code == 200 and r.json == {"q": "pass", "results": []} and r.headers["Qila-Mode"] == "read-only"
    r = c.post("/contact", data={"name": "Ayesha", "message": "hi"}, environ_base=env())
    assert r.status_code == 503 and r.headers["Retry-After"] == "3600" and "read-only" in r.get_data(as_text=True)
    assert c.post("/login", data={"username": "a", "password": "b"}, environ_base=env()).status_code == 503
    r = c.post("/upload", data={"document": (io.BytesIO(b"%PDF"), "cnic.pdf")}, environ_base=env())
    assert r.status_code == 503
    assert c.get("/admin/", environ_base=env()).status_code == 403
    assert c.get("/admin/", environ_base=env("10.9.8.7")).status_code == 200
    assert c.get("/search?q=1%27%20OR%201=1--", environ_base=env()).status_code == 403
    assert c.get("/.env", environ_base=env()).status_code == 404


def test_database_write_in_a_read_becomes_lockdown_response(tmp_path: pathlib.Path) -> None:
    app = make(tmp_path)
    r = app.test_client().get("/count", headers={"Accept": "application/json"}, environ_base=env())
    assert r.status_code == 503 and r.json["error"] == "write-in-lockdown"
    with app.extensions["portal_db"].connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(messages)).scalar() == 0


def test_open_mode_body_intact(tmp_path: pathlib.Path) -> None:
    app = make(tmp_path, QILA_MODE="open")
    c = app.test_client()
    assert c.post("/contact", data={"name": "Ayesha", "message": "hi"}, environ_base=env()).status_code == 201
    r = c.post("/echo", data={"a": "1" * 5000, "b": "two"}, environ_base=env())
    assert r.json == {"length": len("a=" + "1" * 5000 + "&b=two"), "fields": {"a": "1" * 5000, "b": "two"}}
    r = c.post("/upload", data={"document": (io.BytesIO(b"B" * 300_000), "scan.pdf")}, environ_base=env())
    assert r.status_code == 201 and b"300000 bytes" in r.data
    assert "Qila-Mode" not in r.headers


def test_sqlalchemy_guard_on_sqlite(tmp_path: pathlib.Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    with engine.begin() as c:
        c.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    policy = qila.Policy.default()
    qila.sql.install_sqlalchemy(engine, policy)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM t")).scalar() == 0
        with pytest.raises(qila.WriteRefused):
            c.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert c.exec_driver_sql("PRAGMA query_only").scalar() == 1


@pytest.mark.postgres
def test_sqlalchemy_guard_on_postgres(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE IF EXISTS qila_t; CREATE TABLE qila_t (x integer)"))
        c.execute(sa.text("CREATE OR REPLACE FUNCTION qila_sneaky() RETURNS integer LANGUAGE sql AS 'INSERT INTO qila_t VALUES (7) RETURNING x'"))
    policy = qila.Policy.default()
    qila.sql.install_sqlalchemy(engine, policy)
    with engine.connect() as c:
        assert c.execute(sa.text("SHOW default_transaction_read_only")).scalar() == "on"
        with pytest.raises(qila.WriteRefused):
            c.execute(sa.text("INSERT INTO qila_t VALUES (1)"))
        # A write the classifier cannot see (inside a function) is refused by PostgreSQL itself.
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
            c.execute(sa.text("SELECT qila_sneaky()"))
    with qila.sql.allow_writes(), engine.begin() as c:
        c.execute(sa.text("INSERT INTO qila_t VALUES (2)"))
        assert c.execute(sa.text("SELECT count(*) FROM qila_t")).scalar() == 1
    engine.dispose()
