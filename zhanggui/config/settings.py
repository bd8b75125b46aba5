"""Zhanggui settings: one module, read from the environment.

SQLite under var/ is the zero-set-up default; DATABASE_URL switches to PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

from zhanggui.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("ZHANGGUI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The default key is only good for a shop's own machine; production sets SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "zhanggui-local-only-secret-key-change-me-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "zhanggui.core",
    "zhanggui.staff",
    "zhanggui.channels",
    "zhanggui.catalog",
    "zhanggui.purchasing",
    "zhanggui.customers",
    "zhanggui.inventory",
    "zhanggui.orders",
    "zhanggui.fulfillment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhanggui.core.middleware.ShopLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "zhanggui.config.urls"
WSGI_APPLICATION = "zhanggui.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhanggui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhanggui.staff.context_processors.navigation",
            ],
        },
    },
]


def _database_settings() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        config = dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)))
        config["CONN_HEALTH_CHECKS"] = True
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "zhanggui.sqlite3")),
        # Tests use a file, not memory: concurrency tests and the live server run threads,
        # which cannot share an in-memory database. One file per process; removed after.
        "TEST": {
            "NAME": env_str(
                "SQLITE_TEST_PATH",
                str(Path(tempfile.gettempdir()) / f"zhanggui-test-{os.getpid()}.sqlite3"),
            )
        },
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue up on
            # busy_timeout instead of failing with "database is locked" mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhanggui" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Product images up to 10 MB; bulk import files up to 50 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "zhanggui.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "zhanggui.core.api.errors.json_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhanggui API",
    "DESCRIPTION": "掌柜 back office: products, SKUs, stock, orders (/api/v1/).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Background tasks: the database backend runs with a `db_worker` beside the web server
# (no broker to install); REDIS_URL moves them to RQ workers on Redis.
REDIS_URL = env_str("REDIS_URL")
TASKS_BACKEND = env_str("TASKS_BACKEND", "rq" if REDIS_URL else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
# django_rq is always installed so `rqworker` exists; it connects only when RQ is used.
INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Shop rules with a number (DOMAIN.md): defaults, configurable per installation.
SHIP_CUTOFF = env_str("ZHANGGUI_SHIP_CUTOFF", "16:00")
ZHANGGUI = {
    "TITLE_MAX_BYTES": env_int("ZHANGGUI_TITLE_MAX_BYTES", 60),
    "MAIN_IMAGE_WIDTH_PX": env_int("ZHANGGUI_MAIN_IMAGE_WIDTH_PX", 710),
    # A new style's first order: at most this many per SKU unless the buyer confirms.
    "FIRST_ORDER_MAX_PER_SKU": env_int("ZHANGGUI_FIRST_ORDER_MAX_PER_SKU", 3),
    # Shipping promise (DOMAIN.md §6): paid before SHIP_CUTOFF ships the same day; every
    # paid order within SLA_HOURS, never later than SLA_MAX_HOURS.
    "SLA_HOURS": env_int("ZHANGGUI_SLA_HOURS", 24),
    "SLA_MAX_HOURS": env_int("ZHANGGUI_SLA_MAX_HOURS", 48),
}
