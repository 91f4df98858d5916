"""Delivery trouble for the error page: the last failure per channel of alerts about an error."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Q

from alerts.models import Delivery, DeliveryStatus


@dataclass(frozen=True)
class DeliveryFailure:
    channel: str
    message: str
    at: datetime
    gave_up: bool
    next_attempt_at: datetime | None


def last_failures_for_error(error_id: UUID) -> list[DeliveryFailure]:
    """Alerts about this error (alone or in a digest) that failed and were not sent since."""
    about = Q(error_id=error_id) | Q(items__error_id=error_id)
    troubled = Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, attempts__gt=0)
    rows = (
        Delivery.objects.filter(about, troubled)
        .exclude(last_error="")
        .select_related("channel")
        .prefetch_related("attempt_log")
        .order_by("channel_id", "-created_at")
        .distinct("channel_id")
    )
    failures = []
    for row in rows:
        attempts = list(row.attempt_log.all())
        at = attempts[0].finished_at if attempts else row.created_at
        gave_up = row.status == DeliveryStatus.FAILED
        failures.append(
            DeliveryFailure(row.channel.name, row.last_error, at, gave_up,
                            None if gave_up else row.next_attempt_at)
        )  # fmt: skip
    return sorted(failures, key=lambda failure: failure.at, reverse=True)
