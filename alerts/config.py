"""The alert settings and their defaults, read in one place.

Each is a declaration in `console/settings.py`; the defaults here keep the app working where a
deployment has not declared them yet. Read at call time so tests can override them.
"""

from django.conf import settings


def http_timeout() -> float:
    """Seconds to wait for Slack or a webhook to answer."""
    return float(getattr(settings, "ALERTS_HTTP_TIMEOUT", 10.0))


def connect_timeout() -> float:
    return float(getattr(settings, "ALERTS_CONNECT_TIMEOUT", 3.0))


def context_timeout() -> float:
    """Seconds Loki gets to return the lines around an error before the alert leaves without."""
    return float(getattr(settings, "ALERTS_CONTEXT_TIMEOUT", 2.0))


def slack_webhook_url() -> str:
    return str(getattr(settings, "SLACK_WEBHOOK_URL", ""))


def console_base_url() -> str:
    return str(settings.CONSOLE_BASE_URL).rstrip("/")


def grafana_url() -> str:
    return str(getattr(settings, "GRAFANA_URL", "")).rstrip("/")


def grafana_loki_uid() -> str:
    return str(getattr(settings, "GRAFANA_LOKI_DATASOURCE_UID", ""))


def grafana_tempo_uid() -> str:
    return str(getattr(settings, "GRAFANA_TEMPO_DATASOURCE_UID", ""))
