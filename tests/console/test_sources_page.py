"""The admins' Sources page and /readyz with Loki sources, through the stub Loki."""

from typing import Any

import pytest
from django.test import Client

from errors.models import LokiSource
from tests.stubs.loki import LokiStub
from tests.web import client_for


def make_source(url: str, name: str = "app") -> LokiSource:
    return LokiSource.objects.create(name=name, url=url, selector='{job="fraiseql-app"}')


@pytest.mark.django_db
def test_admin_sees_each_source_with_its_reachability(carol: Any, loki_stub: LokiStub) -> None:
    make_source(loki_stub.url, "up")
    make_source("http://127.0.0.1:1", "down")
    page = client_for(carol).get("/sources/")
    assert page.status_code == 200
    rows = {s.source.name: s for s in page.context["statuses"]}
    assert rows["up"].ready is True
    assert rows["down"].ready is None
    assert "LokiUnavailable" in rows["down"].problem
    assert b"unreachable" in page.content


@pytest.mark.django_db
def test_viewers_and_triagers_cannot_open_it(alice: Any, bob: Any) -> None:
    assert client_for(alice).get("/sources/").status_code == 403
    assert client_for(bob).get("/sources/").status_code == 403


@pytest.mark.django_db
def test_sources_page_needs_client_for(client: Client) -> None:
    response = client.get("/sources/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_readyz_names_a_source_that_is_down(
    client: Client, loki_stub: LokiStub, settings: Any
) -> None:
    settings.METRICS_TOKEN = "t0ken"
    make_source(loki_stub.url, "up")
    make_source("http://127.0.0.1:1", "down")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["loki:down"]
    assert response.json()["checks"] == {
        "database": "ok",
        "broker": "ok",
        "loki:up": "ok",
        "loki:down": "failed",
    }, "no exception text for anonymous callers"
    detailed = client.get("/readyz", HTTP_AUTHORIZATION="Bearer t0ken").json()["checks"]
    assert "127.0.0.1:1" in detailed["loki:down"], "details for the token holder"
    assert len(loki_stub.requests_to("/ready")) == 1, "the second probe came from the cache"
