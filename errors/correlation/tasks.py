"""Saving context from the poller: after its transaction commits, a little later, by id.

The lines after an error need time to reach Loki, so the save waits `SAVE_DELAY_SECONDS`.
A Loki that is down is retried; a missing source or occurrence is not.
"""

from collections.abc import Iterable
from functools import partial
from uuid import UUID

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import transaction

from errors.correlation.saving import NothingToSave, save_context
from errors.models import Occurrence
from errors.models.saved_context import SaveReason
from logs.loki import WORKER, LokiUnavailable

SAVE_DELAY_SECONDS = 120


def anchor_occurrence(error_id: str, reason: str) -> int | None:
    """First occurrence for a new error; the newest (the one that reopened it) for a regression."""
    found = Occurrence.objects.filter(error_id=UUID(error_id))
    order = "timestamp_ns" if reason == SaveReason.FIRST else "-timestamp_ns"
    return found.order_by(order).values_list("pk", flat=True).first()


@shared_task(
    name="errors.save_context",
    base=DjangoTask,
    autoretry_for=(LokiUnavailable,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def save_context_task(error_id: str, reason: str) -> int | None:
    occurrence_id = anchor_occurrence(error_id, reason)
    if occurrence_id is None:
        return None
    try:
        return save_context(occurrence_id, reason=reason, profile=WORKER).pk
    except NothingToSave:
        return None


def schedule_save(error_ids: Iterable[UUID], reason: str) -> None:
    """Call inside the poll's transaction: one delayed save per error, sent once it commits."""
    for error_id in error_ids:
        send = partial(
            save_context_task.apply_async, (str(error_id), reason), countdown=SAVE_DELAY_SECONDS
        )
        transaction.on_commit(send)
