"""Exactly one send per (event, channel): repeated tasks, two workers, a lost lease."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alerts.dispatch import dispatch_pending
from alerts.models import Attempt, ChannelKind, Delivery, DeliveryStatus
from alerts.sending import deliver_one
from tests.alerts.conftest import Receiver
from tests.alerts.factories import ChannelFactory, DeliveryFactory, EventFactory, RuleFactory
from tests.stubs.server import Reply


@pytest.mark.django_db
def test_delivering_twice_sends_once(receiver: Receiver) -> None:
    delivery = DeliveryFactory(channel=ChannelFactory(url=receiver.url))
    assert deliver_one(delivery.pk).status == DeliveryStatus.SENT
    assert deliver_one(delivery.pk).status == "not claimed"
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(receiver: Receiver) -> None:
    receiver.answer(Reply(200, "ok", delay=0.3))
    delivery = DeliveryFactory(channel=ChannelFactory(url=receiver.url))
    start = threading.Barrier(4)
    results: list[str] = []

    def worker() -> None:
        start.wait()
        try:
            results.append(deliver_one(delivery.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["not claimed"] * 3 + ["sent"]
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_held_lease_blocks_others_until_it_runs_out(receiver: Receiver) -> None:
    delivery = DeliveryFactory(channel=ChannelFactory(url=receiver.url))
    soon = timezone.now() + timedelta(seconds=30)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, lease_until=soon)
    assert deliver_one(delivery.pk).status == "not claimed"
    past = timezone.now() - timedelta(seconds=1)
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=past, attempts=1)
    assert deliver_one(delivery.pk).status == DeliveryStatus.SENT
    assert len(receiver.received) == 1
    interrupted, sent = Attempt.objects.order_by("pk")
    assert interrupted.error.startswith("interrupted") and sent.outcome == "sent"


@pytest.mark.django_db
def test_retries_keep_the_idempotency_key(receiver: Receiver) -> None:
    receiver.answer(Reply(500, "oops"), Reply(200, "ok"))
    delivery = DeliveryFactory(channel=ChannelFactory(url=receiver.url))
    deliver_one(delivery.pk)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    deliver_one(delivery.pk)
    keys = {request.headers["idempotency-key"] for request in receiver.received}
    assert keys == {delivery.key}


@pytest.mark.django_db
def test_one_delivery_per_event_and_channel_whatever_the_rules() -> None:
    channel = ChannelFactory(kind=ChannelKind.SLACK)
    RuleFactory(channels=[channel])
    RuleFactory(channels=[channel])
    event = EventFactory()
    dispatch_pending()
    dispatch_pending()
    (delivery,) = Delivery.objects.all()
    assert delivery.key == f"event-{event.pk}-channel-{channel.pk}"
