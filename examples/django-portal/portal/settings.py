"""Settings of the example citizen-services portal. Only the QILA lines are about Qila."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("PORTAL_SECRET_KEY", "example-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "qila.django",  # system checks, `manage.py qila`, the database guard
    "portal",
]

MIDDLEWARE = [
    "qila.django.LockdownMiddleware",  # first: nothing runs for a refused request
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

QILA = {
    "POLICY": os.environ.get("PORTAL_QILA_POLICY", str(BASE_DIR / "qila.toml")),
}
# Sessions keep reading in lockdown; saves are skipped while the database is read-only.
SESSION_ENGINE = "qila.django.sessions"

ROOT_URLCONF = "portal.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PORTAL_SQLITE", str(BASE_DIR / "portal.sqlite3")),
    }
}
if os.environ.get("PORTAL_PG_HOST"):
    DATABASES["pg"] = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ["PORTAL_PG_HOST"],
        "PORT": os.environ.get("PORTAL_PG_PORT", "5432"),
        "NAME": os.environ.get("PORTAL_PG_NAME", "portal"),
        "USER": os.environ.get("PORTAL_PG_USER", "postgres"),
        "PASSWORD": os.environ.get("PORTAL_PG_PASSWORD", ""),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "static/"
MEDIA_ROOT = os.environ.get("PORTAL_MEDIA", str(BASE_DIR / "media"))
LOGIN_URL = "/accounts/login/"
