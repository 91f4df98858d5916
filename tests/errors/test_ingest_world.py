"""The ingestion tests' small world: a source `app` on the stub Loki, lines, and what got counted.

Imported by the other test_ingest_* modules (and a few checks of its own below).
"""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from errors.ingest.cursor import epoch_ns
from errors.ingest.read import client_config
from errors.models import ErrorFilter, ErrorGroup, HourlyCount, LokiSource
from logs.loki import LokiClient, Profile
from tests.stubs.loki import LokiStub

SECOND = 1_000_000_000
STREAM = {"job": "app", "env": "dev", "level": "error"}


def line(fingerprint: str | None = "db_timeout", message: str = "boom", **extra: Any) -> str:
    fields: dict[str, Any] = {"level": "error", "message": message, **extra}
    if fingerprint is not None:
        fields["fingerprint"] = fingerprint
    return json.dumps(fields)


def make_source(url: str, **fields: Any) -> LokiSource:
    values: dict[str, Any] = {
        "name": "app",
        "url": url,
        "selector": '{job="app"}',
        "error_filter": ErrorFilter.LABEL,
    }
    return LokiSource.objects.create(**(values | fields))


def counts() -> dict[str, int]:
    return dict(ErrorGroup.objects.values_list("fingerprint", "occurrence_count"))


def hourly_totals() -> dict[str, int]:
    rows = HourlyCount.objects.values("error__fingerprint").annotate(total=Sum("count"))
    return {row["error__fingerprint"]: row["total"] for row in rows}


class Clock:
    """A fixed `now` for polls, and timestamps `seconds` before it."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def ns(self, seconds_ago: float) -> int:
        return epoch_ns(self.now) - int(seconds_ago * SECOND)

    def later(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture(name="loki_stub")
def loki_stub_fixture() -> Iterator[LokiStub]:
    stub = LokiStub()
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock()


@pytest.fixture(name="source")
def source_fixture(db: None, loki_stub: LokiStub) -> LokiSource:
    return make_source(loki_stub.url)


FIXTURES = (loki_stub_fixture, clock_fixture, source_fixture)
"""Import these into a test module (pytest finds them under their fixture names)."""


def push_burst(
    stub: LokiStub, clock: Clock, fingerprints: dict[str, int], *, seconds_ago: float = 60
) -> int:
    """`count` lines per fingerprint, spread one microsecond apart, ending `seconds_ago`."""
    entries = []
    for fp, count in fingerprints.items():
        entries += [(fp, i) for i in range(count)]
    start = clock.ns(seconds_ago) - len(entries) * 1000
    stub.push(
        STREAM, [(start + i * 1000, line(fp, f"boom {n}")) for i, (fp, n) in enumerate(entries)]
    )
    return len(entries)


def test_push_burst_lands_in_the_stub(loki_stub: LokiStub, clock: Clock) -> None:
    assert push_burst(loki_stub, clock, {"a": 2, "b": 3}) == 5
    assert sum(len(s.entries) for s in loki_stub.store().streams.values()) == 5


FAST = Profile("test", 1.0, 5.0, 5.0, attempts=2, backoff_base=0.001, backoff_max=0.01)


def fast_client(source: LokiSource) -> LokiClient:
    """The source's own client settings, with retries short enough for failure tests."""
    return LokiClient(client_config(source), FAST)
