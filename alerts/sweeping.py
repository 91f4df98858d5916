"""The safety net: whatever an on-commit enqueue missed is found here and sent.

Events nobody dispatched, deliveries overdue by more than a grace period (their task was lost),
and deliveries whose lease ran out (their worker died mid-send).
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from alerts.dispatch import Due, dispatch_pending
from alerts.models import Delivery, DeliveryStatus

GRACE = timedelta(seconds=30)
LIMIT = 1000


def sweep() -> list[Due]:
    """Dispatch missed events; returns every delivery that should be enqueued now."""
    due = dispatch_pending()
    now = timezone.now()
    stuck = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - GRACE) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    rows = Delivery.objects.filter(stuck).order_by("next_attempt_at")[:LIMIT]
    return due + [Due(pk, now) for pk in rows.values_list("pk", flat=True)]
