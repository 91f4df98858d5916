"""Thin Celery entry points for ingestion: they take ids, call one function, enqueue the next."""

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError
from django.utils import timezone

from errors import retention
from errors.ingest.poll import PollUnavailable, poll_once
from errors.ingest.sources import due_sources, ensure_default_source
from errors.ingest.sql_watch import watch_sql

DISPATCH_TASK = "alerts.dispatch"


@shared_task(
    name="errors.poll_source",
    base=DjangoTask,
    autoretry_for=(PollUnavailable, OperationalError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def poll_source(source_id: int) -> dict[str, Any]:
    """Poll one source; again straight away while it is catching up; wake the alerts."""
    summary = poll_once(source_id)
    if summary.behind:
        poll_source.delay_on_commit(source_id)
    if summary.events:
        poll_source.app.send_task(DISPATCH_TASK)
    return summary.as_dict()


@shared_task(name="errors.enqueue_polls", base=DjangoTask)
def enqueue_polls() -> int:
    """Celery beat, every few seconds: one poll task per enabled source that is due."""
    ensure_default_source()
    due = list(due_sources(timezone.now()).values_list("pk", flat=True))
    for source_id in due:
        poll_source.delay_on_commit(source_id)
    return len(due)


@shared_task(name="errors.watch_sql", autoretry_for=(OperationalError,), max_retries=3)
def watch_application_sql() -> dict[str, Any]:
    """Celery beat: notice rows applications wrote into monitoring.errors themselves."""
    summary = watch_sql()
    if summary.events:
        watch_application_sql.app.send_task(DISPATCH_TASK)
    return {"new": summary.new, "changed": summary.changed, "events": summary.events}


@shared_task(name="errors.prune")
def prune() -> dict[str, int]:
    """Celery beat, hourly: delete dispatched events and hourly counts past their retention."""
    return retention.prune()
