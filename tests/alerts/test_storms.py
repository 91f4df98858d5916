"""Storm protection: a digest past K alerts a minute, and Slack's one message a second."""

import itertools
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.dispatch import dispatch_pending
from alerts.models import Attempt, ChannelKind, Delivery, DeliveryKind, DeliveryStatus
from alerts.ratelimit import BURST
from alerts.sending import deliver_one
from errors.models import Activity, ActivityKind
from tests.alerts.conftest import Receiver
from tests.alerts.factories import ChannelFactory, DeliveryFactory, EventFactory, RuleFactory
from tests.factories import ErrorGroupFactory

pytestmark = pytest.mark.django_db


def deliver_due() -> list[str]:
    return [deliver_one(due.delivery_id).status for due in dispatch_pending()]


def test_200_new_errors_at_once_make_one_digest(receiver: Receiver) -> None:
    channel = ChannelFactory(kind=ChannelKind.SLACK, url=receiver.url, digest_threshold=10)
    RuleFactory(channels=[channel])
    EventFactory.create_batch(200)
    assert deliver_due() == [DeliveryStatus.SENT]
    (request,) = receiver.received
    message = json.loads(request.body)
    assert message["text"] == "200 alerts for 200 errors"
    assert Delivery.objects.filter(status=DeliveryStatus.DIGESTED).count() == 200
    assert Activity.objects.filter(kind=ActivityKind.ALERTED).count() == 200


def test_up_to_k_go_out_one_by_one_then_the_rest_wait_in_a_digest(receiver: Receiver) -> None:
    channel = ChannelFactory(url=receiver.url, digest_threshold=3)
    RuleFactory(channels=[channel])
    EventFactory.create_batch(3)
    assert deliver_due() == [DeliveryStatus.SENT] * 3
    EventFactory.create_batch(2)
    assert deliver_due() == [DeliveryStatus.SENT]
    EventFactory.create_batch(2)
    due = dispatch_pending()
    (digest,) = Delivery.objects.filter(kind=DeliveryKind.DIGEST, status=DeliveryStatus.PENDING)
    assert [d.delivery_id for d in due] == [digest.pk]
    assert digest.next_attempt_at >= timezone.now() + timedelta(seconds=55)
    EventFactory()
    dispatch_pending()
    assert digest.items.count() == 3
    bodies = [json.loads(request.body) for request in receiver.received]
    assert [body["type"] for body in bodies] == ["alert"] * 3 + ["digest"]
    assert bodies[-1]["total"] == 2


def test_a_claimed_digest_is_closed(receiver: Receiver) -> None:
    channel = ChannelFactory(url=receiver.url, digest_threshold=1)
    RuleFactory(channels=[channel])
    EventFactory.create_batch(2)
    (due,) = dispatch_pending()
    Delivery.objects.filter(pk=due.delivery_id).update(status=DeliveryStatus.SENDING)
    EventFactory()
    dispatch_pending()
    assert Delivery.objects.filter(kind=DeliveryKind.DIGEST).count() == 2


def drain(deliveries: list[Delivery]) -> None:
    """Play the task queue: deliver each, and a deferred one again when its slot comes."""
    waiting = {d.pk for d in deliveries}
    deadline = time.monotonic() + 10
    while waiting and time.monotonic() < deadline:
        for pk in waiting:
            deliver_one(pk)
        sent = Delivery.objects.filter(pk__in=waiting, status=DeliveryStatus.SENT)
        waiting -= set(sent.values_list("pk", flat=True))
        time.sleep(0.05)


def test_slack_gets_a_short_burst_then_one_message_a_second(receiver: Receiver) -> None:
    channel = ChannelFactory(kind=ChannelKind.SLACK, url=receiver.url)
    drain([DeliveryFactory(channel=channel, error=ErrorGroupFactory()) for _ in range(6)])
    assert len(receiver.received) == 6
    times = sorted(Attempt.objects.values_list("started_at", flat=True))
    for i, j in itertools.combinations(range(6), 2):
        assert (times[j] - times[i]).total_seconds() >= (j - i + 1 - BURST) - 0.1
    assert (times[2] - times[0]).total_seconds() < 0.5
    assert (times[5] - times[0]).total_seconds() >= 2.9


def test_a_far_slot_defers_the_delivery_and_keeps_its_place(receiver: Receiver) -> None:
    channel = ChannelFactory(kind=ChannelKind.SLACK, url=receiver.url)
    channel.next_send_at = timezone.now() + timedelta(seconds=20)
    channel.save()
    delivery = DeliveryFactory(channel=channel)
    result = deliver_one(delivery.pk)
    assert result.status == "deferred" and result.retry_in and 15 < result.retry_in <= 18
    row = Delivery.objects.get(pk=delivery.pk)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    assert row.slot_at == row.next_attempt_at
    assert receiver.received == []


def test_webhooks_are_not_spaced(receiver: Receiver) -> None:
    channel = ChannelFactory(url=receiver.url)
    started = time.monotonic()
    for _ in range(3):
        deliver_one(DeliveryFactory(channel=channel, error=ErrorGroupFactory()).pk)
    assert time.monotonic() - started < 1.0
