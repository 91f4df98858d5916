"""Housekeeping for the error tables that only ever grow: outbox events and hourly counts.

Rows go a batch at a time, each batch in its own short transaction: one big DELETE would hold
its locks, write its WAL and keep vacuum waiting for as long as it runs, beside a poller that
writes every few seconds. Undispatched events are pending work and are never deleted.
Errors, their activity, notes and saved context are triage history and are kept.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from errors.models import Event, HourlyCount

BATCH = 5_000


def prune(now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Delete what the retention settings no longer keep; returns how many rows of each."""
    now = now or timezone.now()
    return {
        "events": prune_events(now - timedelta(days=settings.EVENT_RETENTION_DAYS), batch),
        "hourly_counts": prune_hourly_counts(
            now - timedelta(days=settings.HOURLY_COUNT_RETENTION_DAYS), batch
        ),
    }


def prune_events(cutoff: datetime, batch: int = BATCH) -> int:
    """Events dispatched before `cutoff` (they were created before it too, so no N-in-M window
    of at most a day still counts their lines). Deliveries and firings keep their own copy of
    what they need; Django sets their `event` to NULL."""
    dispatched = Event.objects.filter(dispatched_at__lt=cutoff).order_by("dispatched_at")
    return delete_in_batches(dispatched, batch)


def prune_hourly_counts(cutoff: datetime, batch: int = BATCH) -> int:
    """Hours before `cutoff`; an error's total and first and last seen stay on the error."""
    return delete_in_batches(HourlyCount.objects.filter(hour__lt=cutoff).order_by("hour"), batch)


def delete_in_batches[M: Model](rows: QuerySet[M], batch: int = BATCH) -> int:
    """Delete `rows`, `batch` at a time, each batch its own transaction; returns how many.

    Order `rows` by an indexed column: each batch then starts at the front of that index instead
    of scanning the table past the dead rows of the batches before it. Deleting through the ORM
    applies each foreign key's `on_delete` (cascades, SET NULL) without this module naming the
    tables that point here.
    """
    model = rows.model
    deleted = 0
    while True:
        with transaction.atomic():
            doomed = model._base_manager.filter(pk__in=rows.values("pk")[:batch]).only("pk")
            _, by_model = doomed.delete()
        done = by_model.get(model._meta.label, 0)
        deleted += done
        if done < batch:
            return deleted
