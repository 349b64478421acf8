"""Django system checks for a misconfigured lockdown (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

MIDDLEWARE = "qila.django.LockdownMiddleware"
DB_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def check_policy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from .. import PolicyError
    from . import Runtime

    try:
        Runtime()
    except PolicyError as e:
        where = f" (key {e.key}, line {e.line})" if e.key or e.line else ""
        return [checks.Error(f"settings.QILA: the policy cannot be used{where}: {e}", hint="Fix the policy; `qila policy check FILE` names the problem.", id="qila.E001")]
    except TypeError as e:
        return [checks.Error(f"settings.QILA: {e}", id="qila.E001")]
    return []


def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    if MIDDLEWARE not in middleware:
        return [checks.Error(f"{MIDDLEWARE} is not in MIDDLEWARE: nothing is locked.", hint=f'Add "{MIDDLEWARE}" as the first entry of MIDDLEWARE.', id="qila.E002")]
    if middleware[0] != MIDDLEWARE:
        before = ", ".join(middleware[: middleware.index(MIDDLEWARE)])
        return [checks.Warning(f"{MIDDLEWARE} comes after {before}: they see (and may write for) requests before the lockdown does.", hint="Put it first in MIDDLEWARE.", id="qila.W001")]
    return []


def check_proxy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from .. import PolicyError
    from . import runtime

    config = getattr(settings, "QILA", None) or {}
    behind = config.get("BEHIND_PROXY")
    if behind is None:
        behind = bool(getattr(settings, "USE_X_FORWARDED_HOST", False) or getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    if not behind:
        return []
    try:
        trusted = runtime().policy.has_trusted_proxies
    except (PolicyError, TypeError):
        return []
    if trusted:
        return []
    return [checks.Warning(
        "The site is behind a proxy, but the policy's proxy.trusted_proxies is empty: every request seems to come from the proxy, so admin.allow and lockdown.writers cannot tell clients apart.",
        hint='Set [proxy] trusted_proxies = ["10.0.0.5"] (your proxy\'s address) in the policy.',
        id="qila.W002",
    )]


def check_sessions(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    config = getattr(settings, "QILA", None) or {}
    if not config.get("DATABASE_READ_ONLY", True):
        return []
    engine = getattr(settings, "SESSION_ENGINE", "django.contrib.sessions.backends.db")
    if engine in DB_SESSION_ENGINES:
        return [checks.Warning(
            f"SESSION_ENGINE is {engine}: while the database is read-only, a page view that changes the session is refused.",
            hint='Set SESSION_ENGINE = "qila.django.sessions" (it wraps your engine and skips saves during the lockdown), or use signed cookies.',
            id="qila.W003",
        )]
    return []


def register() -> None:
    for check in (check_policy, check_middleware, check_proxy, check_sessions):
        checks.register(check, "qila")
