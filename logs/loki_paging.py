"""Walk any time range page by page, forward or backward, losing and repeating nothing.

Loki's window is [start, end) and `limit` counts entries over all streams, so a page can end in
the middle of a run of entries sharing one nanosecond. The next page therefore starts AT the
boundary timestamp again (backward: end = oldest + 1 ns; forward: start = newest) and entries at
that timestamp already yielded are skipped by (ts, stream labels, line), which Loki keeps unique
within a stream. When a whole page is one timestamp, the limit is doubled for that step (up to
Loki's maximum); past that the rest of the timestamp is skipped with a warning.

Page size adapts: a 5xx or timeout (typically Loki's 4 MB gRPC limit between its frontend and
querier, which `| json` makes easy to hit as every line becomes its own stream) halves the limit
and the page is asked again; successes grow it back 25% at a time. Callers that only need the
lines should leave `| json` out of the query and parse the JSON in Python.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter

from logs.loki_errors import LokiError, LokiServerError, LokiTimeout, LokiUnavailable
from logs.loki_types import Direction, Entry, LogLine, Stats, Stream, StreamsResult

logger = logging.getLogger("logs.loki")
MAX_LIMIT = 5000
DEFAULT_PAGE_LIMIT = 1000

Fetch = Callable[[int, int, int], StreamsResult]
"""(start_ns, end_ns, limit) → one page of Loki's answer for a fixed query and direction."""

_Key = tuple[int, frozenset[tuple[str, str]], str]
_entry_ts: Callable[[Entry], int] = attrgetter("ts")


@dataclass(frozen=True)
class Page:
    lines: list[LogLine]
    limit: int
    stats: Stats


@dataclass(frozen=True)
class StreamPage:
    """A page's new entries as Loki grouped them: each stream in `direction` order, no merge."""

    streams: list[Stream]
    limit: int
    stats: Stats


class AdaptiveLimit:
    """Halve after a failure that smells of page size; grow back 25% per success to the target."""

    def __init__(self, target: int, floor: int) -> None:
        self.target = target
        self.floor = min(floor, target)
        self.current = target

    def shrink(self) -> bool:
        if self.current <= self.floor:
            return False
        self.current = max(self.floor, self.current // 2)
        return True

    def grow(self) -> None:
        self.current = min(self.target, self.current + max(1, self.current // 4))


def iter_pages(
    fetch: Fetch,
    *,
    start_ns: int,
    end_ns: int,
    direction: Direction = "backward",
    page_limit: int = DEFAULT_PAGE_LIMIT,
    max_limit: int = MAX_LIMIT,
    min_limit: int = 10,
    label: str = "",
) -> Iterator[Page]:
    """Pages of new lines, each in `direction` order; `label` names the query in warnings."""
    for page in iter_stream_pages(
        fetch,
        start_ns=start_ns,
        end_ns=end_ns,
        direction=direction,
        page_limit=page_limit,
        max_limit=max_limit,
        min_limit=min_limit,
        label=label,
    ):
        lines = StreamsResult(page.streams).lines(direction)
        yield Page(lines, page.limit, page.stats)


def iter_stream_pages(
    fetch: Fetch,
    *,
    start_ns: int,
    end_ns: int,
    direction: Direction = "backward",
    page_limit: int = DEFAULT_PAGE_LIMIT,
    max_limit: int = MAX_LIMIT,
    min_limit: int = 10,
    label: str = "",
) -> Iterator[StreamPage]:
    """`iter_pages` without the merge: each page's new entries left in Loki's streams.

    Callers that do not need one time order across streams (counting, aggregating) skip building
    and sorting a `LogLine` per entry. The walk and its boundary rule are the same.
    """
    if not 0 < page_limit <= max_limit:
        raise ValueError(f"page_limit must be in 1..{max_limit}")
    size = AdaptiveLimit(page_limit, min_limit)
    start, end = start_ns, end_ns
    edge: int | None = None
    seen: set[_Key] = set()
    grown: int | None = None
    newest = max if direction == "forward" else min
    oldest = min if direction == "forward" else max
    while start < end:
        limit = grown or size.current
        try:
            result = fetch(start, end, limit)
        except LokiError as error:
            if not _size_related(error):
                raise
            if grown is None and size.shrink():
                logger.warning("Loki page of %d failed (%s); asking %d", limit, error, size.current)
                continue
            if grown is None or edge is None:
                raise
            start, end = _skip(edge, start, end, direction, f"a page of {limit} failed", label)
            grown, edge, seen = None, None, set()
            continue
        if grown is None:
            size.grow()
        streams = [stream for stream in result.streams if stream.entries]
        stamps = [list(map(_entry_ts, stream.entries)) for stream in streams]
        count = sum(map(len, stamps))
        fresh = [_unseen(s, ts, edge, seen) for s, ts in zip(streams, stamps, strict=True)]
        fresh = [stream for stream in fresh if stream.entries]
        if fresh:
            yield StreamPage(fresh, limit, result.stats)
        if count < limit:
            return
        last = newest(map(newest, stamps))
        if last != edge:
            edge, seen = last, set()
        for stream, ts in zip(streams, stamps, strict=True):
            if last in ts:
                labels = frozenset(stream.labels.items())
                seen.update((last, labels, e.line) for e in stream.entries if e.ts == last)
        start, end = (start, last + 1) if direction == "backward" else (last, end)
        grown = None
        if oldest(map(oldest, stamps)) == last:
            if limit < max_limit:
                grown = min(limit * 2, max_limit)
            else:
                start, end = _skip(last, start, end, direction, f"over {limit} share it", label)
                edge, seen = None, set()


def _unseen(stream: Stream, stamps: list[int], edge: int | None, seen: set[_Key]) -> Stream:
    """The stream without the entries at the boundary timestamp that were yielded already."""
    if edge is None or not seen or edge not in stamps:
        return stream
    labels = frozenset(stream.labels.items())
    entries = [e for e in stream.entries if e.ts != edge or (edge, labels, e.line) not in seen]
    return Stream(stream.labels, entries)


def _skip(
    ts: int, start: int, end: int, direction: Direction, why: str, label: str
) -> tuple[int, int]:
    """The window without timestamp `ts`, when its entries cannot all be fetched."""
    logger.warning(
        "Loki entries at %d ns for %s cannot all be read (%s); skipping the rest of that ns",
        ts,
        label or "a query",
        why,
    )
    return (start, ts) if direction == "backward" else (ts + 1, end)


def _size_related(error: LokiError) -> bool:
    """Timeouts and 5xx answers; not a refused connection (a smaller page would not help)."""
    if isinstance(error, LokiTimeout | LokiServerError):
        return True
    return isinstance(error, LokiUnavailable) and error.status is not None
