"""Events from the poller's outbox → firing rules → one delivery per (event, channel).

One dispatcher at a time (a transaction-scoped advisory lock): dispatch is quick, database-only
work, and running it serially keeps the repeat interval and the digest count exact. Sending
happens elsewhere, after this transaction commits.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from alerts import defaults, digest
from alerts.firing import fire
from alerts.models import Channel, Delivery, DeliveryStatus, Firing
from errors.models.events import Event

LOCK_KEY = 7_243_501_001
BATCH = 1000


@dataclass(frozen=True)
class Due:
    """A delivery to enqueue, and when it may be sent."""

    delivery_id: int
    at: datetime


def dispatch_pending(now: datetime | None = None) -> list[Due]:
    """Dispatch every undispatched event; returns the deliveries now waiting to be sent."""
    due: list[Due] = []
    while True:
        batch, more = _dispatch_batch(now or timezone.now())
        due += batch
        if not more:
            return due


def _dispatch_batch(now: datetime) -> tuple[list[Due], bool]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        defaults.ensure()
        events = list(Event.objects.filter(dispatched_at__isnull=True).order_by("pk")[:BATCH])
        if not events:
            return [], False
        deliveries = plan(fire(events, now), now)
        Event.objects.filter(pk__in=[event.pk for event in events]).update(dispatched_at=now)
        channel_ids = {delivery.channel_id for delivery in deliveries}
        for channel in Channel.objects.filter(pk__in=channel_ids):
            digest.fold(channel, now)
        waiting = Delivery.objects.filter(
            status=DeliveryStatus.PENDING, channel_id__in=channel_ids, attempts=0
        ).values_list("pk", "next_attempt_at")
        return [Due(pk, at) for pk, at in waiting], len(events) == BATCH


def plan(firings: list[Firing], now: datetime) -> list[Delivery]:
    """One delivery per (event, channel), whichever rules led there; existing keys are kept."""
    planned: dict[str, Delivery] = {}
    for firing in firings:
        for channel in firing.rule.channels.all():
            key = f"event-{firing.event_id}-channel-{channel.pk}"
            planned.setdefault(key, Delivery(
                key=key, channel=channel, error_id=firing.error_id, event_id=firing.event_id,
                firing=firing, why=firing.why, reason=firing.text, rule_name=firing.rule.name,
                next_attempt_at=now, created_at=now,
            ))  # fmt: skip
    Delivery.objects.bulk_create(planned.values(), ignore_conflicts=True)
    return list(planned.values())
