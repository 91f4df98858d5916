"""Each way Tempo fails, through the stub on a real socket: classified, retried or not."""

import socket
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.stubs.server import Reply
from tests.stubs.tempo import ERROR_TRACE_ID, TempoStub
from traces.tempo import TempoClient
from traces.tempo_config import WEB, Profile, TempoSource
from traces.tempo_errors import (
    TempoAuthError,
    TempoRateLimited,
    TempoServerError,
    TempoTimeout,
    TempoUnavailable,
)


@pytest.mark.parametrize("status", [502, 503, 504, 429])
def test_transient_failures_are_retried(
    status: int, tempo: TempoClient, tempo_stub: TempoStub
) -> None:
    tempo_stub.fail(status, times=2)
    assert len(tempo.get_trace(ERROR_TRACE_ID).spans) == 5
    assert len(tempo_stub.requests) == 3


def test_retries_stop_after_the_profiles_attempts(
    tempo: TempoClient, tempo_stub: TempoStub
) -> None:
    tempo_stub.fail(503, times=10, body="Service Unavailable")
    with pytest.raises(TempoUnavailable) as caught:
        tempo.get_trace(ERROR_TRACE_ID)
    assert (caught.value.status, caught.value.message) == (503, "Service Unavailable")
    assert caught.value.transient
    assert len(tempo_stub.requests) == 3


def test_retry_after_is_a_floor_on_the_wait(
    tempo_source: TempoSource, tempo_profile: Profile, tempo_stub: TempoStub
) -> None:
    tempo_stub.fail(429, headers={"Retry-After": "1"}, body="too many outstanding requests")
    started = time.monotonic()
    with TempoClient(tempo_source, tempo_profile) as client:
        assert len(client.get_trace(ERROR_TRACE_ID).spans) == 5
    assert time.monotonic() - started >= 1.0
    assert len(tempo_stub.requests) == 2


def test_retry_after_beyond_the_budget_gives_up_at_once(
    tempo: TempoClient, tempo_stub: TempoStub
) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    tempo_stub.fail(429, times=3, headers={"Retry-After": later})
    with pytest.raises(TempoRateLimited) as caught:
        tempo.get_trace(ERROR_TRACE_ID)
    assert isinstance(caught.value, TempoUnavailable)
    assert caught.value.retry_after == pytest.approx(30, abs=2)
    assert len(tempo_stub.requests) == 1


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_are_permanent(
    status: int, tempo: TempoClient, tempo_stub: TempoStub
) -> None:
    tempo_stub.fail(status, body="Unauthorized")
    with pytest.raises(TempoAuthError) as caught:
        tempo.get_trace(ERROR_TRACE_ID)
    assert caught.value.status == status
    assert not caught.value.transient
    assert len(tempo_stub.requests) == 1


def test_other_server_errors_are_reported_not_retried(
    tempo: TempoClient, tempo_stub: TempoStub
) -> None:
    tempo_stub.fail(500, body="rpc error: code = Internal")
    with pytest.raises(TempoServerError) as caught:
        tempo.get_trace(ERROR_TRACE_ID)
    assert (caught.value.status, caught.value.message) == (500, "rpc error: code = Internal")
    assert caught.value.path == f"/api/v2/traces/{ERROR_TRACE_ID}"
    assert len(tempo_stub.requests) == 1


def test_nothing_listening_is_unavailable(tempo_profile: Profile) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = TempoSource(base_url=f"http://127.0.0.1:{port}")
    with TempoClient(source, tempo_profile) as client, pytest.raises(TempoUnavailable) as caught:
        client.get_trace(ERROR_TRACE_ID)
    assert "cannot reach Tempo" in caught.value.message
    assert type(caught.value) is TempoUnavailable


def test_slow_tempo_times_out_and_is_not_asked_again(
    tempo_source: TempoSource, tempo_profile: Profile, tempo_stub: TempoStub
) -> None:
    tempo_stub.delay = 1.0
    started = time.monotonic()
    source = replace(tempo_source, read_timeout=0.2)
    with TempoClient(source, tempo_profile) as client, pytest.raises(TempoTimeout) as caught:
        client.get_trace(ERROR_TRACE_ID)
    assert time.monotonic() - started < 0.6
    assert caught.value.transient
    assert len(tempo_stub.requests) == 1


def test_the_total_budget_bounds_a_slow_reply(
    tempo_source: TempoSource, tempo_profile: Profile, tempo_stub: TempoStub
) -> None:
    tempo_stub.answer_next(Reply(200, "late", delay=1.0))
    budget = replace(tempo_profile, read_timeout=5.0, total_timeout=0.3)
    started = time.monotonic()
    with TempoClient(tempo_source, budget) as client, pytest.raises(TempoTimeout):
        client.get_trace(ERROR_TRACE_ID)
    assert time.monotonic() - started < 0.6


def test_web_profile_stays_within_five_seconds() -> None:
    assert WEB.total_timeout <= 5
    assert WEB.connect_timeout + WEB.read_timeout <= WEB.total_timeout
