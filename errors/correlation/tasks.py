"""Saving context from the poller: after its transaction commits, a little later, by id.

The lines after an error need time to reach Loki, so the save waits `SAVE_DELAY_SECONDS`.
A Loki that is down is retried; a missing source or occurrence is not.
"""

from collections.abc import Iterable
from functools import partial
from typing import Any
from uuid import UUID

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import transaction

from errors.correlation.saving import NothingToSave, save_context
from errors.models import Occurrence
from errors.models.saved_context import SaveReason
from logs.loki import WORKER, LokiUnavailable

SAVE_DELAY_SECONDS = 120
BATCH = 500
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 600


def anchor_occurrence(error_id: str, reason: str) -> int | None:
    """First occurrence for a new error; the newest (the one that reopened it) for a regression."""
    found = Occurrence.objects.filter(error_id=UUID(error_id))
    order = "timestamp_ns" if reason == SaveReason.FIRST else "-timestamp_ns"
    return found.order_by(order).values_list("pk", flat=True).first()


@shared_task(name="errors.save_context", base=DjangoTask, bind=True, max_retries=5)
def save_context_task(self: DjangoTask[Any, Any], error_ids: list[str], reason: str) -> list[int]:
    """Save context for each error in turn; a Loki outage retries only the ones not saved yet."""
    saved: list[int] = []
    for index, error_id in enumerate(error_ids):
        try:
            pk = _save_one(error_id, reason)
        except LokiUnavailable as exc:
            wait = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**self.request.retries)
            raise self.retry(args=(error_ids[index:], reason), exc=exc, countdown=wait) from exc
        if pk is not None:
            saved.append(pk)
    return saved


def _save_one(error_id: str, reason: str) -> int | None:
    occurrence_id = anchor_occurrence(error_id, reason)
    if occurrence_id is None:
        return None
    try:
        return save_context(occurrence_id, reason=reason, profile=WORKER).pk
    except NothingToSave:
        return None


def schedule_save(error_ids: Iterable[UUID], reason: str) -> None:
    """Call inside the poll's transaction: delayed saves sent once it commits, a batch per task.

    One task per error would cost a broker round trip each: a poll that finds 10,000 new
    errors (a backfill) spent seconds just enqueueing them.
    """
    ids = [str(error_id) for error_id in error_ids]
    for start in range(0, len(ids), BATCH):
        send = partial(
            save_context_task.apply_async,
            (ids[start : start + BATCH], reason),
            countdown=SAVE_DELAY_SECONDS,
        )
        transaction.on_commit(send)
