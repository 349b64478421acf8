"""Qila's exception classes. Every one carries a stable kebab-case ``code``."""

from __future__ import annotations

__all__ = ["QilaError", "PolicyError", "WriteRefused"]


class QilaError(Exception):
    """Base class of every error Qila raises; ``code`` says which (``policy-invalid``, ...)."""

    code: str

    def __init__(self, message: str, *, code: str = "qila-error") -> None:
        super().__init__(message)
        self.code = code


class PolicyError(QilaError, ValueError):
    """A policy that cannot be used: ``code`` is ``policy-invalid`` or ``unknown-mode``.

    ``key`` (a dotted path such as ``admin.allow[1]``), ``line`` and ``column`` say where the
    problem is, when known. Fix it and load the policy again; a reloading ``Policy`` keeps the
    previous policy in force meanwhile.
    """

    key: str | None
    line: int | None
    column: int | None

    def __init__(
        self,
        message: str,
        *,
        code: str = "policy-invalid",
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.key = key
        self.line = line
        self.column = column


class WriteRefused(QilaError):
    """A database write refused because the portal is read-only (``code``: ``write-refused``).

    Raised by the database guards in :mod:`qila.sql`, :mod:`qila.django` and the SQLAlchemy
    listener. Inside a request, the middleware turns it into the lockdown response.
    """

    sql: str
    kind: str

    def __init__(self, message: str, *, sql: str = "", kind: str = "write") -> None:
        super().__init__(message, code="write-refused")
        self.sql = sql
        self.kind = kind
