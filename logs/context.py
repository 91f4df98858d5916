"""The lines around a moment in Loki: before and after it, in nanosecond order, resumable.

An error's neighbours are mostly info and warn lines, which the recommended Promtail setup puts
in sibling streams (`level` is a label), so "same stream" drops `level` and `detected_level`
from the selector. Queries stay in Loki's fast order (matchers, line filters, no parser) and
the two sides run at once, one thread each. A side stops after `limit` lines and hands back a
`Cursor`: the last timestamp shown and which lines at it were shown, so "load more" neither
repeats nor loses a line when several share one nanosecond.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from urllib.parse import quote, urlencode

from logs.logql import LogQuery, Selector
from logs.loki import LokiClient, LokiTimeout
from logs.loki_types import Direction, LogLine

CONTEXT_LABELS = ("level", "detected_level")
DEFAULT_LINES = 50
MAX_LINES = 500
PAGE_LIMIT = 1000
NS_PER_MS = 1_000_000


def stream_selector(labels: Mapping[str, str]) -> Selector:
    """The application's stream: its labels without the level ones (ValueError if none left)."""
    return Selector.from_labels(labels).without_labels(*CONTEXT_LABELS)


def context_query(
    labels: Mapping[str, str],
    *,
    base: Selector | None = None,
    trace_id: str = "",
    texts: Iterable[str] = (),
) -> LogQuery:
    """Same stream; or, given a trace id, the trace's lines in every stream of `base`.

    `texts` (a user, a tenant) narrow either to lines that contain each of them.
    """
    if trace_id:
        selector = (base or stream_selector(labels)).without_labels(*CONTEXT_LABELS)
        query = LogQuery(selector).contains(trace_id)
    else:
        query = LogQuery(stream_selector(labels))
    for text in texts:
        query = query.contains(text)
    return query


def line_key(line: LogLine) -> str:
    """A short stable name for one entry (stream labels and text), unique enough in one ns."""
    labels = json.dumps(sorted(line.labels.items()), separators=(",", ":"))
    digest = hashlib.blake2b(f"{labels}\n{line.line}".encode(errors="replace"), digest_size=5)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a side stopped: the last timestamp shown and the keys of lines shown at it."""

    ts: int
    seen: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return ".".join((str(self.ts), *sorted(self.seen)))

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        ts, *seen = text.split(".")
        if not ts.isdigit() or len(seen) > MAX_LINES or not all(_hex(key) for key in seen):
            raise ValueError(f"not a log cursor: {text[:80]!r}")
        return cls(int(ts), frozenset(seen))


def _hex(key: str) -> bool:
    return len(key) == 10 and all(char in "0123456789abcdef" for char in key)


@dataclass(frozen=True, slots=True)
class Side:
    """Lines of one direction in time order (oldest first); `cursor` is None at the range's end."""

    lines: list[LogLine]
    cursor: Cursor | None
    bytes_processed: int = 0
    lines_processed: int = 0


def read_side(
    client: LokiClient,
    query: str,
    *,
    start_ns: int,
    end_ns: int,
    direction: Direction,
    limit: int = DEFAULT_LINES,
    after: Cursor | None = None,
) -> Side:
    """Up to `limit` lines of [start_ns, end_ns) walking away from the anchor, past `after`."""
    if not 0 < limit <= MAX_LINES:
        raise ValueError(f"limit must be in 1..{MAX_LINES}")
    skip: frozenset[str] = frozenset()
    if after is not None:
        skip = after.seen
        if direction == "backward":
            end_ns = after.ts + 1
        else:
            start_ns = after.ts
    kept: list[LogLine] = []
    more, scanned, lines = False, 0, 0
    page_limit = min(limit + 1 + len(skip), PAGE_LIMIT)
    pages = client.pages(
        query,
        start_ns=start_ns,
        end_ns=end_ns,
        direction=direction,
        page_limit=page_limit,
        categorize_labels=True,
    )
    for page in pages:
        scanned += page.stats.summary.bytes_processed
        lines += page.stats.summary.lines_processed
        fresh = (
            line
            for line in page.lines
            if after is None or line.ts != after.ts or line_key(line) not in skip
        )
        kept.extend(islice(fresh, limit + 1 - len(kept)))
        if len(kept) > limit:
            more = True
            break
    kept = kept[:limit]
    cursor = cursor_after(kept, after) if more else None
    ordered = kept[::-1] if direction == "backward" else kept
    return Side(ordered, cursor, scanned, lines)


