"""The Django example served by gunicorn and the FastAPI example served by uvicorn, on
loopback, spoken to over real HTTP."""

from __future__ import annotations

import http.client
import os
import pathlib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from conftest import EXAMPLES

pytestmark = pytest.mark.e2e

POLICY = """mode = "read-only"
[lockdown]
safe_writes = ["POST /echo"]
[admin]
allow = ["10.0.0.0/8"]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def request(port: int, method: str, target: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def serve(args: list[str], cwd: pathlib.Path, env: dict[str, str], port: int) -> Iterator[int]:
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def policy_path(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    p = tmp_path_factory.mktemp("e2e") / "qila.toml"
    p.write_text(POLICY)
    return p


@pytest.fixture(scope="module")
def django_server(policy_path: pathlib.Path) -> Iterator[int]:
    root = EXAMPLES / "django-portal"
    env = dict(os.environ, PORTAL_QILA_POLICY=str(policy_path), PORTAL_SQLITE=str(policy_path.parent / "dj.sqlite3"), DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("PORTAL_PG_HOST", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=dict(env, QILA_MODE="open"), check=True)
    port = free_port()
    yield from serve([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "portal.wsgi:application"], root, env, port)


@pytest.fixture(scope="module")
def fastapi_server(policy_path: pathlib.Path) -> Iterator[int]:
    root = EXAMPLES / "fastapi-portal"
    env = dict(os.environ, PORTAL_QILA_POLICY=str(policy_path), PORTAL_DATABASE_URL=f"sqlite:///{policy_path.parent / 'fa.sqlite3'}")
    port = free_port()
    yield from serve([sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "fastapi_portal:app"], root, env, port)


@pytest.fixture(params=["django", "fastapi"])
def server(request: pytest.FixtureRequest) -> int:
    return int(request.getfixturevalue(f"{request.param}_server"))


def test_read_allowed(server: int) -> None:
    status, headers, body = request(server, "GET", "/search?q=visa")
    assert status == 200 and headers["qila-mode"] == "read-only" and b"visa" in body


def test_form_post_refused(server: int) -> None:
    status, headers, body = request(server, "POST", "/contact", b"name=Ayesha&message=hello", {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 503 and headers["retry-after"] == "3600" and "text/html" in headers["content-type"]
    assert "read-only".encode() in body


def test_admin_from_outside_refused(server: int) -> None:
    assert request(server, "GET", "/admin/")[0] == 403


def test_sql_injection_in_search_refused(server: int) -> None:
    assert request(server, "GET", "/search?q=1%27%20UNION%20SELECT%20username,password%20FROM%20users--")[0] == 403


def test_upload_refused(server: int) -> None:
    body, ctype = multipart("document", "cnic.pdf", b"%PDF-1.4 " + b"x" * 2000)
    assert request(server, "POST", "/upload", body, {"Content-Type": ctype})[0] == 503


def test_allowed_post_body_intact(server: int) -> None:
    payload = b"note=" + b"k" * 20_000
    status, _, body = request(server, "POST", "/echo", payload, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and f'"length": {len(payload)}'.replace(" ", "") in body.decode().replace(" ", "")
