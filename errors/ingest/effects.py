"""State effects of a window and the outbox events they raise, inside the poll's transaction.

State changes go through `errors.triage` (history rows included); this module only decides
which errors they apply to and writes the matching events in one statement.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from errors import triage
from errors.correlation.tasks import schedule_save
from errors.ingest.sql import EVENTS_SQL, run
from errors.ingest.write import Written
from errors.models import EventKind, Status
from errors.models.groups import UNRESOLVED

ACTOR = "poller"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass
class Outbox:
    """Events gathered during a poll, written at its end with one statement."""

    source: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        kind: str,
        ids: Iterable[UUID],
        names: Mapping[UUID, str],
        *,
        lines: Mapping[UUID, int] | int | None = None,
        totals: Mapping[UUID, int] | None = None,
        **data: Any,
    ) -> None:
        """One event per id; `lines` (per id) lets alert rules count lines, not sampled pointers;
        `totals` (per id) adds each error's occurrence count."""
        source, rows = self.source, self.rows
        for error_id in ids:
            payload = {"source": source, "fingerprint": names.get(error_id, ""), **data}
            if isinstance(lines, int):
                payload["lines"] = lines
            elif lines is not None:
                payload["lines"] = lines.get(error_id, 0)
            if totals is not None:
                payload["total"] = totals[error_id]
            rows.append({"kind": kind, "e": str(error_id), "data": payload})

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row["kind"] == kind)

    def write(self) -> None:
        run(EVENTS_SQL, msgspec.json.encode(self.rows).decode())


def apply_effects(
    written: Mapping[str, Written],
    lines: Mapping[str, int],
    outbox: Outbox,
    *,
    last_seen_ns: Mapping[str, int],
    now: datetime,
    actor: str = ACTOR,
) -> None:
    """New → history + event; resolved and seen after resolution → regression; ignore → due?

    Every other unresolved error that got lines raises `frequency` with their number, so the
    alert rules can judge counts (N in M minutes, spikes) on each batch of new occurrences.
    """
    names = {w.id: fp for fp, w in written.items()}
    counts = {w.id: lines[fp] for fp, w in written.items()}
    fresh = [w.id for w in written.values() if w.fresh]
    triage.mark_created(fresh, actor_label=actor, data={"source": outbox.source})
    outbox.add(EventKind.NEW, fresh, names, lines=counts)
    seen_again = [
        w.id
        for fp, w in written.items()
        if w.status == Status.RESOLVED and _after(last_seen_ns[fp], w.resolved_at)
    ]
    reopened = triage.regress(seen_again, now, actor_label=actor)
    schedule_save(fresh, "first")
    schedule_save(reopened, "regression")
    outbox.add(EventKind.REGRESSION, reopened, names, lines=counts, at=now.isoformat())
    ignored = [w.id for w in written.values() if w.status == Status.IGNORED]
    back = triage.unignore_due(ignored, now, actor_label=actor)
    outbox.add(EventKind.UNIGNORED, back, names, lines=counts, at=now.isoformat())
    told = {*fresh, *reopened, *back}
    still = [w.id for w in written.values() if w.status in UNRESOLVED and w.id not in told]
    totals = {w.id: w.count for w in written.values()}
    outbox.add(EventKind.FREQUENCY, still, names, lines=counts, totals=totals)


def _after(ts_ns: int, moment: datetime | None) -> bool:
    return moment is None or ts_ns // 1000 > (moment - EPOCH) // MICROSECOND
