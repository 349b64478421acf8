#!/usr/bin/env bash
# The Python test suite, from nothing: build the wheel with maturin, install it into a fresh
# virtual environment as a user's `pip install` would, start a real PostgreSQL server on
# loopback (installed from Debian's packages when missing), run pytest and mypy.stubtest, stop
# the server. Used by `make test-python` (and so by `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
BUILD_VENV=$ROOT/.venv-python-build
VENV=$ROOT/.venv-python
DIST=$ROOT/target/wheels-python
WORK=$(mktemp -d /tmp/qila-python-test.XXXXXX)
PGDATA=$WORK/pgdata
PGPORT=${QILA_TEST_PGPORT:-55432}
PGBIN=""

cleanup() {
    if [ -n "$PGBIN" ] && [ -f "$PGDATA/postmaster.pid" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

step "build the wheel (maturin, abi3)"
test -x "$BUILD_VENV/bin/maturin" || { "$PY" -m venv "$BUILD_VENV" && "$BUILD_VENV/bin/pip" install --quiet "maturin>=1.16,<1.17"; }
rm -rf "$DIST"
(cd bindings-python && "$BUILD_VENV/bin/maturin" build --release --quiet -o "$DIST")
WHEEL=$(ls "$DIST"/qila-*.whl)

step "fresh virtual environment: the wheel and the test dependencies"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet "$WHEEL" \
    "pytest>=8" "pytest-django>=4.9" "django>=5.0,<7" "flask>=3.0,<4" "sqlalchemy>=2.0,<3" \
    "psycopg[binary]>=3.1" "fastapi>=0.110" "starlette>=0.37" "httpx>=0.27" "python-multipart>=0.0.9" \
    "uvicorn>=0.29" "gunicorn>=22" "mypy>=1.10"

step "PostgreSQL on 127.0.0.1:$PGPORT"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$PGDATA" && chown postgres "$WORK" "$PGDATA"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$WORK/pg.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off" start >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres qila_sa

step "pytest"
export QILA_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/qila_sa"
export QILA_REQUIRE_POSTGRES=1
export PORTAL_PG_HOST=127.0.0.1 PORTAL_PG_PORT=$PGPORT PORTAL_PG_USER=postgres PORTAL_PG_NAME=portal
export PORTAL_SQLITE=$WORK/portal.sqlite3 PORTAL_MEDIA=$WORK/media
(cd bindings-python && "$VENV/bin/python" -m pytest -p no:cacheprovider -q tests)

step "mypy.stubtest: the hand-written stubs against the built module"
(cd "$WORK" && "$VENV/bin/python" -m mypy.stubtest qila._native qila._policy qila._errors qila.sql qila.wsgi qila.asgi)
