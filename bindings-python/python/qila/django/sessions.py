"""A session engine that keeps reads working in lockdown: ``SESSION_ENGINE = "qila.django.sessions"``.

It wraps the engine named by ``QILA["SESSION_ENGINE"]`` (default
``django.contrib.sessions.backends.db``) and skips saving and deleting sessions while the
portal is read-only, so a page view that touches the session (``SESSION_SAVE_EVERY_REQUEST``, a
flash message, a changed expiry) does not become a refused database write. Reading sessions is
unchanged: signed-in users stay signed in.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.conf import settings

logger = logging.getLogger("qila")

_base = import_module((getattr(settings, "QILA", None) or {}).get("SESSION_ENGINE", "django.contrib.sessions.backends.db"))


def _locked() -> bool:
    from . import runtime

    rt = runtime()
    return rt.database_read_only and rt.guard.wants_read_only()


class SessionStore(_base.SessionStore):  # type: ignore[name-defined,misc]
    def save(self, must_create: bool = False) -> None:
        if _locked():
            logger.debug("qila: session not saved: the portal is read-only")
            return
        super().save(must_create=must_create)

    def delete(self, session_key: Any = None) -> None:
        if _locked():
            logger.debug("qila: session not deleted: the portal is read-only")
            return
        super().delete(session_key)

    def create(self) -> None:
        if _locked():
            # A new session that is never stored: a key for this response only.
            self._session_key = self._get_new_session_key()
            self.modified = True
            return
        super().create()
