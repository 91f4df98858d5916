"""Logs for one span: every Loki source's lines carrying the trace id and the span id.

The span's own time misses lines logged just outside it, so the window comes padded from
`traces.waterfall.span_log_window`. Sources are asked at once, one thread each, and their
lines merged in nanosecond order; a source that fails is named while the others still show.
"""

from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial

from errors.correlation.lines import ShownLine, common_labels, show
from errors.correlation.problems import Problem, problem
from errors.correlation.sources import (
    LokiTarget,
    grafana_loki,
    loki_deadline,
    loki_target,
    loki_targets,
)
from logs.context import Side, bounded, explore_logs_url, merge_lines, read_side
from logs.logql import LogQuery
from logs.loki import LokiError, LokiTimeout

LIMIT = 200
MAX_SPAN_NS = 3600 * 1_000_000_000


@dataclass
class SpanLogs:
    trace_id: str
    span_id: str
    lines: list[ShownLine] = field(default_factory=list)
    queries: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    explore_url: str = ""
    more: bool = False
    setup: bool = False


def span_query(target: LokiTarget, trace_id: str, span_id: str) -> str:
    """Line filters only (Loki's fast path); no parser, the JSON is read in Python."""
    return str(LogQuery(target.base).contains(trace_id).contains(span_id))


def span_logs(
    trace_id: str, span_id: str, start_ns: int, end_ns: int, zone: tzinfo, *, source: str = ""
) -> SpanLogs:
    end_ns = min(end_ns, start_ns + MAX_SPAN_NS)
    found = SpanLogs(trace_id, span_id)
    named = loki_target(source) if source else None
    targets = [named] if named is not None else loki_targets()
    if not targets:
        found.setup = True
        return found
    found.queries = [(t.name, span_query(t, trace_id, span_id)) for t in targets]

    def read(target: LokiTarget) -> Side | LokiError | UnicodeDecodeError:
        try:
            with target.client() as client:
                return read_side(
                    client, span_query(target, trace_id, span_id), start_ns=start_ns,
                    end_ns=end_ns, direction="forward", limit=LIMIT,
                )  # fmt: skip
        except (LokiError, UnicodeDecodeError) as failure:
            return failure

    try:
        results = bounded(loki_deadline(), *(partial(read, target) for target in targets))
    except LokiTimeout as late:
        results = [late] * len(targets)
    sides = [r for r in results if isinstance(r, Side)]
    found.problems = [
        (t.name, problem(r))
        for t, r in zip(targets, results, strict=True)
        if not isinstance(r, Side)
    ]
    found.more = any(side.cursor is not None for side in sides)
    lines = merge_lines(*(side.lines for side in sides))
    shared = common_labels(lines)
    found.lines = [show(line, zone, anchor_labels=shared) for line in lines]
    grafana = grafana_loki()
    if grafana is not None and len(found.queries) == 1:
        query = found.queries[0][1]
        found.explore_url = explore_logs_url(grafana, query, start_ns=start_ns, end_ns=end_ns)
    return found
