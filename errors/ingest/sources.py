"""Sources declared without the admin: a default one from the environment, and which are due.

The environment names secrets (`LOKI_PASSWORD`, `LOKI_TOKEN`, or their `_FILE` variants); the
source stores that name or path, never the value.
"""

import os
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value

from console.env import env_bool, env_str
from errors.models import AuthType, LokiSource
from logs.logql_text import parse_range

DEFAULT_SELECTOR = '{job=~".+"}'


def backfill() -> timedelta:
    """How far back a new source starts reading: `LOKI_BACKFILL` (default 1h)."""
    text = env_str("LOKI_BACKFILL", "1h")
    try:
        return parse_range(text)
    except ValueError as exc:
        raise ValueError(f"LOKI_BACKFILL: {exc}") from None


def _secret(name: str) -> dict[str, str]:
    if os.environ.get(f"{name}_FILE"):
        return {"secret_env": "", "secret_file": os.environ[f"{name}_FILE"]}
    if os.environ.get(name):
        return {"secret_env": name, "secret_file": ""}
    return {}


def default_source_fields() -> dict[str, object] | None:
    """The source `LOKI_URL` and friends describe, or None when LOKI_URL is unset."""
    url = env_str("LOKI_URL")
    if not url:
        return None
    fields: dict[str, object] = {
        "url": url,
        "tenant": env_str("LOKI_TENANT"),
        "selector": env_str("LOKI_SELECTOR", DEFAULT_SELECTOR),
        "tls_verify": env_bool("LOKI_TLS_VERIFY", default=True),
        "ca_bundle": env_str("LOKI_CA_BUNDLE"),
        "auth_type": AuthType.NONE,
        "username": env_str("LOKI_USERNAME"),
        "secret_env": "",
        "secret_file": "",
    }
    token, password = _secret("LOKI_TOKEN"), _secret("LOKI_PASSWORD")
    if token:
        fields |= {"auth_type": AuthType.BEARER, **token}
    elif password and fields["username"]:
        fields |= {"auth_type": AuthType.BASIC, **password}
    return fields


def ensure_default_source() -> LokiSource | None:
    """Create or update the environment's source (named by LOKI_SOURCE_NAME, default 'default')."""
    fields = default_source_fields()
    if fields is None:
        return None
    name = env_str("LOKI_SOURCE_NAME", "default")
    source, created = LokiSource.objects.get_or_create(name=name, defaults=fields)
    changed = {key: value for key, value in fields.items() if getattr(source, key) != value}
    if created or not changed:
        return source
    with transaction.atomic():
        # A poll holds this row for as long as it reads Loki: never wait for it (beat calls
        # this every few seconds); the environment's values land on a later tick instead.
        free = LokiSource.objects.select_for_update(skip_locked=True).filter(pk=source.pk)
        if free.exists():
            free.update(**changed)
    return source


def due_sources(now: datetime) -> QuerySet[LokiSource]:
    """Enabled sources whose last attempt is at least their poll interval ago."""
    next_due = ExpressionWrapper(
        F("last_attempt_at") + F("poll_interval"), output_field=DateTimeField()
    )
    return (
        LokiSource.objects.filter(enabled=True)
        .annotate(next_due=next_due)
        .filter(Q(last_attempt_at__isnull=True) | Q(next_due__lte=Value(now)))
    )
