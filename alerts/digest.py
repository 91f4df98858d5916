"""Storm protection: past K alerts for one channel within a minute, the rest wait in one digest.

A digest collects while it is pending and unsent; once claimed it is closed, so a retry sends
the same list. A channel gets at most one digest a minute (the next one is due a minute after
the last), so a steady storm costs one message a minute instead of hundreds.
"""

from datetime import datetime, timedelta
from uuid import uuid4

from alerts.models import Channel, Delivery, DeliveryKind, DeliveryStatus

WINDOW = timedelta(minutes=1)


def fold(channel: Channel, now: datetime) -> Delivery | None:
    """Move the channel's unsent alerts into its open digest when the last minute holds > K."""
    recent = Delivery.objects.filter(
        channel=channel, kind=DeliveryKind.ALERT, created_at__gte=now - WINDOW
    ).count()
    if recent <= channel.digest_threshold:
        return None
    waiting = Delivery.objects.filter(
        channel=channel, kind=DeliveryKind.ALERT, status=DeliveryStatus.PENDING, attempts=0
    ).select_for_update(skip_locked=True)
    ids = list(waiting.values_list("pk", flat=True))
    if not ids:
        return None
    digest = open_digest(channel, now)
    Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.DIGESTED, digest=digest)
    return digest


def open_digest(channel: Channel, now: datetime) -> Delivery:
    """The channel's digest still collecting, or a new one due a minute after the last."""
    collecting = (
        Delivery.objects.select_for_update()
        .filter(
            channel=channel, kind=DeliveryKind.DIGEST, status=DeliveryStatus.PENDING, attempts=0
        )
        .order_by("created_at")
        .first()
    )
    if collecting is not None:
        return collecting
    last = (
        Delivery.objects.filter(channel=channel, kind=DeliveryKind.DIGEST)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    due = max(now, last + WINDOW) if last is not None else now
    return Delivery.objects.create(
        key=f"digest-{channel.pk}-{uuid4().hex}",
        kind=DeliveryKind.DIGEST,
        channel=channel,
        next_attempt_at=due,
        created_at=now,
    )
