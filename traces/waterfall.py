"""The waterfall: a trace's spans as an indented timeline, computed once for the template.

Pure: `build_waterfall(trace)` orders spans as a tree (parent before children, siblings by
start) and places each on the trace's time axis. Spans whose parent is missing (not yet
ingested, dropped, or a parent cycle) are shown at the top level and flagged as orphans
rather than hidden: a partial trace is still worth reading.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from traces.trace_model import Attributes, ExceptionInfo, Span, SpanKind, Trace

NS_PER_MS = 1_000_000
LOG_PAD_NS = 1_000_000_000


@dataclass(frozen=True, slots=True)
class WaterfallRow:
    """One span placed on the time axis, flat for the template.

    `span` keeps everything else (events, resource); for "logs for this span" use the ids
    and `span_log_window(row)`.
    """

    span: Span
    trace_id: str
    span_id: str
    parent_span_id: str | None
    service: str
    name: str
    kind: SpanKind
    start_ns: int
    end_ns: int
    depth: int
    offset_ms: float
    duration_ms: float
    left_pct: float
    width_pct: float
    is_error: bool
    status_message: str
    exceptions: tuple[ExceptionInfo, ...]
    attributes: Attributes
    service_index: int
    orphan: bool


@dataclass(frozen=True, slots=True)
class TraceSummary:
    trace_id: str
    root_service: str
    root_name: str
    has_root: bool
    start_ns: int
    end_ns: int
    duration_ms: float
    span_count: int
    services: tuple[str, ...]
    error_count: int
    exception_count: int


@dataclass(frozen=True, slots=True)
class Waterfall:
    summary: TraceSummary
    rows: tuple[WaterfallRow, ...]

    def row(self, span_id: str) -> WaterfallRow | None:
        return next((row for row in self.rows if row.span_id == span_id), None)


def build_waterfall(trace: Trace) -> Waterfall:
    spans = sorted(trace.spans, key=lambda s: (s.start_ns, s.span_id))
    if not spans:
        raise ValueError("a waterfall needs at least one span")
    ordered = _tree_order(spans)
    start = min(s.start_ns for s in spans)
    end = max(max(s.end_ns, s.start_ns) for s in spans)
    services = tuple(dict.fromkeys(span.service for span, _, _ in ordered))
    service_index = {name: index for index, name in enumerate(services)}
    rows = tuple(
        _row(span, depth, orphan, start, end - start, service_index[span.service])
        for span, depth, orphan in ordered
    )
    root = next((s for s in spans if s.parent_span_id is None), spans[0])
    summary = TraceSummary(
        trace_id=trace.trace_id,
        root_service=root.service,
        root_name=root.name,
        has_root=root.parent_span_id is None,
        start_ns=start,
        end_ns=end,
        duration_ms=(end - start) / NS_PER_MS,
        span_count=len(rows),
        services=services,
        error_count=sum(row.is_error for row in rows),
        exception_count=sum(len(row.exceptions) for row in rows),
    )
    return Waterfall(summary=summary, rows=rows)


def span_log_window(row: WaterfallRow, pad_ns: int = LOG_PAD_NS) -> tuple[int, int]:
    """[start, end) in ns for "logs for this span": the span's time, widened on both sides.

    Applications log an error just before the span starts or just after it ends (both
    recorded error lines lie a few ms outside their span), so the exact span time misses them.
    """
    return row.start_ns - pad_ns, max(row.end_ns, row.start_ns) + pad_ns + 1


def _tree_order(spans: list[Span]) -> list[tuple[Span, int, bool]]:
    """Depth-first (iterative: deep traces exist), each span once, with depth and orphan flag."""
    ids = {span.span_id for span in spans}
    children: defaultdict[str, list[Span]] = defaultdict(list)
    tops: list[Span] = []
    for span in spans:
        parent = span.parent_span_id
        if parent is not None and parent in ids and parent != span.span_id:
            children[parent].append(span)
        else:
            tops.append(span)
    ordered: list[tuple[Span, int, bool]] = []
    seen: set[int] = set()

    def walk(starts: Iterable[Span]) -> None:
        stack = [(span, 0) for span in reversed(list(starts))]
        while stack:
            span, depth = stack.pop()
            if id(span) in seen:
                continue
            seen.add(id(span))
            ordered.append((span, depth, depth == 0 and span.parent_span_id is not None))
            stack.extend((child, depth + 1) for child in reversed(children.get(span.span_id, [])))

    walk(tops)
    for span in spans:
        if id(span) not in seen:
            walk([span])
    return ordered


def _row(span: Span, depth: int, orphan: bool, t0: int, total: int, index: int) -> WaterfallRow:
    offset = span.start_ns - t0
    left = 100 * offset / total if total else 0.0
    width = 100 * span.duration_ns / total if total else 0.0
    return WaterfallRow(
        span=span,
        trace_id=span.trace_id,
        span_id=span.span_id,
        parent_span_id=span.parent_span_id,
        service=span.service,
        name=span.name,
        kind=span.kind,
        start_ns=span.start_ns,
        end_ns=span.end_ns,
        depth=depth,
        offset_ms=offset / NS_PER_MS,
        duration_ms=span.duration_ns / NS_PER_MS,
        left_pct=round(left, 3),
        width_pct=round(min(width, 100 - left), 3),
        is_error=span.is_error,
        status_message=span.status_message,
        exceptions=span.exceptions,
        attributes=span.attributes,
        service_index=index,
        orphan=orphan,
    )
