"""Benchmark (not a test): one `evaluate` from Python, and the cost of the Django middleware on a
trivial view against the same view without it.

    python bindings-python/bench/bench.py        # with the wheel and Django installed

Prints medians of repeated timing runs.
"""

from __future__ import annotations

import statistics
import sys
import timeit

import qila

BROWSER_HEADERS = [
    ("Host", "portal.gov.example"),
    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "ur-PK,ur;q=0.9,en;q=0.8"),
    ("Accept-Encoding", "gzip, deflate, br"),
    ("Connection", "keep-alive"),
    ("Upgrade-Insecure-Requests", "1"),
    ("Sec-Fetch-Dest", "document"),
    ("Sec-Fetch-Mode", "navigate"),
    ("Sec-Fetch-Site", "none"),
]


def per_call(fn, number: int, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    """Median seconds per call."""
    return statistics.median(t / number for t in timeit.repeat(fn, number=number, repeat=repeat))


def bench_evaluate() -> None:
    policy = qila.Policy.default()
    cases = {
        "evaluate: GET /page?x=1, no headers": lambda: policy.evaluate("GET", "/page?x=1", None, "203.0.113.9"),
        "evaluate: GET /page?x=1, ten browser headers": lambda: policy.evaluate("GET", "/page?x=1", BROWSER_HEADERS, "203.0.113.9"),
        "evaluate: POST /contact, refused": lambda: policy.evaluate("POST", "/contact", BROWSER_HEADERS, "203.0.113.9", b"name=Ayesha&message=hello"),
    }
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/page", "QUERY_STRING": "x=1", "SCRIPT_NAME": "", "REMOTE_ADDR": "203.0.113.9"}
    environ.update(("HTTP_" + n.upper().replace("-", "_"), v) for n, v in BROWSER_HEADERS)
    cases["evaluate_wsgi: the same GET as a WSGI environ"] = lambda: policy.evaluate_wsgi(environ)
    for name, fn in cases.items():
        print(f"{name:55s} {per_call(fn, 20_000) * 1e6:8.2f} µs")


#: The middleware ``django-admin startproject`` writes into a new project's settings.
STARTPROJECT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def bench_django() -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        QILA={"DATABASE_READ_ONLY": False},
        LOGGING_CONFIG=None,
    )
    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/page",
        "QUERY_STRING": "x=1",
        "SERVER_NAME": "portal.gov.example",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "203.0.113.9",
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
        "wsgi.errors": sys.stderr,
    }
    for name, value in BROWSER_HEADERS:
        environ["HTTP_" + name.upper().replace("-", "_")] = value

    def handler(middleware: list[str]) -> WSGIHandler:
        settings.MIDDLEWARE = middleware
        return WSGIHandler()

    def call(h: WSGIHandler):  # type: ignore[no-untyped-def]
        import io

        def run() -> None:
            env = dict(environ)
            env["wsgi.input"] = io.BytesIO(b"")
            response = h(env, lambda status, headers, exc_info=None: None)
            assert response.status_code == 200
            response.close()

        return run

    qila_mw = "qila.django.LockdownMiddleware"
    stacks = {
        "Django trivial view, no middleware": [],
        "Django trivial view, qila.django.LockdownMiddleware": [qila_mw],
        "the view behind startproject's seven middleware": STARTPROJECT_MIDDLEWARE,
        "the same with qila.django.LockdownMiddleware first": [qila_mw, *STARTPROJECT_MIDDLEWARE],
    }
    runs = {name: call(handler(mw)) for name, mw in stacks.items()}
    # Rounds that take the four in turn, so that a slower spell of a shared machine falls on all
    # of them; the median of the rounds.
    times: dict[str, list[float]] = {name: [] for name in stacks}
    for _ in range(7):
        for name, fn in runs.items():
            times[name].append(per_call(fn, 1_000, repeat=1))
    med = {name: statistics.median(t) for name, t in times.items()}
    names = list(stacks)
    for i, name in enumerate(names):
        extra = ""
        if i % 2:
            base = med[names[i - 1]]
            extra = f"  (+{(med[name] / base - 1) * 100:.1f}%)"
        print(f"{name:55s} {med[name] * 1e6:8.2f} µs{extra}")


def view(request):  # type: ignore[no-untyped-def]
    from django.http import HttpResponse

    return HttpResponse("ok")


def _urls():  # type: ignore[no-untyped-def]
    from django.urls import path

    return [path("page", view)]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "urlpatterns":
        return _urls()
    raise AttributeError(name)


if __name__ == "__main__":
    sys.modules.setdefault("bench", sys.modules["__main__"])
    bench_evaluate()
    bench_django()
