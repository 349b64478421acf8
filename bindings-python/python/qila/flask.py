"""Flask extension: ``Qila(app)`` or ``qila_ext.init_app(app)``.

Configuration from ``app.config``:

``QILA_POLICY``
    a policy file path, a dict with the structure of the policy file, or a :class:`qila.Policy`
    (default: the built-in lockdown policy).
``QILA_MODE``
    overrides the policy's mode (as the ``QILA_MODE`` environment variable does).

Refusals are Flask responses built from the verdict. ``qila.WriteRefused`` raised by a
database guard during a request is answered with the lockdown response through Flask's own
error handling. The policy in force for an app is ``app.extensions["qila"]``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, current_app, g, request

from . import sql as _sql
from ._errors import WriteRefused
from ._http import buffer_wsgi_body, log_refusal, log_write_refused, wsgi_headers, wsgi_target
from ._native import Verdict
from ._policy import Policy

__all__ = ["Qila", "policy_from_config"]


def policy_from_config(value: Any, mode: str | None = None) -> Policy:
    """A :class:`qila.Policy` from a path, a dict, a ``Policy`` or ``None`` (the default)."""
    if isinstance(value, Policy):
        return value
    if value is None:
        return Policy.default(mode=mode)
    if isinstance(value, (str, os.PathLike)):
        return Policy.from_file(value, mode=mode)
    if isinstance(value, dict):
        return Policy.from_dict(value, mode=mode)
    raise TypeError("QILA_POLICY must be a path, a dict or a qila.Policy")


def _response(verdict: Verdict) -> Response:
    return Response(verdict.body or "", status=verdict.status, headers=verdict.headers)


class Qila:
    """Puts a Flask app under a Qila policy."""

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        policy = policy_from_config(app.config.get("QILA_POLICY"), app.config.get("QILA_MODE"))
        app.extensions["qila"] = policy
        # First among the before_request functions: the body is buffered before anything reads it.
        app.before_request_funcs.setdefault(None, []).insert(0, self._before)
        app.after_request(self._after)
        app.teardown_request(self._teardown)
        app.register_error_handler(WriteRefused, self._write_refused)

    @staticmethod
    def policy(app: Flask | None = None) -> Policy:
        """The policy in force for ``app`` (default: the current app)."""
        target: Any = app if app is not None else current_app
        policy: Policy = target.extensions["qila"]
        return policy

    def _before(self) -> Response | None:
        policy = self.policy()
        environ = request.environ
        headers = wsgi_headers(environ)
        body = buffer_wsgi_body(environ, policy.max_body_bytes)
        verdict = policy.evaluate(
            environ.get("REQUEST_METHOD", "GET"), wsgi_target(environ), headers, environ.get("REMOTE_ADDR") or None, body
        )
        g.qila_verdict = verdict
        g.qila_headers = headers
        log_refusal(verdict)
        if verdict.blocked:
            return _response(verdict)
        scope = _sql.request_scope()
        g.qila_scope_cm = scope
        g.qila_scope = scope.__enter__()
        return None

    def _after(self, response: Response) -> Response:
        verdict: Verdict | None = g.get("qila_verdict")
        scope = g.get("qila_scope")
        if scope is not None and scope.refused is not None:
            refusal = self.policy().write_refusal(g.get("qila_headers"))
            if refusal is not None:
                log_write_refused(refusal, verdict, scope.refused.sql)
                return _response(refusal)
        if verdict is not None and not verdict.blocked:
            for name, value in verdict.headers:
                response.headers[name] = value
        return response

    def _teardown(self, exc: BaseException | None) -> None:
        cm = g.pop("qila_scope_cm", None)
        if cm is not None:
            try:
                cm.__exit__(None, None, None)
            except ValueError:
                pass  # a context copied into another thread: nothing to restore here

    def _write_refused(self, exc: WriteRefused) -> Response:
        refusal = self.policy().write_refusal(g.get("qila_headers"))
        if refusal is None:
            raise exc
        log_write_refused(refusal, g.get("qila_verdict"), exc.sql)
        return _response(refusal)
