"""One poll of one Loki source, exactly once: read, aggregate, write, advance, in one transaction.

The source row is locked (FOR UPDATE SKIP LOCKED) for the whole poll, so two workers or an
overlapping run never work one source at once: the second returns `skipped`. Counts, events,
the lookback record and the cursor commit together; a crash anywhere rolls all of them back
and the next poll reads the same window again. Loki failing leaves the cursor where it was.
"""

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from errors.ingest import collector, lookback
from errors.ingest.aggregate import Window
from errors.ingest.cursor import Plan, plan_poll
from errors.ingest.fields import LineFields, mapping_for
from errors.ingest.health import record_failure, record_success
from errors.ingest.prefetch import prefetched
from errors.ingest.read import build_query, client_for, levels_of, read_pages
from errors.ingest.settle import settle
from errors.ingest.sources import backfill
from errors.ingest.streams import StreamTable
from errors.models import LokiSource
from logs.loki import LokiClient, LokiError
from logs.loki_types import Stream


class PollError(Exception):
    """Loki refused the poll for a reason retrying will not fix (auth, query, config)."""


class PollUnavailable(PollError):
    """Loki is down, slow or rate limiting: retry later; nothing was counted."""


class SourceMisconfigured(PollError):
    """The source's selector or field mapping cannot be used (fix it in the admin)."""


@dataclass(frozen=True, slots=True)
class PollSummary:
    source: str
    skipped: bool = False
    start_ns: int = 0
    end_ns: int = 0
    swept: bool = False
    behind: bool = False
    lines_read: int = 0
    lines_counted: int = 0
    late_lines: int = 0
    parse_failures: int = 0
    groups_touched: int = 0
    new: int = 0
    regressed: int = 0
    unignored: int = 0
    events: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def poll_once(
    source_id: int,
    *,
    now: datetime | None = None,
    since: datetime | None = None,
    client: LokiClient | None = None,
) -> PollSummary:
    """Poll a source once; `client` replaces the source's own (tests, benchmarks)."""
    now = now or timezone.now()
    try:
        with collector.paused(), transaction.atomic():
            source = (
                LokiSource.objects.select_for_update(skip_locked=True).filter(pk=source_id).first()
            )
            if source is None:
                name = LokiSource.objects.values_list("name", flat=True).get(pk=source_id)
                return PollSummary(source=name, skipped=True)
            plan = plan_poll(source, now, backfill=backfill(), since=since)
            window, record = _read(source, plan, client)
            return _write(source, plan, window, record, now)
    except LokiError as error:
        record_failure(source_id, now, str(error))
        if error.transient:
            raise PollUnavailable(str(error)) from error
        raise PollError(str(error)) from error
    except SourceMisconfigured as error:
        record_failure(source_id, now, str(error))
        raise


def _read(
    source: LokiSource, plan: Plan, client: LokiClient | None
) -> tuple[Window, lookback.KeyRecord]:
    try:
        fields = LineFields(mapping_for(source.field_mapping))
        query = build_query(source)
    except ValueError as error:
        raise SourceMisconfigured(f"source {source.name}: {error}") from error
    streams = StreamTable(_names(source.service_labels), _names(source.environment_labels))
    keep = getattr(settings, "OCCURRENCES_PER_POLL", 3)
    window = Window(source.name, fields, streams, levels=levels_of(source), keep=keep)
    known = lookback.load(source.pk, plan.horizon_ns) if plan.sweeps else []
    record = lookback.KeyRecord(plan.horizon_ns, known)
    own = client is None
    loki = client_for(source) if client is None else client
    try:
        for sweeping, page in prefetched(_pages(loki, query, plan)):
            record.checking = sweeping
            window.add_streams(page, record)
    finally:
        if own:
            loki.close()
    return window, record


def _pages(loki: LokiClient, query: str, plan: Plan) -> Iterator[tuple[bool, list[Stream]]]:
    """The sweep's pages (late lines, checked against the record), then the main window's."""
    for streams in read_pages(loki, query, plan.sweep_start_ns, plan.sweep_end_ns):
        yield True, streams
    for streams in read_pages(loki, query, plan.start_ns, plan.end_ns):
        yield False, streams


def _write(
    source: LokiSource, plan: Plan, window: Window, record: lookback.KeyRecord, now: datetime
) -> PollSummary:
    outcome = settle(window, now) if window.groups else None
    lookback.save(source.pk, record)
    record_success(
        source,
        now,
        cursor_ns=max(plan.end_ns, source.cursor_ns or plan.end_ns),
        sweep_floor_ns=plan.sweep_start_ns,
        swept=plan.sweeps,
        lines=window.lines_read,
        groups=len(window.groups),
        bad=window.bad_lines,
    )
    return PollSummary(
        source=source.name,
        start_ns=plan.start_ns,
        end_ns=plan.end_ns,
        swept=plan.sweeps,
        behind=plan.behind,
        lines_read=window.lines_read,
        lines_counted=window.lines_counted,
        late_lines=record.late,
        parse_failures=window.bad_lines,
        groups_touched=len(window.groups),
        new=outcome.new if outcome else 0,
        regressed=outcome.regressed if outcome else 0,
        unignored=outcome.unignored if outcome else 0,
        events=outcome.events if outcome else 0,
    )


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]
