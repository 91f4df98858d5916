"""Write a window's groups and everything that follows from them, inside the poll's transaction.

A fixed sequence of statements whatever the number of lines: groups, occurrences, hourly
counts, pruning, state effects through `errors.triage`, then the outbox.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings

from errors.ingest.aggregate import Window
from errors.ingest.effects import Outbox, apply_effects
from errors.ingest.write import (
    Records,
    Written,
    insert_occurrences,
    prune_occurrences,
    upsert_groups,
    upsert_hourly,
)
from errors.models import EventKind


@dataclass(frozen=True, slots=True)
class Outcome:
    new: int
    regressed: int
    unignored: int
    events: int


def settle(window: Window, now: datetime) -> Outcome:
    records = Records(window)
    written = upsert_groups(window, records)
    insert_occurrences(window, written, records)
    upsert_hourly(window, written)
    keep_first, keep_recent = settings.OCCURRENCES_KEEP_FIRST, settings.OCCURRENCES_KEEP_RECENT
    prune_occurrences(_to_prune(window, written, keep_first, keep_recent), keep_first, keep_recent)
    outbox = Outbox(window.source)
    groups = window.groups.items()
    lines = {fp: group.count for fp, group in groups}
    last_seen = {fp: group.last_ts for fp, group in groups}
    apply_effects(written, lines, outbox, last_seen_ns=last_seen, now=now)
    outbox.write()
    return Outcome(
        new=outbox.count(EventKind.NEW),
        regressed=outbox.count(EventKind.REGRESSION),
        unignored=outbox.count(EventKind.UNIGNORED),
        events=len(outbox.rows),
    )


def _to_prune(
    window: Window, written: dict[str, Written], keep_first: int, keep_recent: int
) -> list[UUID]:
    """Errors past first + recent whose count crossed a step of recent/4 in this poll.

    Each poll adds at most one pointer per line, so between prunes an error holds at most
    first + recent + step pointers, and pruning costs once per `step` lines, not per poll.
    """
    step = max(1, keep_recent // 4)
    due = []
    for fp, group in window.groups.items():
        after = written[fp].count
        if after > keep_first + keep_recent and after // step != (after - group.count) // step:
            due.append(written[fp].id)
    return due
