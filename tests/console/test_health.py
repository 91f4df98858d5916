"""/healthz, /readyz and /metrics: answer without login; /metrics only with the token."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_needs_no_login(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_database_and_broker_answer(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_is_down(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_readyz_names_the_database_when_it_is_down() -> None:
    env = dict(os.environ, DATABASE_URL="postgresql://postgres@127.0.0.1:1/triage")
    script = (
        "from django.test import Client; import json; "
        "r = Client().get('/readyz', HTTP_HOST='127.0.0.1'); "
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["failing"] == ["database"]


@pytest.mark.django_db
def test_metrics_refused_without_token(client: Client, settings: pytest.FixtureRequest) -> None:
    settings.METRICS_TOKEN = "t0ken"  # type: ignore[attr-defined]
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@pytest.mark.django_db
def test_metrics_exposes_the_console_names(client: Client, settings: pytest.FixtureRequest) -> None:
    settings.METRICS_TOKEN = "t0ken"  # type: ignore[attr-defined]
    client.get("/healthz")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken")
    assert response.status_code == 200
    text = response.content.decode()
    for name in (
        "triage_loki_request_seconds",
        "triage_tempo_request_seconds",
        "triage_page_render_seconds",
        "triage_alerts_sent_total",
        "triage_alerts_failed_total",
    ):
        assert name in text, name


@pytest.mark.django_db
def test_metrics_count_the_groups_every_poll_wrote(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    from django.utils import timezone

    from errors.ingest.health import record_success
    from errors.models import LokiSource

    settings.METRICS_TOKEN = "t0ken"  # type: ignore[attr-defined]
    source = LokiSource.objects.create(name="app", url="http://127.0.0.1:1", selector="{a=1}")
    for _ in range(2):
        source.refresh_from_db()
        record_success(
            source,
            timezone.now(),
            cursor_ns=1,
            sweep_floor_ns=1,
            swept=False,
            lines=5,
            groups=3,
            bad=0,
        )
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken").content.decode()
    assert 'triage_groups_upserted_total{source="app"} 6.0' in text
