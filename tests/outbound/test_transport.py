"""The transport base over a real socket: headers, retries within the budget, failures mapped."""

import logging
import socket
from collections.abc import Iterator
from dataclasses import replace

import pytest

from outbound.observe import RequestTimer
from outbound.profile import Profile
from outbound.secrets import BearerToken
from outbound.source import Source
from outbound.transport import HttpTransport
from tests.outbound.toy import (
    TOY,
    Broken,
    RateLimited,
    Timeout,
    ToyError,
    ToySecret,
    Unavailable,
    toy_error_for_status,
)
from tests.stubs.server import Reply, Request, StubServer

FAST = Profile("test", 0.5, 0.5, 2.0, attempts=3, backoff_base=0.001, backoff_max=0.005)


class ToyTransport(HttpTransport[ToyError]):
    errors = TOY
    status_error = staticmethod(toy_error_for_status)
    user_agent = "toy/1"
    logger = logging.getLogger("tests.toy")
    timer = RequestTimer(())
    default_headers = {"Accept": "application/json"}


class Breaker:
    def __init__(self, open_: bool = False) -> None:
        self.open = open_
        self.events: list[str] = []

    def check(self, url: str) -> None:
        if self.open:
            raise Unavailable(f"{url} is resting")

    def record_failure(self) -> None:
        self.events.append("failure")

    def record_success(self) -> None:
        self.events.append("success")


def transient(error: ToyError) -> bool:
    return error.transient


def replies(*answers: Reply) -> Iterator[Reply]:
    yield from answers
    while True:
        yield Reply(200, "ok")


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def toy(stub_server: StubServer, sleeps: list[float]) -> Iterator[ToyTransport]:
    transport = ToyTransport(Source(stub_server.url), FAST, True, sleep=sleeps.append)
    yield transport
    transport.close()


def serve(stub: StubServer, *answers: Reply) -> None:
    queue = replies(*answers)
    stub.route("GET", "/api/x", lambda request: next(queue))


def test_tenant_auth_and_headers_come_from_the_source(
    stub_server: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOY_TOKEN", "s3cret")
    source = Source(stub_server.url, tenant="team-a", auth=BearerToken(ToySecret(env="TOY_TOKEN")))
    serve(stub_server)
    transport = ToyTransport(source, FAST, True)
    answer = transport.send("GET", "/api/x", params={"q": "1"}, retryable=transient)
    transport.close()
    assert (answer.status, answer.body) == (200, b"ok")
    request: Request = stub_server.requests[0]
    assert request.params == {"q": ["1"]}
    assert request.headers["x-scope-orgid"] == "team-a"
    assert request.headers["authorization"] == "Bearer s3cret"
    assert request.headers["user-agent"] == "toy/1"
    assert request.headers["accept"] == "application/json"


def test_transient_failures_are_retried_with_back_off(
    toy: ToyTransport, stub_server: StubServer, sleeps: list[float]
) -> None:
    serve(stub_server, Reply(503, "down"), Reply(502, "down"))
    assert toy.send("GET", "/api/x", retryable=transient).status == 200
    assert len(stub_server.requests) == 3 and len(sleeps) == 2
    assert all(0.0005 <= delay <= 0.005 for delay in sleeps)


def test_retry_after_is_a_floor_and_the_budget_a_ceiling(
    toy: ToyTransport, stub_server: StubServer, sleeps: list[float]
) -> None:
    serve(stub_server, Reply(429, "slow down", headers={"Retry-After": "1"}))
    assert toy.send("GET", "/api/x", retryable=transient).status == 200
    assert sleeps == [1.0]
    serve(stub_server, Reply(429, "slow down", headers={"Retry-After": "30"}))
    with pytest.raises(RateLimited) as caught:
        toy.send("GET", "/api/x", retryable=transient)
    assert caught.value.retry_after == 30.0 and sleeps == [1.0]


def test_permanent_failures_and_refused_retries_stop_at_once(
    toy: ToyTransport, stub_server: StubServer
) -> None:
    serve(stub_server, Reply(500, "boom"))
    with pytest.raises(Broken, match="boom"):
        toy.send("GET", "/api/x", retryable=transient)
    serve(stub_server, Reply(503, "down"))
    with pytest.raises(Unavailable, match="down"):
        toy.send("GET", "/api/x", retryable=lambda error: False)
    assert len(stub_server.requests) == 2


def test_allowed_statuses_are_answers(toy: ToyTransport, stub_server: StubServer) -> None:
    serve(stub_server, Reply(404, "no such thing"))
    answer = toy.send("GET", "/api/x", retryable=transient, allow=(404,))
    assert (answer.status, answer.body) == (404, b"no such thing")


def test_a_slow_back_end_is_a_timeout(stub_server: StubServer) -> None:
    serve(stub_server, Reply(200, "late", delay=1.0))
    once = replace(FAST, attempts=1, read_timeout=0.2)
    breaker = Breaker()
    transport = ToyTransport(Source(stub_server.url), once, True)
    transport.breaker = breaker
    with pytest.raises(Timeout, match="Toy did not answer in time"):
        transport.send("GET", "/api/x", retryable=transient)
    transport.close()
    assert breaker.events == ["failure"]


def test_an_unreachable_back_end_counts_against_the_breaker() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    breaker = Breaker()
    transport = ToyTransport(Source(url), replace(FAST, attempts=1), True)
    transport.breaker = breaker
    with pytest.raises(Unavailable, match="cannot reach Toy"):
        transport.send("GET", "/api/x", retryable=transient)
    breaker.open = True
    with pytest.raises(Unavailable, match="is resting"):
        transport.send("GET", "/api/x", retryable=transient)
    transport.close()
    assert breaker.events == ["failure"]
