"""``LockdownMiddleware`` for any WSGI application.

>>> from qila.wsgi import LockdownMiddleware
>>> application = LockdownMiddleware(application, qila.Policy.from_file("/etc/qila/portal.toml"))

The body is read for screening (up to ``screening.max_body_bytes`` + 1 bytes) and ``wsgi.input``
is replaced by a stream that gives the application the whole body again. A
:class:`qila.WriteRefused` raised by the database guard before the application starts its
response becomes the lockdown response.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from . import sql as _sql
from ._errors import WriteRefused
from ._http import buffer_wsgi_body, log_refusal, log_write_refused, status_line, wsgi_headers
from ._native import Verdict
from ._policy import Policy

__all__ = ["LockdownMiddleware"]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _answer(verdict: Verdict, start_response: StartResponse, exc_info: Any = None) -> list[bytes]:
    body = (verdict.body or "").encode("utf-8")
    headers = list(verdict.headers) + [("Content-Length", str(len(body)))]
    if exc_info is not None:
        start_response(status_line(verdict.status), headers, exc_info)
    else:
        start_response(status_line(verdict.status), headers)
    return [body]


class LockdownMiddleware:
    """Puts a WSGI application under ``policy`` (default: the built-in lockdown policy)."""

    def __init__(self, app: WSGIApp, policy: Policy | None = None) -> None:
        self.app = app
        self.policy = policy if policy is not None else Policy.default()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        policy = self.policy
        body = buffer_wsgi_body(environ, policy.max_body_bytes)
        verdict = policy.evaluate_wsgi(environ, body)
        if verdict.audit_json is not None:
            log_refusal(verdict)
            if verdict.blocked:
                return _answer(verdict, start_response)
        extra = verdict.headers
        started = False

        def start(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal started
            started = True
            if extra:
                response_headers = list(response_headers) + list(extra)
            if exc_info is not None:
                return start_response(status, response_headers, exc_info)
            return start_response(status, response_headers)

        with _sql.request_scope() as scope:
            try:
                result = self.app(environ, start)
            except WriteRefused as e:
                refusal = policy.write_refusal(wsgi_headers(environ))
                if started or refusal is None:
                    raise
                log_write_refused(refusal, verdict, e.sql)
                return _answer(refusal, start_response, sys.exc_info())
            if scope.refused is not None and not started:
                refusal = policy.write_refusal(wsgi_headers(environ))
                if refusal is not None:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()
                    log_write_refused(refusal, verdict, scope.refused.sql)
                    return _answer(refusal, start_response)
            return result
