"""Rows applications write into monitoring.errors with their own SQL, noticed like log lines.

Applications only know `fingerprint, message, metadata, first/last_seen_at, occurrence_count`.
A row with `noticed_at` NULL is new to the console; a row whose `occurrence_count` moved past
`noticed_count` was counted by an application since the console last looked (the poller moves
both together). Each pass turns those into the same history and events as the poller's, and
adds the increments to the hourly counts (filed under the hour of `last_seen_at`).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from errors import triage
from errors.ingest.cursor import hour_of
from errors.ingest.effects import Outbox
from errors.ingest.sql import HOURLY_SQL, run
from errors.models import ErrorGroup, EventKind, Status
from errors.models.groups import UNRESOLVED

ACTOR = "sql"
LOCK_KEY = 0x74726961676501  # one watcher at a time, whatever the number of workers
BATCH = 10_000

NEW_SQL = """
UPDATE monitoring.errors e SET noticed_at = now(), noticed_count = e.occurrence_count
FROM (SELECT id FROM monitoring.errors WHERE noticed_at IS NULL
      ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) n
WHERE e.id = n.id
RETURNING e.id, e.fingerprint, e.status, e.resolved_at, e.last_seen_at, e.occurrence_count
"""

CHANGED_SQL = """
WITH c AS (
    SELECT id, noticed_count FROM monitoring.errors
    WHERE noticed_at IS NOT NULL AND occurrence_count > noticed_count
    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
)
UPDATE monitoring.errors e SET noticed_count = e.occurrence_count FROM c
WHERE e.id = c.id
RETURNING e.id, e.fingerprint, e.status, e.resolved_at, e.last_seen_at,
    e.occurrence_count - c.noticed_count
"""


@dataclass(frozen=True, slots=True)
class WatchSummary:
    skipped: bool = False
    new: int = 0
    changed: int = 0
    regressed: int = 0
    unignored: int = 0
    events: int = 0


def watch_sql(now: datetime | None = None, *, batch: int = BATCH) -> WatchSummary:
    """One pass over rows written by applications; safe to run from several workers."""
    now = now or timezone.now()
    with transaction.atomic():
        if not run("SELECT pg_try_advisory_xact_lock(%s)", LOCK_KEY)[0][0]:
            return WatchSummary(skipped=True)
        new = run(NEW_SQL, batch)
        changed = run(CHANGED_SQL, batch)
        rows = new + changed
        names = {row[0]: row[1] for row in rows}
        outbox = Outbox(source="")
        triage.mark_created([r[0] for r in new], actor_label=ACTOR, data={"via": "sql"})
        outbox.add(EventKind.NEW, [r[0] for r in new], names)
        reopened = triage.regress(_seen_after_resolve(rows), now, actor_label=ACTOR)
        outbox.add(EventKind.REGRESSION, reopened, names, at=now.isoformat())
        due = _due_ignored(now)
        names |= due
        back = triage.unignore_due(due, now, actor_label=ACTOR)
        outbox.add(EventKind.UNIGNORED, back, names, at=now.isoformat())
        told = {r[0] for r in new} | {*reopened, *back}
        for error_id, _, status, _, _, added in changed:
            if status in UNRESOLVED and error_id not in told:
                outbox.add(EventKind.FREQUENCY, [error_id], names, lines=added)
        _count_hours(rows)
        outbox.write()
    return WatchSummary(
        new=len(new),
        changed=len(changed),
        regressed=len(reopened),
        unignored=len(back),
        events=len(outbox.rows),
    )


def _seen_after_resolve(rows: list[tuple[Any, ...]]) -> list[UUID]:
    return [
        error_id
        for error_id, _, status, resolved_at, last_seen, _ in rows
        if status == Status.RESOLVED and (resolved_at is None or last_seen > resolved_at)
    ]


def _due_ignored(now: datetime) -> dict[UUID, str]:
    """Ignored errors whose date passed or whose count was reached (by any writer)."""
    due = ErrorGroup.objects.filter(status=Status.IGNORED).filter(
        Q(ignored_until__lte=now) | Q(occurrence_count__gte=F("ignored_until_count"))
    )
    return dict(due.values_list("id", "fingerprint"))


def _count_hours(rows: list[tuple[Any, ...]]) -> None:
    added: dict[tuple[UUID, int], int] = {}
    for error_id, _, _, _, last_seen, count in rows:
        key = (error_id, hour_of(last_seen))
        added[key] = added.get(key, 0) + count
    body = [{"e": str(e), "h": h, "n": n} for (e, h), n in added.items()]
    run(HOURLY_SQL, msgspec.json.encode(body).decode())
