"""Deliver one delivery: claim it, wait for the channel's slot, build, send, record.

The claim is committed before anything leaves, and the outcome is recorded after; a worker
killed in between leaves a lease that runs out, and the sweep hands the row to another worker.
"""

import logging
import time

from django.utils import timezone

from alerts import claims, context_lines, loading, ratelimit, recording
from alerts.alert import Context
from alerts.models import DeliveryKind
from alerts.senders import SENDERS
from alerts.transport import DeliveryFailed, PermanentFailure, Sent, TransientFailure

logger = logging.getLogger("alerts.sending")
MAX_INLINE_WAIT = 0.25


def deliver_one(delivery_id: int) -> recording.Result:
    """Send the delivery if it is due and nobody else holds it; says what happened."""
    now = timezone.now()
    taken = claims.claim(delivery_id, now)
    if taken is None:
        return recording.Result("not claimed")
    recording.note_interrupted(taken.delivery, now)
    channel = taken.delivery.channel
    sender = SENDERS[channel.kind]
    slot = ratelimit.reserve(channel.pk, sender.interval, now, taken.delivery.slot_at)
    wait = (slot - timezone.now()).total_seconds()
    if wait > MAX_INLINE_WAIT:
        claims.release(taken, slot, slot)
        return recording.Result("deferred", wait)
    time.sleep(max(0.0, wait))
    started = timezone.now()
    try:
        sent = send(taken)
    except DeliveryFailed as failure:
        return recording.failed(taken, failure, started)
    except Exception as exc:
        logger.exception("delivery %s: unexpected failure", delivery_id)
        internal = TransientFailure(f"internal error: {type(exc).__name__}: {exc}")
        return recording.failed(taken, internal, started)
    return recording.succeeded(taken, sent, started)


def send(taken: claims.Claim) -> Sent:
    delivery = taken.delivery
    channel = delivery.channel
    sender = SENDERS[channel.kind]
    if not channel.enabled:
        raise PermanentFailure("channel is disabled")
    if delivery.kind == DeliveryKind.DIGEST:
        return sender.digest(channel, loading.digest_for(delivery))
    alert, occurrence = loading.alert_for(delivery)
    context = Context()
    if sender.wants_context and occurrence is not None:
        context = context_lines.around(occurrence)
    return sender.alert(channel, alert, context)
