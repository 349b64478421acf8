"""``LockdownMiddleware`` for any ASGI application (Starlette, FastAPI, Django's ASGI handler).

>>> app.add_middleware(qila.asgi.LockdownMiddleware, policy=qila.Policy.from_file("portal.toml"))

The body is received for screening (up to ``screening.max_body_bytes`` + 1 bytes) and the
messages are replayed to the application, which still receives the whole body. A
:class:`qila.WriteRefused` raised before the application starts its response becomes the
lockdown response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from . import sql as _sql
from ._errors import WriteRefused
from ._http import content_length, log_refusal, log_write_refused
from ._native import Verdict
from ._policy import Policy

__all__ = ["LockdownMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _target(scope: Scope) -> str:
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else scope.get("root_path", "") + scope.get("path", "/")
    query = scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


async def _answer(verdict: Verdict, send: Send) -> None:
    body = (verdict.body or "").encode("utf-8")
    headers = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in verdict.headers]
    headers.append((b"content-length", str(len(body)).encode("ascii")))
    await send({"type": "http.response.start", "status": verdict.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class LockdownMiddleware:
    """Puts an ASGI application under ``policy`` (default: the built-in lockdown policy)."""

    def __init__(self, app: ASGIApp, policy: Policy | None = None) -> None:
        self.app = app
        self.policy = policy if policy is not None else Policy.default()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        policy = self.policy
        headers = scope.get("headers") or []
        client = scope.get("client")
        peer = client[0] if client else None
        if kind == "websocket":
            # The handshake is a GET: admin, deny and screening rules apply to it.
            verdict = policy.evaluate("GET", _target(scope), headers, peer)
            log_refusal(verdict)
            if verdict.blocked:
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return

        replay: list[Message] = []
        body: bytes | None = None
        length = next((content_length(v) for n, v in headers if n.lower() == b"content-length"), None)
        chunked = any(n.lower() == b"transfer-encoding" for n, _ in headers)
        if length or chunked:
            limit = policy.max_body_bytes + 1
            parts: list[bytes] = []
            got = 0
            while got < limit:
                message = await receive()
                replay.append(message)
                if message["type"] != "http.request":
                    break
                chunk = message.get("body", b"")
                parts.append(chunk)
                got += len(chunk)
                if not message.get("more_body", False):
                    break
            body = b"".join(parts)

        verdict = policy.evaluate(scope.get("method", "GET"), _target(scope), headers, peer, body)
        log_refusal(verdict)
        if verdict.blocked:
            await _answer(verdict, send)
            return

        async def replayed() -> Message:
            if replay:
                return replay.pop(0)
            return await receive()

        extra = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in verdict.headers]
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if scope_refused.refused is not None:
                    return
                started = True
                if extra:
                    message = dict(message)
                    message["headers"] = list(message.get("headers", [])) + extra
            elif not started and scope_refused.refused is not None:
                return
            await send(message)

        with _sql.request_scope() as scope_refused:
            try:
                await self.app(scope, replayed, sending)
            except WriteRefused as e:
                refusal = policy.write_refusal(headers)
                if started or refusal is None:
                    raise
                log_write_refused(refusal, verdict, e.sql)
                await _answer(refusal, send)
                return
            if scope_refused.refused is not None and not started:
                refusal = policy.write_refusal(headers)
                if refusal is not None:
                    log_write_refused(refusal, verdict, scope_refused.refused.sql)
                    await _answer(refusal, send)
