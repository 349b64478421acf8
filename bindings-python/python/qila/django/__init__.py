"""Django integration.

``settings.py``::

    INSTALLED_APPS = [..., "qila.django"]           # system checks, the `qila` command, the database guard
    MIDDLEWARE = ["qila.django.LockdownMiddleware", ...]   # first
    QILA = {"POLICY": BASE_DIR / "qila.toml"}       # a path, a dict, or absent for the built-in policy

Keys of ``settings.QILA``:

``POLICY``
    policy file path (re-read when it changes), dict, or ``None`` for the built-in lockdown.
``MODE``
    overrides the policy's mode, like the ``QILA_MODE`` environment variable.
``DATABASE_READ_ONLY``
    refuse database writes while locked (default ``True``): the read-only session statement on
    every connection and an ``execute_wrapper`` that classifies each statement with the core.
``BEHIND_PROXY``
    the site is served behind a proxy or CDN (default: guessed from ``USE_X_FORWARDED_HOST`` and
    ``SECURE_PROXY_SSL_HEADER``); a system check warns when ``proxy.trusted_proxies`` is empty.
``SESSION_ENGINE``
    the session engine that ``qila.django.sessions`` wraps (default the database one).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .. import sql as _sql
from .._errors import WriteRefused
from .._http import ReplayStream, content_length, log_refusal, log_write_refused, read_prefix, wsgi_headers
from .._native import Verdict
from .._policy import Policy
from ..sql import _scope as _request_scope

__all__ = ["LockdownMiddleware", "Runtime", "runtime"]


class Runtime:
    """What ``settings.QILA`` describes, loaded once per process: the policy and the guard."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        if config is None:
            config = dict(getattr(settings, "QILA", None) or {})
        self.config = config
        source = config.get("POLICY")
        mode = config.get("MODE")
        if isinstance(source, Policy):
            self.policy = source
        elif source is None:
            self.policy = Policy.default(mode=mode)
        elif isinstance(source, dict):
            self.policy = Policy.from_dict(source, mode=mode)
        else:
            self.policy = Policy.from_file(str(source), mode=mode)
        self.database_read_only = bool(config.get("DATABASE_READ_ONLY", True))
        self.guard = _sql.DatabaseGuard(self.policy)


_cached: Runtime | None = None


def runtime() -> Runtime:
    """The process's runtime for the current settings (rebuilt when a test changes ``QILA``)."""
    global _cached
    if _cached is None:
        _cached = Runtime()
    return _cached


def _reset(**kwargs: Any) -> None:
    global _cached
    if kwargs.get("setting") == "QILA":
        _cached = None


def _response(verdict: Verdict) -> HttpResponse:
    response = HttpResponse(verdict.body or "", status=verdict.status, content_type=verdict.content_type)
    for name, value in verdict.headers:
        response[name] = value
    return response


def _body(request: HttpRequest, policy: Policy) -> bytes | None:
    """The first ``max_body_bytes + 1`` bytes of the body, read without consuming it: the
    request's stream is replaced by one that gives them back first, so ``request.body``,
    ``request.POST`` and ``request.FILES`` are unchanged."""
    length = content_length(request.META.get("CONTENT_LENGTH"))
    if not length:
        return None
    limit = policy.max_body_bytes + 1
    stream = getattr(request, "_stream", None)
    if stream is None:  # not a WSGI/ASGI request object: use Django's own buffering
        return request.body[:limit]
    prefix = read_prefix(stream, limit, length)
    request._stream = ReplayStream(prefix, stream)  # type: ignore[attr-defined]
    return prefix


def _verdict_of(request: HttpRequest, native: Any) -> Verdict:
    """The verdict of `request`, for the audit line of a refused write: the one kept on the
    request when it was monitored, else decided again (an allowed request keeps none)."""
    kept: Verdict | None = getattr(request, "qila_verdict", None)
    return kept if kept is not None else native.evaluate_wsgi(request.META)


class LockdownMiddleware:
    """Puts the site under the policy of ``settings.QILA``. Place it first in ``MIDDLEWARE``."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The hot path of every request, written out: each Python call it saves is measurable
        # next to a trivial view (see bench/bench.py).
        policy = (_cached or runtime()).policy
        meta = request.META
        body = _body(request, policy) if meta.get("CONTENT_LENGTH") else None
        # `_current()` only looks for a changed file; a policy from a dict or the built-in one
        # has none.
        native = policy._native if policy._path is None else policy._current()
        decided = native._gate_wsgi(meta, body)
        if type(decided) is tuple:
            # Allowed, and so not audited: only the headers to add, shared by the policy.
            added = decided
        else:
            verdict: Verdict = decided
            if verdict.audit_json is not None:
                log_refusal(verdict)
                if verdict.blocked:
                    return _response(verdict)
            request.qila_verdict = verdict  # type: ignore[attr-defined]
            added = verdict._keyed_headers
        # `_sql.enter_scope()` and `leave_scope()`, written out for the common case: this
        # thread's scope is free and used again.
        scope = _request_scope.get()
        if scope is None or scope.active:
            scope, token = _sql.enter_scope()
        else:
            scope.active = True
            token = None
        try:
            response: HttpResponse = self.get_response(request)
        finally:
            refused = _sql.leave_scope(scope, token) if token is not None or scope.refused is not None else None
            scope.active = False
        if refused is not None and not getattr(request, "_qila_refused", False):
            # A database write was refused somewhere in the request (in the view, or in a
            # middleware whose exception Django already turned into an error page).
            refusal = policy.write_refusal(wsgi_headers(meta))
            if refusal is not None:
                log_write_refused(refusal, _verdict_of(request, native), refused.sql)
                return _response(refusal)
        # Names are HTTP tokens and values printable ASCII (the core checks the policy when it
        # loads it): they go into Django's header store as they are, without the check and
        # re-encoding of `headers[name] = value`.
        store = getattr(response.headers, "_store", None)
        if type(store) is dict:
            store.update(added)
        else:
            for _, (name, value) in added:
                response.headers[name] = value
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, WriteRefused):
            return None
        refusal = runtime().policy.write_refusal(wsgi_headers(request.META))
        if refusal is None:
            return None
        log_write_refused(refusal, _verdict_of(request, runtime().policy.native), exception.sql)
        request._qila_refused = True  # type: ignore[attr-defined]
        return _response(refusal)
