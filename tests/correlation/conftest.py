"""The correlation world: a Loki source on the stub Loki, Tempo on the stub Tempo, short budgets.

Every test runs with the wiring of tests/correlation/urls.py and fresh circuit breakers, and
with time budgets short enough that "slow past the timeout" takes a second, not five.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from logs.loki import Profile
from logs.loki_breaker import reset_breakers
from tests.stubs.loki import LokiStub
from tests.stubs.tempo import TempoStub
from traces.tempo_config import Profile as TempoProfile

LOKI_FAST = Profile("test", 0.5, 1.0, 1.5, attempts=2, backoff_base=0.01, backoff_max=0.02)
TEMPO_FAST = TempoProfile("test", 0.5, 1.0, 1.5, attempts=2, backoff_base=0.01, backoff_max=0.02)
GRAFANA = "http://grafana.example"


@pytest.fixture(autouse=True)
def correlation_wiring(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.ROOT_URLCONF = "tests.correlation.urls"
    settings.TEMPO_URL = ""
    settings.TEMPO_UI_URL_TEMPLATE = ""
    settings.GRAFANA_URL = GRAFANA
    settings.GRAFANA_LOKI_DATASOURCE_UID = "loki-uid"
    settings.GRAFANA_TEMPO_DATASOURCE_UID = "tempo-uid"
    monkeypatch.setattr("errors.correlation.sources.LOKI_PROFILE", LOKI_FAST)
    monkeypatch.setattr("errors.correlation.sources.TEMPO_PROFILE", TEMPO_FAST)
    reset_breakers()
    yield
    reset_breakers()


@pytest.fixture
def source(db: None, loki_stub: LokiStub) -> Any:
    """The Loki source the poller would have: the app's streams on the stub Loki."""
    from errors.models import LokiSource

    return LokiSource.objects.create(
        name="app", url=loki_stub.url, selector='{job=~"fraiseql-.+"}', read_timeout=1.0
    )


@pytest.fixture
def tempo(settings: Any, tempo_stub: TempoStub) -> TempoStub:
    settings.TEMPO_URL = tempo_stub.url
    return tempo_stub


def login(user: Any, *, tz: str = "") -> Client:
    client = Client()
    client.force_login(user)
    if tz:
        client.cookies["tz"] = tz
    return client


def htmx(client: Client, url: str, target: str = "", **params: Any) -> Any:
    headers = {"HX-Request": "true"} | ({"HX-Target": target} if target else {})
    return client.get(url, params, headers=headers)
