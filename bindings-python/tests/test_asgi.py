"""The FastAPI example portal through Starlette's TestClient, and the ASGI body replay."""

from __future__ import annotations

import pathlib

import pytest
from starlette.testclient import TestClient

import qila
from fastapi_portal import create_app


def client(tmp_path: pathlib.Path, policy: qila.Policy | None = None) -> TestClient:
    policy = policy or qila.Policy.from_dict({"admin": {"allow": ["10.0.0.0/8"]}})
    app = create_app(policy, f"sqlite:///{tmp_path / 'fa.sqlite3'}")
    return TestClient(app, client=("203.0.113.9", 50000))


def test_lockdown(tmp_path: pathlib.Path) -> None:
    c = client(tmp_path)
    r = c.get("/search", params={"q": "visa"})
    assert r.status_code == 200 and r.json() == {"q": "visa", "results": []} and r.headers["qila-mode"] == "read-only"
    r = c.post("/contact", data={"name": "A", "message": "hi"})
    assert r.status_code == 503 and r.headers["retry-after"] == "3600"
    assert c.post("/login", data={"username": "a", "password": "b"}).status_code == 503
    assert c.post("/upload", files={"document": ("cnic.pdf", b"%PDF")}).status_code == 503
    assert c.get("/admin/").status_code == 403
    assert c.get("/search", params={"q": "' UNION SELECT password FROM users--"}).status_code == 403


def test_write_in_a_read_becomes_lockdown_response(tmp_path: pathlib.Path) -> None:
    r = client(tmp_path).get("/count", headers={"Accept": "application/json"})
    assert r.status_code == 503 and r.json()["error"] == "write-in-lockdown"


def test_open_mode_body_replayed_whole(tmp_path: pathlib.Path) -> None:
    c = client(tmp_path, qila.Policy.from_dict({"mode": "open", "screening": {"max_body_bytes": 1000, "on_limit": "screen-prefix"}}))
    assert c.post("/contact", data={"name": "A", "message": "hi"}).status_code == 201
    assert c.post("/echo", content=b"z" * 50_000).json() == {"length": 50_000}
    r = c.post("/upload", files={"document": ("scan.pdf", b"C" * 100_000)})
    assert r.status_code == 201 and "100000 bytes" in r.text


def test_body_limit_blocks(tmp_path: pathlib.Path) -> None:
    c = client(tmp_path, qila.Policy.from_dict({"mode": "open", "screening": {"max_body_bytes": 1000}}))
    assert c.post("/echo", content=b"z" * 5000).status_code == 413


@pytest.mark.parametrize("path", ["/.git/config", "/backup.sql"])
def test_denied_paths(tmp_path: pathlib.Path, path: str) -> None:
    assert client(tmp_path).get(path).status_code == 404
