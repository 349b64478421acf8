"""The database guard on Django's connections.

Each new connection gets the engine's read-only session statement from the core while the
portal is locked, and an ``execute_wrapper`` that classifies every statement with the core
(``qila.sql.classify`` for the connection's engine) and raises :class:`qila.WriteRefused` for
writes. When the lockdown lifts (or inside :func:`qila.sql.allow_writes`), the next statement on
a connection first switches it back with the read-write statement.
"""

from __future__ import annotations

import logging
from typing import Any

from .. import sql as _sql

logger = logging.getLogger("qila")


def _raw_execute(conn: Any, statement: str) -> None:
    cursor = conn.connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


class ExecuteWrapper:
    """One per Django connection (``connection.execute_wrappers``)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.engine = _sql.engine_name(conn.vendor)
        self.state: tuple[int, bool] | None = None

    def sync(self) -> None:
        """Brings the connection's session to the state wanted now (one statement, only when it
        changes)."""
        from . import runtime

        raw = self.conn.connection
        if raw is None:
            return
        wanted = runtime().guard.wants_read_only()
        if self.state == (id(raw), wanted):
            return
        _raw_execute(self.conn, _sql.read_only_statement(self.engine) if wanted else _sql.read_write_statement(self.engine))
        self.state = (id(raw), wanted)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        from . import runtime

        rt = runtime()
        if rt.database_read_only:
            self.sync()
            rt.guard.check(sql, self.engine)
        return execute(sql, params, many, context)


def on_connection_created(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    from . import runtime

    if connection is None or not runtime().database_read_only:
        return
    try:
        wrapper = next(w for w in connection.execute_wrappers if isinstance(w, ExecuteWrapper))
    except StopIteration:
        try:
            wrapper = ExecuteWrapper(connection)
        except Exception:  # an engine the core does not know: classify without an engine
            logger.warning("qila: no read-only session statement for database vendor %r", connection.vendor)
            return
        connection.execute_wrappers.append(wrapper)
    wrapper.state = None
    wrapper.sync()


def replace_last_login_receiver() -> None:
    """Django updates ``last_login`` on every sign-in. While the portal is locked that write is
    skipped (a sign-in that the lockdown lets through, say on an exempt SSO callback, still
    works); otherwise Django's own receiver runs."""
    from django.apps import apps

    if not apps.is_installed("django.contrib.auth"):
        return
    from django.contrib.auth import user_logged_in
    from django.contrib.auth.models import update_last_login

    def last_login_unless_locked(sender: Any, user: Any, **kwargs: Any) -> None:
        from . import runtime

        rt = runtime()
        if rt.database_read_only and rt.guard.wants_read_only():
            logger.info("qila: last_login of %s not saved: the portal is read-only", getattr(user, "pk", "?"))
            return
        update_last_login(sender, user, **kwargs)

    if user_logged_in.disconnect(dispatch_uid="update_last_login"):
        user_logged_in.connect(last_login_unless_locked, dispatch_uid="qila_update_last_login", weak=False)
