"""Process start-up shared by manage.py, wsgi, asgi and the Celery app."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")


def start_embedded_redis() -> None:
    """Start the embedded Redis when REDIS_URL is unset (the database starts on first use)."""
    from django.conf import settings

    from console import embedded

    if settings.EMBEDDED_REDIS:
        embedded.ensure_redis(settings.DATA_DIR)


def exit_on_bad_configuration(exc: Exception) -> None:
    """One clear line instead of a traceback for configuration mistakes."""
    print(f"triage-console: configuration error: {exc}", file=sys.stderr)
    raise SystemExit(2)


__all__ = ["ImproperlyConfigured", "configure", "exit_on_bad_configuration", "start_embedded_redis"]
