"""Request timing: each client reports (endpoint, seconds) to its own observers."""

from collections.abc import Callable
from typing import Any

import httpx

from logs import loki_transport
from outbound.observe import RequestTimer
from traces import tempo_http


def test_variable_parts_of_a_path_are_folded() -> None:
    timer = RequestTimer((("/traces/", "/traces/{id}"), ("/tag/", "/tag/{name}/values")))
    assert timer.endpoint("/api/v2/traces/4bf92f3577b34da6") == "/api/v2/traces/{id}"
    assert timer.endpoint("/api/v2/search/tag/service.name/values") == (
        "/api/v2/search/tag/{name}/values"
    )
    assert timer.endpoint("/api/search") == "/api/search"


def test_every_exchange_reaches_the_observers() -> None:
    timer = RequestTimer((("/label/", "/label/{name}/values"),))
    seen: list[tuple[str, float]] = []
    timer.observers.append(lambda endpoint, seconds: seen.append((endpoint, seconds)))
    hooks: dict[str, list[Callable[..., Any]]] = {
        "request": [timer.start],
        "response": [timer.stop],
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=transport, event_hooks=hooks) as client:
        client.get("http://loki.test/loki/api/v1/label/job/values")
        client.get("http://loki.test/loki/api/v1/labels")
    assert [endpoint for endpoint, _ in seen] == [
        "/loki/api/v1/label/{name}/values",
        "/loki/api/v1/labels",
    ]
    assert all(seconds >= 0 for _, seconds in seen)


def test_loki_and_tempo_keep_their_own_observer_lists() -> None:
    assert loki_transport.REQUEST_OBSERVERS is not tempo_http.REQUEST_OBSERVERS
    assert loki_transport.REQUEST_OBSERVERS is loki_transport.TIMER.observers
    assert tempo_http.REQUEST_OBSERVERS is tempo_http.TIMER.observers
