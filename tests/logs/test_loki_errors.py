"""Failures over real sockets: each status and a timeout to its exception, retries, the breaker."""

import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from logs.loki import (
    LokiAuthError,
    LokiCircuitOpen,
    LokiClient,
    LokiError,
    LokiQueryError,
    LokiRateLimited,
    LokiResponseTooLarge,
    LokiServerError,
    LokiSource,
    LokiTimeout,
    LokiUnavailable,
    Profile,
)
from logs.loki_breaker import CircuitBreaker, reset_breakers

if TYPE_CHECKING:
    from tests.stubs.loki import LokiStub


FAST = Profile("test", 0.5, 2.0, 5.0, attempts=3, backoff_base=0.001, backoff_max=0.01)
LABELS = "/loki/api/v1/labels"


@pytest.fixture(autouse=True)
def _fresh_breakers() -> Iterator[None]:
    reset_breakers()
    yield
    reset_breakers()


@pytest.fixture
def client(loki_stub: "LokiStub") -> Iterator[LokiClient]:
    with LokiClient(LokiSource(loki_stub.url), FAST) as client:
        yield client


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("status", "body", "kind", "transient"),
    [
        (400, "parse error at line 1, col 21: syntax error: unexpected |", LokiQueryError, False),
        (401, "no org id\n", LokiAuthError, False),
        (403, "forbidden", LokiAuthError, False),
        (404, "", LokiError, False),
        (429, "Ingestion rate limit exceeded", LokiRateLimited, True),
        (500, "multiple org IDs present", LokiServerError, False),
        (
            500,
            "grpc: received message larger than max (5242880 vs. 4194304)",
            LokiResponseTooLarge,
            False,
        ),
        (502, "bad gateway", LokiUnavailable, True),
        (503, "Ingester not ready", LokiUnavailable, True),
        (504, "", LokiUnavailable, True),
    ],
)
def test_status_maps_to_exception(
    status: int, body: str, kind: type[LokiError], transient: bool,
    loki_stub: "LokiStub", client: LokiClient,
) -> None:  # fmt: skip
    loki_stub.fail_next(status, body, times=10)
    with pytest.raises(LokiError) as caught:
        client.labels()
    assert type(caught.value) is kind
    assert caught.value.status == status
    assert caught.value.transient is transient
    assert caught.value.message == (body.strip() or f"HTTP {status} with an empty body")
    assert len(loki_stub.requests_to(LABELS)) == (FAST.attempts if transient else 1)


def test_read_timeout_is_lokitimeout_and_not_retried(loki_stub: "LokiStub") -> None:
    loki_stub.delay = 0.6
    profile = replace(FAST, read_timeout=0.2)
    with LokiClient(LokiSource(loki_stub.url), profile) as client, pytest.raises(LokiTimeout):
        client.labels()
    assert len(loki_stub.requests_to(LABELS)) == 1


def test_total_budget_bounds_the_whole_call(loki_stub: "LokiStub") -> None:
    """A web-like budget: a slow Loki cannot hold the caller longer than total_timeout."""
    loki_stub.delay = 2.0
    profile = replace(FAST, read_timeout=10.0, total_timeout=0.4)
    started = time.monotonic()
    with LokiClient(LokiSource(loki_stub.url), profile) as client, pytest.raises(LokiTimeout):
        client.labels()
    assert time.monotonic() - started < 0.9


def test_source_timeouts_override_the_profile(loki_stub: "LokiStub") -> None:
    loki_stub.delay = 0.5
    source = LokiSource(loki_stub.url, read_timeout=0.1)
    with LokiClient(source, FAST) as client, pytest.raises(LokiTimeout):
        client.labels()


def test_transient_failures_are_retried_then_succeed(
    loki_stub: "LokiStub", client: LokiClient
) -> None:
    loki_stub.push({"job": "app"}, [(time.time_ns() - 10**9, "x")])
    loki_stub.fail_next(503, "Ingester not ready", times=2)
    assert client.labels() == ["job", "service_name"]
    assert len(loki_stub.requests_to(LABELS)) == 3


def test_retry_after_is_honoured(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.fail_next(429, "slow down", headers={"Retry-After": "1"})
    started = time.monotonic()
    assert client.labels() == []
    assert time.monotonic() - started >= 1.0
    assert len(loki_stub.requests_to(LABELS)) == 2


def test_retry_after_beyond_the_budget_raises_at_once(
    loki_stub: "LokiStub", client: LokiClient
) -> None:
    loki_stub.fail_next(429, "slow down", headers={"Retry-After": "120"})
    with pytest.raises(LokiRateLimited) as caught:
        client.labels()
    assert caught.value.retry_after == 120
    assert len(loki_stub.requests_to(LABELS)) == 1


def test_query_error_is_not_retried_and_keeps_lokis_words(
    loki_stub: "LokiStub", client: LokiClient
) -> None:
    with pytest.raises(LokiQueryError) as caught:
        client.query_range('{job=~".*"}', start_ns=1, end_ns=10**18)
    assert "at least one regexp or equality matcher" in caught.value.message
    assert len(loki_stub.requests_to("/loki/api/v1/query_range")) == 1


def test_connection_refused_is_unavailable() -> None:
    client = LokiClient(LokiSource(closed_port_url()), FAST)
    with pytest.raises(LokiUnavailable) as caught:
        client.labels()
    assert caught.value.transient and caught.value.status is None


def test_breaker_fails_fast_while_loki_is_down() -> None:
    url = closed_port_url()
    web = replace(FAST, attempts=1, breaker_threshold=2, breaker_cooldown=0.3)
    with LokiClient(LokiSource(url), web) as client:
        for _ in range(2):
            with pytest.raises(LokiUnavailable) as refused:
                client.labels()
            assert not isinstance(refused.value, LokiCircuitOpen)
        with pytest.raises(LokiCircuitOpen):
            client.labels()
        with LokiClient(LokiSource(url), web) as other, pytest.raises(LokiCircuitOpen):
            other.labels()
        with LokiClient(LokiSource(url), replace(web, breaker_threshold=None)) as worker:
            with pytest.raises(LokiUnavailable) as tried:
                worker.labels()
            assert not isinstance(tried.value, LokiCircuitOpen)
        time.sleep(0.35)
        with pytest.raises(LokiUnavailable) as trial:
            client.labels()
        assert not isinstance(trial.value, LokiCircuitOpen)
        with pytest.raises(LokiCircuitOpen):
            client.labels()


def test_breaker_closes_after_a_success() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown=10.0, clock=lambda: now[0])
    breaker.record_failure()
    breaker.check("http://loki")
    breaker.record_failure()
    with pytest.raises(LokiCircuitOpen, match="not trying again for 10 s"):
        breaker.check("http://loki")
    now[0] = 10.5
    breaker.check("http://loki")
    breaker.record_success()
    breaker.record_failure()
    breaker.check("http://loki")
