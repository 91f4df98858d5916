"""Copy an occurrence's surrounding lines into PostgreSQL, scrubbed, so they outlive Loki.

`save_context(occurrence_id)` is the one way in: the poller (through `tasks.schedule_save`)
saves the first occurrence of each error and each regression, a triager saves any other.
Saving again for the same occurrence and reason replaces the copy; past `KEEP_PER_ERROR`
copies the oldest ones go, except the first occurrence's.
"""

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from errors.correlation.anchor import Anchor, anchor_for, query_for
from errors.correlation.scope import Scope
from errors.correlation.sources import loki_target
from errors.models import ErrorGroup, Occurrence
from errors.models.saved_context import KEEP_PER_ERROR, LINE_CHARS, SavedContext, SaveReason
from logs import loki_config
from logs.context import read_context
from logs.loki_types import LogLine
from triage_logging import scrub

SAVED_SCOPE = Scope()


class NothingToSave(LookupError):
    """No Loki source is known for the occurrence, so there is nowhere to read lines from."""


def save_context(
    occurrence_id: int,
    *,
    reason: str = SaveReason.MANUAL,
    scope: Scope = SAVED_SCOPE,
    by: AbstractBaseUser | None = None,
    profile: loki_config.Profile | None = None,
) -> SavedContext:
    """Read the context (by default same stream, ±5 min, 50 + 50 lines) and keep it scrubbed."""
    occurrence = Occurrence.objects.select_related("error").get(pk=occurrence_id)
    anchor = anchor_for(occurrence.error, [occurrence], occurrence.pk)
    target = loki_target(anchor.source)
    if target is None:
        raise NothingToSave(f"no Loki source named {anchor.source!r}")
    query = query_for(anchor, target, scope)
    with target.client(profile) as client:
        context = read_context(
            client, query, anchor_ns=anchor.ts_ns, window_ns=scope.window_ns,
            before=scope.lines, after=scope.lines,
        )  # fmt: skip
    streams, rows = _pack(context.lines)
    defaults = {
        "error": occurrence.error,
        "anchor_ns": anchor.ts_ns,
        "stream_labels": anchor.labels,
        "source": target.name,
        "query": context.query,
        "start_ns": context.start_ns,
        "end_ns": context.end_ns,
        "streams": streams,
        "lines": rows,
        "saved_by": by,
    }
    with transaction.atomic():
        saved, _ = SavedContext.objects.update_or_create(
            occurrence=occurrence, reason=reason, defaults=defaults
        )
        prune(occurrence.error_id)
    return saved


def _pack(lines: list[LogLine]) -> tuple[list[dict[str, str]], list[list[object]]]:
    """Label sets once each; lines as `[ns as text, label set index, scrubbed text, metadata]`."""
    streams: list[dict[str, str]] = []
    index: dict[tuple[tuple[str, str], ...], int] = {}
    rows: list[list[object]] = []
    for line in lines:
        key = tuple(sorted(line.labels.items()))
        if key not in index:
            index[key] = len(streams)
            streams.append({k: _kept(v) for k, v in line.labels.items()})
        metadata = {k: _kept(v) for k, v in line.metadata.items()}
        rows.append([str(line.ts), index[key], _kept(line.line[:LINE_CHARS]), metadata])
    return streams, rows


def _kept(text: str) -> str:
    """Scrubbed, and storable: PostgreSQL's jsonb refuses U+0000, which a log line may hold."""
    return scrub(text).replace("\x00", "\ufffd")


def saved_lines(saved: SavedContext) -> list[LogLine]:
    """The saved rows as lines again."""
    streams = saved.streams
    return [LogLine(int(ts), text, streams[i], meta, {}) for ts, i, text, meta in saved.lines]


def prune(error_id: UUID) -> None:
    """Keep the first occurrence's copy and the newest others, `KEEP_PER_ERROR` in all."""
    others = SavedContext.objects.filter(error_id=error_id).exclude(reason=SaveReason.FIRST)
    keep = KEEP_PER_ERROR - SavedContext.objects.filter(error_id=error_id, reason="first").count()
    stale = others.order_by("-saved_at", "-pk").values_list("pk", flat=True)[max(keep, 0) :]
    SavedContext.objects.filter(pk__in=list(stale)).delete()


def latest_saved(anchor: Anchor, error: ErrorGroup) -> SavedContext | None:
    """The newest copy for the anchor's occurrence, or for its timestamp once it was pruned.

    Its lines are left in the database until the panel shows them (usually it shows Loki's).
    """
    found = SavedContext.objects.filter(error=error)
    if anchor.occurrence is not None:
        found = found.filter(occurrence=anchor.occurrence) | found.filter(anchor_ns=anchor.ts_ns)
    else:
        found = found.filter(anchor_ns=anchor.ts_ns)
    found = found.select_related("saved_by").defer("lines", "streams")
    return found.order_by("-saved_at").first()
