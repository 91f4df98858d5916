"""The log context panel: live lines from Loki, or the saved copy, or why there are none.

One function per request kind: `build_panel` for the panel, `more_lines` for "load more".
Loki failing never fails the page: the panel carries a `Problem` and, when a saved copy
exists, shows that instead, saying so.
"""

from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial

from errors.correlation.anchor import Anchor, anchor_for, query_for, recent_occurrences
from errors.correlation.lines import ShownLine, show
from errors.correlation.problems import Problem, problem
from errors.correlation.saving import latest_saved, saved_lines
from errors.correlation.scope import Scope
from errors.correlation.sources import (
    LokiTarget,
    grafana_loki,
    loki_configured,
    loki_deadline,
    loki_target,
)
from errors.correlation.times import Stamp, stamp, zone_name
from errors.models import ErrorGroup, Occurrence
from errors.models.saved_context import SavedContext
from logs.context import Context, Cursor, bounded, explore_logs_url, read_context, read_side
from logs.loki import LokiError
from logs.loki_types import LogLine


@dataclass
class Panel:
    """Everything the panel template shows; `mode` is live, saved, or setup (nothing to read)."""

    error: ErrorGroup
    scope: Scope
    anchor: Anchor
    occurrences: list[Occurrence]
    zone: str
    mode: str = "live"
    setup: str = ""
    lines: list[ShownLine] = field(default_factory=list)
    query: str = ""
    start_ns: int = 0
    end_ns: int = 0
    bytes_processed: int = 0
    lines_processed: int = 0
    before: Cursor | None = None
    after: Cursor | None = None
    explore_url: str = ""
    problem: Problem | None = None
    saved: SavedContext | None = None
    gone: bool = False
    range_start: Stamp | None = None
    range_end: Stamp | None = None

    def scope_query(self) -> str:
        """The panel's own parameters, pinned to the occurrence it shows."""
        occurrence = self.anchor.occurrence
        return self.scope.query_string(occurrence=occurrence.pk if occurrence else "", view="")


def build_panel(error: ErrorGroup, scope: Scope, zone: tzinfo) -> Panel:
    occurrences = recent_occurrences(error)
    anchor = anchor_for(error, occurrences, scope.occurrence)
    panel = Panel(error, scope, anchor, occurrences, zone_name(zone))
    panel.saved = latest_saved(anchor, error)
    target = loki_target(anchor.source)
    if target is None:
        panel.setup = "stream" if loki_configured() else "loki"
        return _show_saved(panel, zone) if panel.saved else _setup(panel)
    if scope.view == "saved" and panel.saved is not None:
        return _show_saved(panel, zone)
    try:
        context = _read(target, anchor, scope)
    except (LokiError, UnicodeDecodeError) as failure:
        panel.problem = problem(failure)
        return _show_saved(panel, zone) if panel.saved else panel
    _show_live(panel, context, zone)
    if not context.lines and panel.saved is not None:
        panel.gone = True
        return _show_saved(panel, zone)
    return panel


def _read(target: LokiTarget, anchor: Anchor, scope: Scope) -> Context:
    query = query_for(anchor, target, scope)
    with target.client() as client:
        return read_context(
            client, query, anchor_ns=anchor.ts_ns, window_ns=scope.window_ns,
            before=scope.lines, after=scope.lines, deadline=loki_deadline(),
        )  # fmt: skip


def _show_live(panel: Panel, context: Context, zone: tzinfo) -> None:
    panel.mode = "live"
    panel.lines = _shown(context.lines, panel.anchor, zone)
    _range(panel, context.query, context.start_ns, context.end_ns, zone)
    panel.bytes_processed, panel.lines_processed = context.bytes_processed, context.lines_processed
    panel.before, panel.after = context.before, context.after
    grafana = grafana_loki()
    if grafana is not None:
        panel.explore_url = explore_logs_url(
            grafana, context.query, start_ns=context.start_ns, end_ns=context.end_ns
        )


def _show_saved(panel: Panel, zone: tzinfo) -> Panel:
    saved = panel.saved
    assert saved is not None
    panel.mode = "saved"
    panel.lines = _shown(saved_lines(saved), panel.anchor, zone)
    _range(panel, saved.query, saved.start_ns, saved.end_ns, zone)
    panel.before = panel.after = None
    return panel


def _range(panel: Panel, query: str, start_ns: int, end_ns: int, zone: tzinfo) -> None:
    panel.query, panel.start_ns, panel.end_ns = query, start_ns, end_ns
    panel.range_start, panel.range_end = stamp(start_ns, zone), stamp(end_ns, zone)


def _setup(panel: Panel) -> Panel:
    panel.mode = "setup"
    return panel


def _shown(lines: list[LogLine], anchor: Anchor, zone: tzinfo) -> list[ShownLine]:
    labels = anchor.labels if anchor.occurrence is not None else {}
    return [show(line, zone, anchor_ns=anchor.ts_ns, anchor_labels=labels) for line in lines]


@dataclass
class More:
    side: str
    lines: list[ShownLine] = field(default_factory=list)
    cursor: Cursor | None = None
    problem: Problem | None = None


def more_lines(error: ErrorGroup, scope: Scope, side: str, after: Cursor, zone: tzinfo) -> More:
    """The next `scope.lines` lines on one side, past the cursor, within the scope's window."""
    anchor = anchor_for(error, recent_occurrences(error), scope.occurrence)
    target = loki_target(anchor.source)
    more = More(side)
    if target is None:
        more.problem = Problem("No Loki source is configured for this error any more.")
        return more
    start, end = anchor.ts_ns - scope.window_ns, anchor.ts_ns + scope.window_ns
    bounds = (start, anchor.ts_ns + 1) if side == "before" else (anchor.ts_ns + 1, end)
    try:
        with target.client() as client:
            read = partial(
                read_side, client, str(query_for(anchor, target, scope)), start_ns=bounds[0],
                end_ns=bounds[1], direction="backward" if side == "before" else "forward",
                limit=scope.lines, after=after,
            )  # fmt: skip
            found = bounded(loki_deadline(), read)[0]
    except (LokiError, UnicodeDecodeError) as failure:
        more.problem, more.cursor = problem(failure), after
        return more
    more.lines, more.cursor = _shown(found.lines, anchor, zone), found.cursor
    return more
