"""Thin Celery entry points: each takes ids, calls one function, enqueues what it returns."""

from celery import shared_task
from django.utils import timezone

from alerts import dispatch, retention, sending, sweeping


@shared_task(name="alerts.dispatch")
def dispatch_events() -> None:
    """Enqueued by the poll when its transaction commits (and by the sweep)."""
    enqueue(dispatch.dispatch_pending())


@shared_task(name="alerts.deliver")
def deliver(delivery_id: int) -> None:
    result = sending.deliver_one(delivery_id)
    if result.retry_in is not None:
        deliver.apply_async((delivery_id,), countdown=result.retry_in)


@shared_task(name="alerts.sweep")
def sweep() -> None:
    enqueue(sweeping.sweep())


@shared_task(name="alerts.prune")
def prune() -> dict[str, int]:
    """Celery beat, hourly: delete finished deliveries and old firings past their retention."""
    return retention.prune()


def enqueue(due: list[dispatch.Due]) -> None:
    now = timezone.now()
    for item in due:
        wait = max(0.0, (item.at - now).total_seconds())
        deliver.apply_async((item.delivery_id,), countdown=wait)
