"""Shared fixtures. The example portals are imported from examples/ (see pytest `pythonpath`)."""

from __future__ import annotations

import os
import pathlib

import pytest

import qila

REPO = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = REPO / "testdata"
EXAMPLES = REPO / "examples"


def postgres_url() -> str | None:
    """`postgresql+psycopg://...` of the server scripts/test-python.sh started, if any."""
    return os.environ.get("QILA_TEST_POSTGRES")


@pytest.fixture
def pg_url() -> str:
    url = postgres_url()
    if not url:
        if os.environ.get("QILA_REQUIRE_POSTGRES"):
            pytest.fail("QILA_REQUIRE_POSTGRES is set but QILA_TEST_POSTGRES is not")
        pytest.skip("no PostgreSQL server (run scripts/test-python.sh)")
    return url


@pytest.fixture
def policy_file(tmp_path: pathlib.Path) -> pathlib.Path:
    p = tmp_path / "qila.toml"
    p.write_text('mode = "read-only"\n[admin]\nallow = ["10.0.0.0/8"]\n')
    return p


@pytest.fixture(autouse=True)
def _no_env_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QILA_MODE", raising=False)


@pytest.fixture
def default_policy() -> qila.Policy:
    return qila.Policy.default()

