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

from logs.loki_errors import LokiError, LokiServerError, LokiTimeout, LokiUnavailable
from logs.loki_types import Direction, LogLine, Stats, StreamsResult

logger = logging.getLogger("logs.loki")
MAX_LIMIT = 5000
DEFAULT_PAGE_LIMIT = 1000

Fetch = Callable[[int, int, int], StreamsResult]
"""(start_ns, end_ns, limit) → one page of Loki's answer for a fixed query and direction."""

_Key = tuple[int, frozenset[tuple[str, str]], str]


@dataclass(frozen=True)
class Page:
    lines: list[LogLine]
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
    if not 0 < page_limit <= max_limit:
        raise ValueError(f"page_limit must be in 1..{max_limit}")
    size = AdaptiveLimit(page_limit, min_limit)
    start, end = start_ns, end_ns
    edge: int | None = None
    seen: set[_Key] = set()
    grown: int | None = None
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
        lines = result.lines(direction)
        fresh = [line for line in lines if line.ts != edge or _key(line) not in seen]
        if fresh:
            yield Page(fresh, limit, result.stats)
        if len(lines) < limit:
            return
        last = lines[-1].ts
        if last != edge:
            edge, seen = last, set()
        seen.update(_key(line) for line in lines if line.ts == last)
        start, end = (start, last + 1) if direction == "backward" else (last, end)
        grown = None
        if lines[0].ts == last:
            if limit < max_limit:
                grown = min(limit * 2, max_limit)
            else:
                start, end = _skip(last, start, end, direction, f"over {limit} share it", label)
                edge, seen = None, set()


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


def _key(line: LogLine) -> _Key:
    return line.ts, frozenset(line.labels.items()), line.line
