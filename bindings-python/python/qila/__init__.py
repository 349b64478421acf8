"""Qila: lock a web portal into a read-only state and screen what still comes in.

>>> import qila
>>> policy = qila.Policy.default()
>>> policy.evaluate("GET", "/services?lang=ur").action
'allow'
>>> v = policy.evaluate("POST", "/contact", [("Accept", "text/html")])
>>> (v.action, v.status, v.reason)
('block', 503, 'write-in-lockdown')

Framework glue lives in :mod:`qila.django`, :mod:`qila.flask`, :mod:`qila.wsgi` and
:mod:`qila.asgi`; database guards in :mod:`qila.sql`. Every decision is made by the Rust core.
"""

from __future__ import annotations

from . import sql
from ._errors import PolicyError, QilaError, WriteRefused
from ._native import DEFAULT_POLICY_TOML, VERSION, Finding, Verdict
from ._policy import Policy

__version__ = VERSION

#: Every reason a request can be refused, as the stable codes the core prints.
REASONS: tuple[str, ...] = tuple(sql._native.reason_codes())

__all__ = [
    "DEFAULT_POLICY_TOML",
    "Finding",
    "Policy",
    "PolicyError",
    "QilaError",
    "REASONS",
    "Verdict",
    "WriteRefused",
    "__version__",
    "sql",
]
