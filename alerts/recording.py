"""Every attempt recorded where a person can see it: the attempt log, the delivery, the channel.

A failure is transient (retry with back-off, honouring Retry-After) until the attempts run out,
or permanent (recorded and never retried). The channel keeps its last failure either way.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alerts.claims import Claim
from alerts.history import record_alerted
from alerts.models import Attempt, Channel, Delivery, DeliveryKind, DeliveryStatus, Outcome
from alerts.transport import DeliveryFailed, Sent

MAX_ATTEMPTS = 8
BACKOFF_BASE = 10.0
BACKOFF_MAX = 900.0
RETRY_AFTER_MAX = 3600.0


@dataclass(frozen=True)
class Result:
    status: str
    retry_in: float | None = None


def backoff(attempt: int, retry_after: float | None) -> float:
    """Seconds before the next try: the server's Retry-After wins, else jittered doubling."""
    if retry_after is not None:
        return min(max(retry_after, 1.0), RETRY_AFTER_MAX)
    ceiling = min(BACKOFF_MAX, BACKOFF_BASE * 2.0 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def succeeded(taken: Claim, sent: Sent, started: datetime) -> Result:
    now = timezone.now()
    delivery = taken.delivery
    with transaction.atomic():
        _attempt(delivery, started, now, Outcome.SENT, sent.status, sent.excerpt, "")
        done = Delivery.objects.filter(taken.mine()).update(
            status=DeliveryStatus.SENT, sent_at=now, claim=None, lease_until=None, slot_at=None
        )
        Channel.objects.filter(pk=delivery.channel_id).update(last_success_at=now)
        if done and delivery.kind != DeliveryKind.TEST:
            _history(delivery)
    return Result(DeliveryStatus.SENT)


def failed(taken: Claim, failure: DeliveryFailed, started: datetime) -> Result:
    now = timezone.now()
    delivery = taken.delivery
    retry = failure.transient and delivery.attempts < MAX_ATTEMPTS
    wait = backoff(delivery.attempts, failure.retry_after) if retry else None
    outcome = Outcome.TRANSIENT if retry else Outcome.PERMANENT
    message = _text(f"{failure}" + ("" if retry or not failure.transient else " (gave up)"))
    with transaction.atomic():
        _attempt(delivery, started, now, outcome, failure.status, failure.excerpt, message)
        Delivery.objects.filter(taken.mine()).update(
            status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
            next_attempt_at=now + timedelta(seconds=wait or 0),
            claim=None, lease_until=None, slot_at=None, last_error=message,
        )  # fmt: skip
        Channel.objects.filter(pk=delivery.channel_id).update(
            last_failure_at=now, last_failure=f"{delivery.get_kind_display()}: {message}"[:1000]
        )
    return Result(DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED, wait)


def note_interrupted(delivery: Delivery, now: datetime) -> None:
    """A claim whose worker died left no attempt behind: say so in the log before retrying."""
    if delivery.attempts - 1 > delivery.attempt_log.count():
        note = "interrupted: the worker stopped mid-delivery; outcome unknown, sending again"
        _attempt(delivery, now, now, Outcome.TRANSIENT, None, "", note)


def _attempt(delivery: Delivery, started: datetime, now: datetime, outcome: str,
             status: int | None, excerpt: str, error: str) -> None:  # fmt: skip
    Attempt.objects.create(
        delivery=delivery, started_at=started, finished_at=now, outcome=outcome,
        status_code=status, response_excerpt=_text(excerpt[:500]), error=_text(error[:1000]),
    )  # fmt: skip


def _text(text: str) -> str:
    """A receiver's answer as PostgreSQL text stores it: a U+0000 becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


def _history(delivery: Delivery) -> None:
    data = {"channel": delivery.channel.name, "delivery": delivery.pk, "reason": delivery.reason}
    if delivery.kind == DeliveryKind.DIGEST:
        ids = set(delivery.items.exclude(error=None).values_list("error_id", flat=True))
        record_alerted(ids, data | {"digest": True, "reason": "digest"})
    elif delivery.error_id is not None:
        record_alerted([delivery.error_id], data | {"rule": delivery.rule_name})
