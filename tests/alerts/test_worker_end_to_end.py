"""End to end with real Celery workers on real Redis: an outbox event becomes one alert.

The test plays the poller's part exactly as it does it: write the event in a transaction and,
on commit, send the `alerts.dispatch` task by name.
"""

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from alerts.models import Attempt, Delivery, DeliveryStatus
from alerts.tasks import deliver, sweep
from console.celery import app
from errors.models import Activity, ActivityKind, ErrorGroup, LokiSource
from tests.alerts.conftest import Receiver
from tests.alerts.factories import ChannelFactory, EventFactory, RuleFactory
from tests.alerts.workers import Worker, purge_broker, running, wait_for
from tests.factories import ErrorGroupFactory, OccurrenceFactory
from tests.stubs.loki import LokiStub
from tests.stubs.server import Reply

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SECOND = 10**9


@pytest.fixture(autouse=True)
def _clean_broker() -> Iterator[None]:
    purge_broker()
    yield
    purge_broker()


@pytest.fixture
def error(loki_stub: LokiStub, receiver: Receiver) -> ErrorGroup:
    """An error with one occurrence in the stub Loki, and a rule sending it to the receiver."""
    RuleFactory(channels=[ChannelFactory(url=receiver.url)])
    LokiSource.objects.create(name="main", url=loki_stub.url, selector='{job="app"}')
    at = time.time_ns() - 5 * SECOND
    loki_stub.push({"job": "app", "level": "info"}, [(at - SECOND, "before it")])
    loki_stub.push({"job": "app", "level": "error"}, [(at, "it broke")])
    error = ErrorGroupFactory()
    OccurrenceFactory(error=error, source="main", timestamp_ns=at,
                      stream_labels={"job": "app", "level": "error"})  # fmt: skip
    return error


def poll_writes_event(error: ErrorGroup) -> None:
    with transaction.atomic():
        EventFactory(error=error)
        transaction.on_commit(lambda: app.send_task("alerts.dispatch"))


def keys(receiver: Receiver) -> list[str]:
    return [request.headers["idempotency-key"] for request in receiver.received]


def test_an_event_in_the_outbox_reaches_the_receiver_exactly_once(
    error: ErrorGroup, receiver: Receiver
) -> None:
    with running("solo"):
        started = time.monotonic()
        poll_writes_event(error)
        wait_for(lambda: receiver.received)
        latency = time.monotonic() - started
        app.send_task("alerts.dispatch")
        sweep.delay()
        time.sleep(2)
    assert len(receiver.received) == 1 and latency < 2.0
    body = json.loads(receiver.received[0].body)
    assert body["error"]["id"] == str(error.pk)
    assert [line["line"] for line in body["context"]["lines"]] == ["before it", "it broke"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert Activity.objects.filter(error=error, kind=ActivityKind.ALERTED).count() == 1


def test_two_workers_and_repeated_tasks_send_once(error: ErrorGroup, receiver: Receiver) -> None:
    receiver.answer(Reply(200, "ok", delay=0.5))
    with running("one", "two"):
        poll_writes_event(error)
        wait_for(lambda: Delivery.objects.exists())
        delivery_id = Delivery.objects.get().pk
        for _ in range(10):
            deliver.delay(delivery_id)
        wait_for(lambda: Delivery.objects.get().status == DeliveryStatus.SENT)
        time.sleep(2)
    assert len(receiver.received) == 1


def expire_leases() -> None:
    """Time passes: the dead worker's lease (60 s) runs out."""
    past = timezone.now() - timezone.timedelta(seconds=1)
    Delivery.objects.filter(status=DeliveryStatus.SENDING).update(lease_until=past)


def test_killed_before_the_send_then_restarted_sends_exactly_once(
    error: ErrorGroup, receiver: Receiver, loki_stub: LokiStub
) -> None:
    loki_stub.delay = 1.5
    worker = Worker("doomed").start()
    try:
        poll_writes_event(error)
        wait_for(lambda: loki_stub.requests_to("/loki/api/v1/query_range"))
        worker.kill()
    finally:
        worker.stop()
    assert Delivery.objects.get().status == DeliveryStatus.SENDING
    loki_stub.delay = 0.0
    with running("phoenix"):
        expire_leases()
        sweep.delay()
        wait_for(lambda: Delivery.objects.get().status == DeliveryStatus.SENT)
        time.sleep(1)
    assert len(receiver.received) == 1


def test_killed_while_the_receiver_holds_the_request_sends_one_alert_by_key(
    error: ErrorGroup, receiver: Receiver
) -> None:
    """Unknowable from our side whether the first request counted: the key lets receivers dedupe."""
    receiver.answer(Reply(200, "ok", delay=3.0), Reply(200, "ok"))
    worker = Worker("doomed").start()
    try:
        poll_writes_event(error)
        wait_for(lambda: receiver.received)
        worker.kill()
    finally:
        worker.stop()
    with running("phoenix"):
        expire_leases()
        sweep.delay()
        wait_for(lambda: Delivery.objects.get().status == DeliveryStatus.SENT)
        time.sleep(1)
    assert len(receiver.received) == 2
    assert len(set(keys(receiver))) == 1
    outcomes = sorted(Attempt.objects.values_list("outcome", "error"))
    assert outcomes[0][0] == "sent" and outcomes[1][1].startswith("interrupted")
    assert Activity.objects.filter(error=error, kind=ActivityKind.ALERTED).count() == 1


def test_a_line_in_loki_polled_by_the_worker_becomes_exactly_one_alert(
    loki_stub: LokiStub, receiver: Receiver
) -> None:
    """The whole path: stub Loki → poller task → outbox → dispatch → delivery → receiver."""
    RuleFactory(channels=[ChannelFactory(url=receiver.url)])
    source = LokiSource.objects.create(
        name="app", url=loki_stub.url, selector='{job="app"}', delay=timedelta(0)
    )
    at = time.time_ns() - SECOND
    loki_stub.push({"job": "app", "env": "dev", "level": "info"}, [(at - SECOND, "request in")])
    line = {"level": "error", "message": "payment failed", "exception_type": "PaymentError",
            "fingerprint": "payment_failed"}  # fmt: skip
    loki_stub.push({"job": "app", "env": "dev", "level": "error"}, [(at, json.dumps(line))])
    with running("solo"):
        app.send_task("errors.poll_source", args=[source.pk])
        wait_for(lambda: receiver.received)
        app.send_task("errors.poll_source", args=[source.pk])
        sweep.delay()
        time.sleep(2)
    assert len(receiver.received) == 1
    body = json.loads(receiver.received[0].body)
    assert body["error"]["fingerprint"] == "payment_failed" and body["reason"]["kind"] == "new"
    assert [c["line"] for c in body["context"]["lines"]] == ["request in", "payment failed"]
