"""`stream_pages`: the walk of `pages`, entries left in their streams, none lost or repeated."""

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from logs.loki import LokiClient, LokiSource, Profile
from logs.loki_paging import StreamPage, iter_stream_pages
from logs.loki_types import Direction, Entry, Stream, StreamsResult

if TYPE_CHECKING:
    from tests.stubs.loki import LokiStub


FAST = Profile("test", 1.0, 5.0, 20.0, attempts=3, backoff_base=0.001, backoff_max=0.01)
T0 = 1_795_800_000_000_000_000
QUERY = '{job=~"app|worker"}'
STREAMS = [
    {"job": "app", "level": "error"},
    {"job": "app", "level": "info"},
    {"job": "worker", "level": "error"},
]
Key = tuple[int, tuple[tuple[str, str], ...], str]
DIRECTIONS: list[Direction] = ["backward", "forward"]


def keys(pages: list[StreamPage]) -> list[Key]:
    return [
        (entry.ts, tuple(sorted(stream.labels.items())), entry.line)
        for page in pages
        for stream in page.streams
        for entry in stream.entries
    ]


@pytest.fixture
def client(loki_stub: "LokiStub") -> Iterator[LokiClient]:
    with LokiClient(LokiSource(loki_stub.url), FAST) as client:
        yield client


@pytest.fixture
def crowded(loki_stub: "LokiStub") -> None:
    """3,000 entries in runs of 7 per nanosecond over 3 streams, and 600 sharing one nanosecond."""
    per_stream: list[list[tuple[int, str]]] = [[], [], []]
    for i in range(3_000):
        per_stream[i % 3].append((T0 + (i // 7) * 1_000, f'{{"msg":"failed","n":{i}}}'))
    for i in range(600):
        per_stream[i % 2].append((T0 + 200 * 1_000 + 1, f'{{"msg":"burst","n":{i}}}'))
    for labels, entries in zip(STREAMS, per_stream, strict=True):
        loki_stub.push(labels, entries)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_stream_pages_hold_what_pages_hold(
    direction: Direction, crowded: None, client: LokiClient
) -> None:
    span = {"start_ns": T0, "end_ns": T0 + 10**12, "direction": direction, "page_limit": 100}
    streamed = list(client.stream_pages(QUERY, **span))  # type: ignore[arg-type]
    merged = list(client.pages(QUERY, **span))  # type: ignore[arg-type]
    got = keys(streamed)
    assert len(got) == len(set(got)) == 3_600
    expected = [
        (line.ts, tuple(sorted(line.labels.items())), line.line)
        for page in merged
        for line in page.lines
    ]
    assert sorted(got) == sorted(expected)
    assert [len(keys([page])) for page in streamed] == [len(page.lines) for page in merged]
    for page in streamed:
        for stream in page.streams:
            stamps = [entry.ts for entry in stream.entries]
            assert stamps == sorted(stamps, reverse=direction == "backward")


def page(*streams: tuple[dict[str, str], list[tuple[int, str]]]) -> StreamsResult:
    return StreamsResult(
        [Stream(labels, [Entry(ts, line) for ts, line in entries]) for labels, entries in streams]
    )


def test_entries_at_the_boundary_are_not_repeated() -> None:
    """The second page starts at the first one's newest nanosecond, which both streams share."""
    a, b = {"job": "a"}, {"job": "b"}
    answers = iter(
        [
            page((a, [(1, "a1"), (2, "a2")]), (b, [(2, "b2")])),
            page((a, [(2, "a2"), (3, "a3")]), (b, [(2, "b2"), (2, "b2'")])),
            page((a, [(3, "a3")])),
        ]
    )
    asked: list[tuple[int, int, int]] = []

    def fetch(start: int, end: int, limit: int) -> StreamsResult:
        asked.append((start, end, limit))
        return next(answers)

    pages = list(iter_stream_pages(fetch, start_ns=0, end_ns=10, direction="forward", page_limit=3))
    lines = [[(e.ts, e.line) for s in p.streams for e in s.entries] for p in pages]
    assert lines == [[(1, "a1"), (2, "a2"), (2, "b2")], [(3, "a3"), (2, "b2'")]]
    assert [start for start, _, _ in asked] == [0, 2, 3]
