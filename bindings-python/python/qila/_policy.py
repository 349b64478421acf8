"""The public ``Policy``: the core's policy, plus reloading from a file and ``QILA_MODE``."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any, Union

from . import _native
from ._errors import PolicyError
from ._native import Verdict

__all__ = ["Policy", "Verdict", "HeaderPairs", "Body"]

logger = logging.getLogger("qila")

HeaderPairs = Iterable[tuple[Union[str, bytes], Union[str, bytes]]]
Body = Union[bytes, bytearray, memoryview]

#: A request from this address stands for "somebody", when a refusal page is needed for a
#: request that the policy decided before (a database write refused inside it).
_NOBODY = "192.0.2.1"


def _load_text(text: str, as_json: bool) -> _native.Policy:
    return _native.Policy.from_json(text) if as_json else _native.Policy.from_toml(text)


class Policy:
    """A loaded, validated policy. Every decision is the core's (``qila`` crate).

    A policy read with :meth:`from_file` is read again when the file changes on disk (checked
    at most once a second per process), so switching a portal in or out of lockdown needs no
    restart. ``QILA_MODE`` (read when the policy is created) overrides the file's ``mode``; the
    ``mode`` argument overrides both.
    """

    __slots__ = ("_native", "_path", "_json", "_mode", "_stamp", "_checked", "_lock")

    def __init__(self, native: _native.Policy, *, mode: str | None = None, path: str | None = None) -> None:
        self._path = path
        self._json = bool(path and path.endswith(".json"))
        self._mode = mode if mode is not None else (os.environ.get("QILA_MODE", "").strip() or None)
        self._native = self._with_mode(native)
        self._stamp: tuple[int, int, int] | None = None
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        if path is not None:
            self._stamp = self._stat()

    def _with_mode(self, native: _native.Policy) -> _native.Policy:
        return native.with_mode(self._mode) if self._mode is not None else native

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, mode: str | None = None) -> Policy:
        """Reads a policy file (TOML, or JSON when the name ends in ``.json``)."""
        p = os.fspath(path)
        try:
            with open(p, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise PolicyError(f"cannot read the policy file {p}: {e.strerror}", code="policy-unreadable") from e
        return cls(_load_text(text, p.endswith(".json")), mode=mode, path=p)

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], *, mode: str | None = None) -> Policy:
        """A policy from a dict with the structure of the policy file."""
        try:
            text = json.dumps(config)
        except (TypeError, ValueError) as e:
            raise PolicyError(f"the policy dict cannot be read: {e}") from e
        return cls(_native.Policy.from_json(text), mode=mode)

    @classmethod
    def from_toml(cls, text: str, *, mode: str | None = None) -> Policy:
        """A policy from TOML text."""
        return cls(_native.Policy.from_toml(text), mode=mode)

    @classmethod
    def default(cls, *, mode: str | None = None) -> Policy:
        """The built-in lockdown policy."""
        return cls(_native.Policy.default(), mode=mode)

    # -- reloading ---------------------------------------------------------------------------

    @property
    def path(self) -> str | None:
        """The policy file, if the policy came from one."""
        return self._path

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self._path)  # type: ignore[arg-type]
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _current(self) -> _native.Policy:
        if self._path is not None:
            now = time.monotonic()
            if now - self._checked >= 1.0:
                self._checked = now
                stamp = self._stat()
                if stamp is not None and stamp != self._stamp:
                    self._reload(stamp)
        return self._native

    def _reload(self, stamp: tuple[int, int, int] | None) -> bool:
        if not self._lock.acquire(blocking=False):
            return False
        try:
            with open(self._path, encoding="utf-8") as f:  # type: ignore[arg-type]
                text = f.read()
            native = self._with_mode(_load_text(text, self._json))
        except (OSError, PolicyError) as e:
            code = getattr(e, "code", "policy-unreadable")
            logger.error("qila: policy %s not reloaded, the previous one stays in force: %s (%s)", self._path, e, code)
            self._stamp = stamp
            return False
        finally:
            self._lock.release()
        old = self._native.mode
        self._native = native
        self._stamp = stamp
        logger.warning("qila: policy %s reloaded: mode %s (was %s)", self._path, native.mode, old)
        return True

    def reload(self) -> bool:
        """Reads the policy file again now; returns whether a new policy is in force."""
        if self._path is None:
            return False
        return self._reload(self._stat())

    # -- decisions ---------------------------------------------------------------------------

    def evaluate(
        self,
        method: str,
        target: str,
        headers: HeaderPairs | None = None,
        peer: str | None = None,
        body: Body | None = None,
        now: str | float | None = None,
    ) -> Verdict:
        """Decides one request.

        ``target`` is the raw request target (path and ``?query``, still percent-encoded);
        ``headers`` ``(name, value)`` pairs of ``str`` or ``bytes`` in arrival order; ``peer``
        the socket peer address (default ``127.0.0.1``); ``body`` the body or its first bytes
        (``bytes`` is read in place); ``now`` RFC 3339 text or epoch seconds (default: the clock).
        """
        return self._current().evaluate(method, target, headers, peer, body, now)

    def evaluate_wsgi(self, environ: dict[str, Any], body: Body | None = None, now: str | float | None = None) -> Verdict:
        """Decides one WSGI request (a PEP 3333 ``environ``, or Django's ``request.META``):
        method, raw target, headers and peer are read from it in one pass by the native module,
        the same as :meth:`evaluate` with the target and headers the middleware would build."""
        return self._current().evaluate_wsgi(environ, body, now)

    def write_refusal(self, headers: HeaderPairs | None = None) -> Verdict | None:
        """The lockdown refusal (page, status, headers) for a write found after the request was
        decided, such as a database write refused inside an allowed request. ``headers`` (the
        request's) choose HTML or JSON. ``None`` when the policy would let a write through."""
        accept = [(n, v) for n, v in headers or () if (n.lower() if isinstance(n, str) else n.lower().decode("latin-1")) == "accept"]
        v = self._current().evaluate("POST", "/", accept, _NOBODY, None, None)
        return v if v.blocked and v.reason == "write-in-lockdown" else None

    @property
    def mode(self) -> str:
        """The mode in force now: ``read-only``, ``open`` (also once ``until`` has passed) or
        ``monitor``."""
        return self._current().mode_at(None)

    @property
    def locked(self) -> bool:
        """Whether writes are refused now (mode ``read-only``), for the database guards."""
        return self._current().mode_at(None) == "read-only"

    @property
    def max_body_bytes(self) -> int:
        """``screening.max_body_bytes``: how much of a body the middleware buffers for screening."""
        return self._current().max_body_bytes

    @property
    def has_trusted_proxies(self) -> bool:
        """Whether ``proxy.trusted_proxies`` names any proxy."""
        return self._current().has_trusted_proxies

    @property
    def native(self) -> _native.Policy:
        """The core policy in force now."""
        return self._current()

    def to_toml(self) -> str:
        """The policy in force as TOML, every key filled in."""
        return self._current().to_toml()

    def __repr__(self) -> str:
        src = f" file={self._path!r}" if self._path else ""
        return f"<qila.Policy mode={self._native.mode}{src}>"
