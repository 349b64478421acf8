"""A pytest plugin (`-p db_setup_plugin`, in pyproject.toml): the test databases are created and
dropped with writes allowed; the tests themselves run under the lockdown. A plugin rather than
a conftest hook, because the session-scoped fixture is set up outside the tests directory's
conftest scope."""

from __future__ import annotations

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):  # type: ignore[no-untyped-def]
    """The test databases are created and dropped with writes allowed; the tests themselves
    run under the lockdown."""
    if fixturedef.argname != "django_db_setup":
        yield
        return
    from qila.sql import _writes_allowed, allow_writes

    with allow_writes():
        yield
    fixturedef.addfinalizer(lambda: _writes_allowed.set(True))
