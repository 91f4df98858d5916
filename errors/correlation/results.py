"""The explorer's two reads: a page of results (newest first, then older) and a tail tick.

A tail tick reads forward from its cursor to a little before now (late lines get a moment to
arrive), at most `TAIL_LINES` a tick; the browser polls and the server ends the tail when its
deadline passes, so neither rate nor duration is up to the page.
"""

import time
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial

from errors.correlation.explorer import Search
from errors.correlation.lines import ShownLine, common_labels, show
from errors.correlation.problems import Problem, problem
from errors.correlation.sources import loki_deadline
from logs.context import Cursor, bounded, read_side
from logs.loki import LokiError

PAGE_LINES = 100
TAIL_LINES = 100
TAIL_EVERY_SECONDS = 2
TAIL_SECONDS = 300
TAIL_DELAY_NS = 2 * 1_000_000_000
TAIL_BACKFILL_NS = 10 * 1_000_000_000


@dataclass
class Results:
    lines: list[ShownLine] = field(default_factory=list)
    cursor: Cursor | None = None
    bytes_processed: int = 0
    lines_processed: int = 0
    problem: Problem | None = None
    lagging: bool = False


def read_page(search: Search, after: Cursor | None, zone: tzinfo) -> Results:
    """`PAGE_LINES` lines, newest first, older than `after`."""
    try:
        with search.target.client() as client:
            read = partial(
                read_side, client, search.query, start_ns=search.start_ns,
                end_ns=search.end_ns, direction="backward", limit=PAGE_LINES, after=after,
            )  # fmt: skip
            side = bounded(loki_deadline(), read)[0]
    except (LokiError, UnicodeDecodeError) as failure:
        return Results(problem=problem(failure), cursor=after)
    shared = common_labels(side.lines)
    lines = [show(line, zone, anchor_labels=shared) for line in reversed(side.lines)]
    return Results(lines, side.cursor, side.bytes_processed, side.lines_processed)


def tail_start() -> Cursor:
    return Cursor(time.time_ns() - TAIL_BACKFILL_NS)


def read_tail(search: Search, after: Cursor, zone: tzinfo) -> Results:
    """The lines that arrived since `after`, oldest first; the cursor moves past them."""
    end_ns = time.time_ns() - TAIL_DELAY_NS
    if end_ns <= after.ts:
        return Results(cursor=after)
    try:
        with search.target.client() as client:
            read = partial(
                read_side, client, search.query, start_ns=after.ts, end_ns=end_ns,
                direction="forward", limit=TAIL_LINES, after=after,
            )  # fmt: skip
            side = bounded(loki_deadline(), read)[0]
    except (LokiError, UnicodeDecodeError) as failure:
        return Results(problem=problem(failure), cursor=after)
    lagging = side.cursor is not None
    cursor = side.cursor if side.cursor is not None else Cursor(end_ns)
    lines = [show(line, zone) for line in side.lines]
    return Results(lines, cursor, side.bytes_processed, side.lines_processed, lagging=lagging)
