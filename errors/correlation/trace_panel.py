"""The trace panel: Tempo's trace as a waterfall, or plainly why it is not there.

Tempo answers "no such trace" both for a trace it has not made queryable yet and for one past
its retention; the panel says which is likelier from when the console saw the trace. The
errors whose occurrences carry this trace id are listed, and marked on their spans.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from errors.correlation.problems import Problem, problem
from errors.correlation.sources import grafana_tempo, tempo_client
from errors.correlation.times import Stamp, stamp
from errors.models import ErrorGroup, Occurrence
from traces.links import explore_trace_url, trace_ui_url
from traces.tempo_errors import InvalidTraceId, TempoError, TraceNotFound
from traces.trace_ids import normalize_trace_id
from traces.waterfall import Waterfall, WaterfallRow, build_waterfall, span_log_window

FRESH = timedelta(minutes=5)
PALETTE = 8
LABEL_INSIDE_PCT = 80
ERRORS_SHOWN = 20
ZERO_HIGH_HALF = "0" * 16


@dataclass(frozen=True)
class SpanRow:
    """A waterfall row with what the template cannot look up itself."""

    row: WaterfallRow
    errors: list[ErrorGroup]
    log_start_ns: int
    log_end_ns: int
    marks: list[tuple[float, str]]

    @property
    def palette(self) -> int:
        return self.row.service_index % PALETTE

    @property
    def label_inside(self) -> bool:
        """A bar reaching the right edge carries its duration inside it."""
        return self.row.left_pct + self.row.width_pct > LABEL_INSIDE_PCT


@dataclass
class TracePanel:
    trace_id: str
    state: str = "found"
    waterfall: Waterfall | None = None
    started: Stamp | None = None
    problem: Problem | None = None
    missing: str = ""
    errors: list[ErrorGroup] = field(default_factory=list)
    span_errors: dict[str, list[ErrorGroup]] = field(default_factory=dict)
    rows: list[SpanRow] = field(default_factory=list)
    ticks: list[str] = field(default_factory=list)
    grafana_url: str = ""
    ui_url: str = ""


def build_trace_panel(raw_id: str, zone: tzinfo, *, seen_at: datetime | None = None) -> TracePanel:
    """`state`: found, missing (not in Tempo), problem (Tempo failed), setup, or none (no id)."""
    if not raw_id:
        return TracePanel("", state="none")
    try:
        trace_id = normalize_trace_id(raw_id)
    except InvalidTraceId as failure:
        return TracePanel(raw_id[:64], state="problem", problem=problem(failure))
    panel = TracePanel(trace_id)
    _way_back(panel)
    client = tempo_client()
    if client is None:
        panel.state = "setup"
        return panel
    try:
        with client:
            trace = client.get_trace(trace_id)
    except TraceNotFound:
        panel.state, panel.missing = "missing", _missing(seen_at)
        return panel
    except TempoError as failure:
        panel.state, panel.problem = "problem", problem(failure)
        return panel
    panel.waterfall = build_waterfall(trace)
    summary = panel.waterfall.summary
    panel.rows = [
        SpanRow(
            row,
            panel.span_errors.get(row.span_id, []),
            *span_log_window(row),
            marks=_marks(row, summary.start_ns, summary.end_ns),
        )
        for row in panel.waterfall.rows
    ]
    panel.started = stamp(panel.waterfall.summary.start_ns, zone)
    total = panel.waterfall.summary.duration_ms
    panel.ticks = [_tick(total * quarter / 4) for quarter in (1, 2, 3, 4)]
    _links(panel)
    return panel


def _tick(ms: float) -> str:
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.3g}"


def _marks(row: WaterfallRow, start_ns: int, end_ns: int) -> list[tuple[float, str]]:
    """Where on the time axis each exception event happened, and what it said."""
    total = max(end_ns - start_ns, 1)
    return [
        (round(min(max(100 * (e.time_ns - start_ns) / total, 0), 100), 3), f"{e.type}: {e.message}")
        for e in row.exceptions
    ]


def _missing(seen_at: datetime | None) -> str:
    """`yet` for a trace seen moments ago, `longer` for an old one, `unknown` without a date."""
    if seen_at is None:
        return "unknown"
    return "yet" if timezone.now() - seen_at < FRESH else "longer"


def _way_back(panel: TracePanel) -> None:
    """The errors logged with this trace id, as written or (a 64-bit id) unpadded."""
    logged_as = {panel.trace_id, panel.trace_id.removeprefix(ZERO_HIGH_HALF)}
    spans = Occurrence.objects.filter(trace_id__in=logged_as)
    errors = ErrorGroup.objects.filter(
        Q(pk__in=spans.values("error_id")) | Q(last_trace_id__in=logged_as)
    ).order_by("-last_seen_at")
    panel.errors = list(errors[:ERRORS_SHOWN])
    by_id = {error.pk: error for error in panel.errors}
    marks: defaultdict[str, list[ErrorGroup]] = defaultdict(list)
    for span_id, error_id in spans.values_list("span_id", "error_id").distinct():
        if span_id and error_id in by_id and by_id[error_id] not in marks[span_id]:
            marks[span_id].append(by_id[error_id])
    panel.span_errors = dict(marks)


def _links(panel: TracePanel) -> None:
    summary = panel.waterfall.summary if panel.waterfall else None
    start, end = (summary.start_ns, summary.end_ns) if summary else (None, None)
    grafana = grafana_tempo()
    if grafana is not None:
        panel.grafana_url = explore_trace_url(grafana, panel.trace_id, start_ns=start, end_ns=end)
    template = settings.TEMPO_UI_URL_TEMPLATE
    if template and "{trace_id}" in template:
        panel.ui_url = trace_ui_url(template, panel.trace_id, start_ns=start, end_ns=end)
