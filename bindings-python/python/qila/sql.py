"""Database writes refused twice while the portal is read-only.

1. At the database: on each connection, the engine's own read-only session statement from the
   core (:func:`read_only_statement`: PostgreSQL ``SET SESSION CHARACTERISTICS AS TRANSACTION
   READ ONLY``, MySQL ``SET SESSION TRANSACTION READ ONLY``, SQLite ``PRAGMA query_only = ON``).
2. In the application: every statement is classified by the core (:func:`classify`) and writes
   raise :class:`qila.WriteRefused` before they reach the database.

:class:`DatabaseGuard` holds both for one policy; :func:`install_sqlalchemy` puts it on a
SQLAlchemy engine, :mod:`qila.django` on Django's connections.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import _native
from ._errors import WriteRefused

if TYPE_CHECKING:
    from ._policy import Policy

__all__ = [
    "DatabaseGuard",
    "RequestScope",
    "allow_writes",
    "classify",
    "engine_name",
    "install_sqlalchemy",
    "lifts_read_only",
    "read_only_statement",
    "read_write_statement",
    "request_scope",
]

logger = logging.getLogger("qila")


def classify(sql: str, engine: str | None = None) -> str:
    """``read``, ``write``, ``transaction`` or ``session``. With ``engine`` (``postgresql``,
    ``mysql``, ``sqlite``, ...), the string is read only as that engine reads it."""
    return _native.classify(sql, engine)


def lifts_read_only(sql: str, engine: str | None = None) -> bool:
    """Whether the string undoes the read-only session statement (``... READ WRITE``,
    ``RESET ALL``, ...)."""
    return _native.lifts_read_only(sql, engine)


def read_only_statement(engine: str) -> str:
    """The statement that makes a connection of ``engine`` refuse writes."""
    return _native.read_only_session_statement(engine)


def read_write_statement(engine: str) -> str:
    """The statement that undoes :func:`read_only_statement`."""
    return _native.read_write_session_statement(engine)


def engine_name(engine: str) -> str:
    """``postgres``, ``mysql`` or ``sqlite`` for a vendor or dialect name; raises
    :class:`qila.QilaError` (``unknown-engine``) for others."""
    return _native.engine_name(engine)


_writes_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("qila_writes_allowed", default=False)


@contextlib.contextmanager
def allow_writes() -> Iterator[None]:
    """Lets this thread or task write while the portal is read-only: the deliberate escape
    hatch for an operator's migration or a test fixture. Connections used inside are switched
    back to read-write for the duration."""
    token = _writes_allowed.set(True)
    try:
        yield
    finally:
        _writes_allowed.reset(token)


class RequestScope:
    """What the database guard saw during one request: the first refused write, if any."""

    __slots__ = ("refused", "active")

    def __init__(self) -> None:
        self.refused: WriteRefused | None = None
        #: Whether a request is using it now.
        self.active = False


_scope: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar("qila_request", default=None)


def enter_scope() -> tuple[RequestScope, contextvars.Token[RequestScope | None] | None]:
    """The scope of a request starting now, made active, and the token to give to
    :func:`leave_scope`. A context serves its requests one after another (a worker thread, an
    asyncio task): the scope it holds is used again, so that most requests set no context
    variable; a request inside another gets its own, set until it ends."""
    scope = _scope.get()
    if scope is not None and not scope.active:
        scope.active = True
        return scope, None
    outer = scope
    scope = RequestScope()
    scope.active = True
    token = _scope.set(scope)
    # The first scope of a context stays in it for the next request; a nested one is undone.
    return scope, (token if outer is not None else None)


def leave_scope(scope: RequestScope, token: contextvars.Token[RequestScope | None] | None) -> WriteRefused | None:
    """Ends the request of :func:`enter_scope`; returns the write refused during it, if any."""
    scope.active = False
    refused, scope.refused = scope.refused, None
    if token is not None:
        _scope.reset(token)
    return refused


@contextlib.contextmanager
def request_scope() -> Iterator[RequestScope]:
    """Used by the middleware: collects a write refused anywhere in the request (even one the
    application or another middleware caught), so the request is answered with the lockdown
    response. ``scope.refused`` is read inside the ``with`` block."""
    scope, token = enter_scope()
    try:
        yield scope
    finally:
        leave_scope(scope, token)


class DatabaseGuard:
    """Refuses database writes while ``policy`` is in lockdown (mode ``read-only``)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def wants_read_only(self) -> bool:
        """Whether connections should be read-only now."""
        return self.policy.locked and not _writes_allowed.get()

    def session_statement(self, engine: str) -> str:
        """The session statement that brings a connection to the state wanted now."""
        return read_only_statement(engine) if self.wants_read_only() else read_write_statement(engine)

    def check(self, sql: str, engine: str | None = None) -> None:
        """Raises :class:`qila.WriteRefused` if ``sql`` writes (or lifts the read-only session)
        while the portal is read-only."""
        if not self.wants_read_only():
            return
        kind = classify(sql, engine)
        if kind == "write" or (kind in ("session", "transaction") and lifts_read_only(sql, engine)):
            shown = sql if len(sql) <= 200 else sql[:200] + "..."
            exc = WriteRefused(f"the portal is read-only: refused a database {kind}: {shown}", sql=sql, kind=kind)
            scope = _scope.get()
            if scope is not None and scope.active and scope.refused is None:
                scope.refused = exc
            logger.info("qila: database write refused: %s", shown)
            raise exc


def install_sqlalchemy(engine: Any, policy: Policy) -> DatabaseGuard:
    """Puts a SQLAlchemy ``Engine`` under ``policy``: each new or checked-out connection gets
    the read-only session statement while the portal is locked (and the read-write one after),
    and a ``before_cursor_execute`` listener classifies every statement with the core and
    raises :class:`qila.WriteRefused` for writes."""
    from sqlalchemy import event

    guard = DatabaseGuard(policy)
    name = engine_name(engine.dialect.name)

    def sync(dbapi_connection: Any, record: Any) -> None:
        wanted = guard.wants_read_only()
        if record.info.get("qila_read_only") is wanted:
            return
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(read_only_statement(name) if wanted else read_write_statement(name))
        finally:
            cursor.close()
        if name != "sqlite":
            dbapi_connection.commit()
        record.info["qila_read_only"] = wanted

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        record.info.pop("qila_read_only", None)
        sync(dbapi_connection, record)

    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        sync(dbapi_connection, record)

    def before_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        guard.check(statement, name)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    return guard
