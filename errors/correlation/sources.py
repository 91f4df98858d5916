"""Where the panels read from: Loki sources (the poller's rows), Tempo and Grafana (settings).

`None` means "not configured", which the panels turn into how-to-connect text rather than
an error. The profiles are module attributes so tests can shorten the time budgets.
"""

import os
from dataclasses import dataclass

from django.conf import settings

from errors.ingest.read import client_config
from errors.models import LokiSource as SourceRow
from logs import loki_config
from logs.context import CONTEXT_LABELS, GrafanaLoki
from logs.logql import Selector
from logs.loki import WEB as LOKI_WEB
from logs.loki import LokiClient
from traces.links import GrafanaTempo
from traces.tempo import TempoClient
from traces.tempo_config import WEB as TEMPO_WEB
from traces.tempo_config import BearerToken, Secret, TempoSource

LOKI_PROFILE: loki_config.Profile = LOKI_WEB
TEMPO_PROFILE = TEMPO_WEB
DEADLINE_MARGIN = 0.5


def loki_deadline() -> float:
    """Seconds a panel waits for all its Loki reads: one budget, not one per retried page."""
    return LOKI_PROFILE.total_timeout + DEADLINE_MARGIN


@dataclass(frozen=True)
class LokiTarget:
    """One Loki source as the panels use it: how to reach it and its streams minus levels."""

    name: str
    config: loki_config.LokiSource
    base: Selector

    def client(self, profile: loki_config.Profile | None = None) -> LokiClient:
        return LokiClient(self.config, profile or LOKI_PROFILE)


def _target(row: SourceRow) -> LokiTarget:
    selector = Selector.parse(row.selector)
    try:
        base = selector.without_labels(*CONTEXT_LABELS)
    except ValueError:
        base = selector
    return LokiTarget(row.name, client_config(row), base)


def loki_target(name: str) -> LokiTarget | None:
    row = SourceRow.objects.filter(name=name).first() if name else None
    return _target(row) if row is not None else None


def loki_targets() -> list[LokiTarget]:
    """Every enabled source, for queries that are not tied to one error's source."""
    return [_target(row) for row in SourceRow.objects.filter(enabled=True)]


def loki_configured() -> bool:
    return SourceRow.objects.exists()


def tempo_source() -> TempoSource | None:
    """Tempo from TEMPO_URL; the token is sent only when its environment variable is set."""
    if not settings.TEMPO_URL:
        return None
    token_env = settings.TEMPO_TOKEN_ENV
    auth = BearerToken(Secret(env=token_env)) if token_env and os.environ.get(token_env) else None
    return TempoSource(settings.TEMPO_URL, tenant=settings.TEMPO_TENANT or None, auth=auth)


def tempo_client() -> TempoClient | None:
    source = tempo_source()
    return TempoClient(source, TEMPO_PROFILE) if source is not None else None


def grafana_loki() -> GrafanaLoki | None:
    if not settings.GRAFANA_URL or not settings.GRAFANA_LOKI_DATASOURCE_UID:
        return None
    return GrafanaLoki(
        settings.GRAFANA_URL, settings.GRAFANA_LOKI_DATASOURCE_UID, settings.GRAFANA_ORG_ID
    )


def grafana_tempo() -> GrafanaTempo | None:
    if not settings.GRAFANA_URL or not settings.GRAFANA_TEMPO_DATASOURCE_UID:
        return None
    return GrafanaTempo(
        settings.GRAFANA_URL, settings.GRAFANA_TEMPO_DATASOURCE_UID, settings.GRAFANA_ORG_ID
    )
