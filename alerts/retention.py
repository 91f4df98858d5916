"""Housekeeping for the alert tables: finished deliveries (with their attempt log) and firings.

A delivery still pending or being sent is work, not history, whatever its age, and an alert
folded into a digest stays while that digest is unsent. Firings are also the clock of the
repeat interval, so none goes while a rule's interval could still look at it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from alerts.models import Delivery, DeliveryStatus, Firing, Rule
from errors.retention import BATCH, delete_in_batches

OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


def prune(now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Delete what DELIVERY_RETENTION_DAYS no longer keeps; returns how many rows of each."""
    now = now or timezone.now()
    keep = timedelta(days=settings.DELIVERY_RETENTION_DAYS)
    return {
        "deliveries": prune_deliveries(now - keep, batch),
        "firings": prune_firings(now - max(keep, longest_repeat_interval()), batch),
    }


def prune_deliveries(cutoff: datetime, batch: int = BATCH) -> int:
    """Finished deliveries created before `cutoff`; their attempts go with them (cascade)."""
    finished = (
        Delivery.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=OPEN)
        .exclude(digest__status__in=OPEN)
        .order_by("created_at")
    )
    return delete_in_batches(finished, batch)


def prune_firings(cutoff: datetime, batch: int = BATCH) -> int:
    """Firings before `cutoff`; deliveries keep the rule name and reason they showed."""
    old = Firing.objects.filter(created_at__lt=cutoff).order_by("created_at")
    return delete_in_batches(old, batch)


def longest_repeat_interval() -> timedelta:
    longest: timedelta | None = Rule.objects.aggregate(longest=Max("repeat_interval"))["longest"]
    return longest or timedelta(0)
