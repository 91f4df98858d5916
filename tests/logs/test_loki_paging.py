"""Paging over the store-backed stub: every entry exactly once, both directions, any boundary."""

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from logs.loki import LokiClient, LokiQueryError, LokiSource, Profile
from logs.loki_types import LogLine

if TYPE_CHECKING:
    from tests.stubs.loki import LokiStub


FAST = Profile("test", 1.0, 5.0, 20.0, attempts=3, backoff_base=0.001, backoff_max=0.01)
T0 = 1_795_800_000_000_000_000
QUERY = '{job=~"app|worker"}'
RANGE = "/loki/api/v1/query_range"
STREAMS = [
    {"job": "app", "level": "error"},
    {"job": "app", "level": "info"},
    {"job": "worker", "level": "error"},
]
Key = tuple[int, tuple[tuple[str, str], ...], str]


def key(line: LogLine) -> Key:
    labels = {k: v for k, v in line.labels.items() if k not in ("service_name", "detected_level")}
    return line.ts, tuple(sorted(labels.items())), line.line


@pytest.fixture
def client(loki_stub: "LokiStub") -> Iterator[LokiClient]:
    with LokiClient(LokiSource(loki_stub.url), FAST) as client:
        yield client


@pytest.fixture
def crowded(loki_stub: "LokiStub") -> set[Key]:
    """12,600 entries in runs of 7 per nanosecond spread over 3 streams (so equal timestamps
    within a stream and across streams), plus 1,000 entries sharing one nanosecond."""
    expected: set[Key] = set()
    per_stream: list[list[tuple[int, str]]] = [[], [], []]
    for i in range(12_600):
        ts, stream = T0 + (i // 7) * 1_000, i % 3
        per_stream[stream].append((ts, f'{{"msg":"request failed","n":{i}}}'))
    crowd_ts = T0 + 900 * 1_000 + 1
    for i in range(1_000):
        per_stream[i % 2].append((crowd_ts, f'{{"msg":"burst","n":{i}}}'))
    for labels, entries in zip(STREAMS, per_stream, strict=True):
        loki_stub.push(labels, entries)
        expected |= {(ts, tuple(sorted(labels.items())), line) for ts, line in entries}
    return expected


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_every_entry_exactly_once(
    direction: str, crowded: set[Key], client: LokiClient, loki_stub: "LokiStub"
) -> None:
    lines = list(
        client.iterate(QUERY, start_ns=T0, end_ns=T0 + 10**12, direction=direction, page_limit=250)  # type: ignore[arg-type]
    )
    keys = [key(line) for line in lines]
    assert len(keys) == len(set(keys)) == len(crowded) == 13_600
    assert set(keys) == crowded
    stamps = [line.ts for line in lines]
    assert stamps == sorted(stamps, reverse=direction == "backward")
    limits = [int(r.params["limit"][0]) for r in loki_stub.requests_to(RANGE)]
    assert max(limits) > 1_000, "the 1,000-entry nanosecond needed a grown page"
    assert len(limits) < 80


def test_window_is_start_inclusive_end_exclusive(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.push({"job": "app"}, [(T0 + i, f"line {i}") for i in range(10)])
    for direction in ("backward", "forward"):
        got = [line.line for line in client.iterate(
            '{job="app"}', start_ns=T0 + 2, end_ns=T0 + 7, direction=direction, page_limit=2  # type: ignore[arg-type]
        )]  # fmt: skip
        assert sorted(got) == [f"line {i}" for i in range(2, 7)]


def test_more_at_one_nanosecond_than_loki_allows_is_skipped_with_warning(
    loki_stub: "LokiStub", client: LokiClient, caplog: pytest.LogCaptureFixture
) -> None:
    loki_stub.push({"job": "app"}, [(T0 + 5, f"same {i}") for i in range(40)])
    loki_stub.push({"job": "app"}, [(T0 + 1, "before"), (T0 + 9, "after")])
    with caplog.at_level(logging.WARNING, logger="logs.loki"):
        pages = list(
            client.pages('{job="app"}', start_ns=T0, end_ns=T0 + 10, page_limit=10, max_limit=20)
        )
    lines = [line.line for page in pages for line in page.lines]
    assert lines[0] == "after" and lines[-1] == "before"
    assert len(lines) == len(set(lines)) == 2 + 20
    assert "cannot all be read" in caplog.text and str(T0 + 5) in caplog.text


def test_page_halves_after_504_and_grows_back(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.push({"job": "app"}, [(T0 + i, f"line {i}") for i in range(1_000)])
    loki_stub.fail_next(504, "", times=2, path=RANGE)
    lines = list(client.iterate('{job="app"}', start_ns=T0, end_ns=T0 + 10**6, page_limit=400))
    assert len({line.line for line in lines}) == len(lines) == 1_000
    limits = [int(r.params["limit"][0]) for r in loki_stub.requests_to(RANGE)]
    assert limits[:4] == [400, 200, 100, 125]
    assert max(limits[4:]) <= 400


def test_grpc_message_too_large_halves_the_page(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.push({"job": "app"}, [(T0 + i, f"line {i}") for i in range(50)])
    too_large = "rpc error: code = ResourceExhausted desc = grpc: received message larger than max"
    loki_stub.fail_next(500, f"{too_large} (5242880 vs. 4194304)", path=RANGE)
    lines = list(client.iterate('{job="app"}', start_ns=T0, end_ns=T0 + 100, page_limit=40))
    assert len(lines) == 50
    assert [int(r.params["limit"][0]) for r in loki_stub.requests_to(RANGE)][:2] == [40, 20]


def test_a_400_stops_paging_at_once(loki_stub: "LokiStub", client: LokiClient) -> None:
    with pytest.raises(LokiQueryError, match="parse error"):
        list(client.iterate('{job="app"', start_ns=T0, end_ns=T0 + 100))
    assert len(loki_stub.requests_to(RANGE)) == 1


def test_pages_carry_loki_stats(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.push({"job": "app"}, [(T0 + i, "x" * 10) for i in range(30)])
    pages = list(client.pages('{job="app"}', start_ns=T0, end_ns=T0 + 100, page_limit=20))
    assert [len(p.lines) for p in pages] == [20, 10]
    assert pages[0].stats.summary.lines_processed >= 20
    assert pages[0].stats.summary.entries_returned == 20