def cursor_after(kept: list[LogLine], after: Cursor | None) -> Cursor | None:
    """Past the last of `kept` (in walk order), remembering every line shown at its timestamp."""
    if not kept:
        return after
    last = kept[-1].ts
    seen = {line_key(line) for line in kept if line.ts == last}
    if after is not None and after.ts == last:
        seen |= after.seen
    return Cursor(last, frozenset(seen))


def merge_lines(*runs: Iterable[LogLine]) -> list[LogLine]:
    """Several runs as one in nanosecond order; an entry seen twice shows once.

    Lines of one nanosecond are ordered by stream labels, and keep their order within a stream
    (Loki's push order), so both sides of an anchor and every page read the same way.
    """
    streams: dict[int, str] = {}

    def order(line: LogLine) -> tuple[int, str]:
        key = streams.get(id(line.labels))
        if key is None:
            key = streams[id(line.labels)] = json.dumps(sorted(line.labels.items()))
        return line.ts, key

    merged: list[LogLine] = []
    seen: set[tuple[int, str, str]] = set()
    for line in sorted(chain.from_iterable(runs), key=order):
        entry = (*order(line), line.line)
        if entry not in seen:
            seen.add(entry)
            merged.append(line)
    return merged


@dataclass(frozen=True, slots=True)
class Context:
    """The lines around `anchor_ns` and everything needed to show and reproduce them."""

    query: str
    anchor_ns: int
    start_ns: int
    end_ns: int
    lines: list[LogLine]
    before: Cursor | None
    after: Cursor | None
    bytes_processed: int = 0
    lines_processed: int = 0


def read_context(
    client: LokiClient,
    query: LogQuery | str,
    *,
    anchor_ns: int,
    window_ns: int,
    before: int = DEFAULT_LINES,
    after: int = DEFAULT_LINES,
    deadline: float | None = None,
) -> Context:
    """`before` lines up to and including the anchor's nanosecond, `after` lines past it.

    The window is [anchor - window, anchor + window); both sides run concurrently, and
    together get at most `deadline` seconds.
    """
    text = str(query)
    start, end = anchor_ns - window_ns, anchor_ns + window_ns
    back, ahead = bounded(
        deadline,
        partial(read_side, client, text, start_ns=start, end_ns=anchor_ns + 1,
                direction="backward", limit=before),
        partial(read_side, client, text, start_ns=anchor_ns + 1, end_ns=end,
                direction="forward", limit=after),
    )  # fmt: skip
    return Context(
        query=text,
        anchor_ns=anchor_ns,
        start_ns=start,
        end_ns=end,
        lines=merge_lines(back.lines, ahead.lines),
        before=back.cursor,
        after=ahead.cursor,
        bytes_processed=back.bytes_processed + ahead.bytes_processed,
        lines_processed=back.lines_processed + ahead.lines_processed,
    )


def bounded[T](deadline: float | None, *calls: Callable[[], T]) -> list[T]:
    """Run `calls` at once, one thread each; their results in order, or the first failure.

    A page retried at smaller sizes can take several of the client's time budgets; a page in
    a browser cannot wait that long, so past `deadline` seconds this gives up with LokiTimeout
    (the threads finish on their own, against their own budgets).
    """
    pool = ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="loki-context")
    try:
        futures = [pool.submit(call) for call in calls]
        done, late = wait(futures, timeout=deadline, return_when=FIRST_EXCEPTION)
        for future in done:
            failure = future.exception()
            if failure is not None:
                raise failure
        if late:
            raise LokiTimeout(f"Loki did not answer within {deadline:g} s")
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True, slots=True)
class GrafanaLoki:
    """A Grafana with a Loki datasource, for "Open in Grafana Explore"."""

    base_url: str
    datasource_uid: str
    org_id: int = 1


def explore_logs_url(grafana: GrafanaLoki, query: str, *, start_ns: int, end_ns: int) -> str:
    """`/explore?schemaVersion=1&orgId=…&panes=…` running `query` over [start, end] in ms."""
    uid = grafana.datasource_uid
    target = {"refId": "A", "expr": query, "datasource": {"type": "loki", "uid": uid}}
    window = {"from": str(start_ns // NS_PER_MS), "to": str(-(-end_ns // NS_PER_MS))}
    pane = {"a": {"datasource": uid, "queries": [target], "range": window}}
    params = {
        "schemaVersion": "1",
        "orgId": str(grafana.org_id),
        "panes": json.dumps(pane, separators=(",", ":")),
    }
    return f"{grafana.base_url.rstrip('/')}/explore?{urlencode(params, quote_via=quote)}"
