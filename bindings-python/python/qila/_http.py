"""What the WSGI, ASGI, Django and Flask glue share: reading a request for the core, buffering a
body without consuming it, and logging refusals. No decisions are made here."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from ._native import Verdict

logger = logging.getLogger("qila")

# What the path may keep unescaped when a server gave us only the decoded PATH_INFO.
_PATH_SAFE = "/;=:@!$&'()*+,-._~"


def wsgi_target(environ: dict[str, Any]) -> str:
    """The raw request target of a WSGI request: the server's ``RAW_URI``/``REQUEST_URI``
    when it gives one (gunicorn, uWSGI), else the decoded path encoded again plus the query."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    # PEP 3333: the path is bytes decoded as latin-1.
    target = quote(path.encode("latin-1", "replace"), safe=_PATH_SAFE) or "/"
    query = environ.get("QUERY_STRING")
    return f"{target}?{query}" if query else target


def wsgi_headers(environ: dict[str, Any]) -> list[tuple[str, str | bytes]]:
    """The headers of a WSGI request as ``(name, value)`` pairs; values that are not ASCII are
    given back as the bytes that were sent."""
    out: list[tuple[str, str | bytes]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-")
        elif key == "CONTENT_TYPE" or key == "CONTENT_LENGTH":
            if not value:
                continue
            name = key.replace("_", "-")
        else:
            continue
        if isinstance(value, str) and not value.isascii():
            out.append((name, value.encode("latin-1", "replace")))
        else:
            out.append((name, value))
    return out


def content_length(value: str | bytes | None) -> int | None:
    try:
        n = int(value) if value not in (None, "", b"") else None  # type: ignore[arg-type]
    except ValueError:
        return None
    return n if n is None or n >= 0 else None


class ReplayStream(io.RawIOBase):
    """A read-only stream that gives back ``prefix`` first, then whatever is left of ``rest``,
    so that a body read for screening is still whole for the application."""

    def __init__(self, prefix: bytes, rest: Any) -> None:
        super().__init__()
        self._buf = io.BytesIO(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            head = self._buf.read()
            tail = self._rest.read() if self._rest is not None else b""
            return head + tail
        head = self._buf.read(size)
        if len(head) < size and self._rest is not None:
            head += self._rest.read(size - len(head))
        return head

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def readline(self, size: int | None = -1) -> bytes:
        line = self._buf.readline(-1 if size is None else size)
        if line.endswith(b"\n") or (size is not None and 0 <= size <= len(line)) or self._rest is None:
            return line
        more = self._rest.readline(-1 if size is None or size < 0 else size - len(line))
        return line + more

    def __iter__(self) -> Any:
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def read_prefix(stream: Any, limit: int, length: int | None) -> bytes:
    """Reads at most ``limit`` bytes (fewer when ``length`` says the body is shorter)."""
    want = limit if length is None else min(limit, length)
    chunks: list[bytes] = []
    got = 0
    while got < want:
        chunk = stream.read(want - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def buffer_wsgi_body(environ: dict[str, Any], max_body_bytes: int) -> bytes | None:
    """Reads the body of a WSGI request for screening, up to ``max_body_bytes + 1`` bytes (one
    more than screening reads, so the core sees a body past its limit), and puts a re-readable
    stream in ``wsgi.input`` so the application still gets the whole body. ``None`` when the
    request has no body."""
    length = content_length(environ.get("CONTENT_LENGTH"))
    chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    if not length and not chunked:
        return None
    stream = environ.get("wsgi.input")
    if stream is None:
        return None
    prefix = read_prefix(stream, max_body_bytes + 1, length)
    environ["wsgi.input"] = ReplayStream(prefix, stream)
    return prefix


def log_refusal(verdict: Verdict) -> None:
    """One JSON audit line per refusal (``WARNING``), and per monitored request (``INFO``)."""
    line = verdict.audit_json
    if line is None:
        return
    if verdict.action == "block":
        logger.warning(line)
    else:
        logger.info(line)


def log_write_refused(verdict: Verdict | None, allowed: Verdict | None, sql: str) -> None:
    """The audit line of a request answered with the lockdown page because the database guard
    refused one of its writes: the request's own fields, with the refusal's."""
    record: dict[str, Any] = {}
    if allowed is not None and allowed.audit_json:
        record = json.loads(allowed.audit_json)
    elif allowed is not None:
        record = {"mode": allowed.mode, "client": allowed.client, "path": allowed.path}
    record.update(action="block", reason="write-in-lockdown", refused_by="database", statement=sql[:200])
    if verdict is not None:
        record["status"] = verdict.status
    logger.warning(json.dumps(record, ensure_ascii=False))


def status_line(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Refused"


def header_list(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(n, v) for n, v in headers]
