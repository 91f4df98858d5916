"""Claiming a delivery: the one UPDATE that makes sending exactly-once between workers.

The row moves to `sending` with a fresh token and a lease. Only a pending row that is due, or a
`sending` row whose lease ran out (its worker died), can be claimed; every later write checks
the token, so a worker that lost its lease cannot overwrite the new owner's outcome.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from django.db.models import F, Q

from alerts.models import Delivery, DeliveryStatus

LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class Claim:
    delivery: Delivery
    token: UUID

    def mine(self) -> Q:
        """The condition of every write made under this claim."""
        return Q(pk=self.delivery.pk, claim=self.token, status=DeliveryStatus.SENDING)


def claim(delivery_id: int, now: datetime) -> Claim | None:
    """Take the delivery for sending, or None when it is not due or someone else has it."""
    token = uuid4()
    claimable = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    taken = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=DeliveryStatus.SENDING,
        claim=token,
        lease_until=now + LEASE,
        attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    delivery = Delivery.objects.select_related("channel").get(pk=delivery_id)
    return Claim(delivery, token)


def release(taken: Claim, at: datetime, slot: datetime | None) -> None:
    """Hand the delivery back unsent (not an attempt), to be claimed again at `at`."""
    Delivery.objects.filter(taken.mine()).update(
        status=DeliveryStatus.PENDING,
        claim=None,
        lease_until=None,
        next_attempt_at=at,
        slot_at=slot,
        attempts=F("attempts") - 1,
    )
