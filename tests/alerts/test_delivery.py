"""Delivering one alert: every answer of the receiver is recorded, retried or stopped."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Attempt, Channel, ChannelKind, Delivery, DeliveryStatus, Outcome
from alerts.recording import MAX_ATTEMPTS
from alerts.sending import deliver_one
from errors.models import Activity, ActivityKind
from tests.alerts.conftest import Receiver
from tests.alerts.factories import ChannelFactory, DeliveryFactory
from tests.stubs.server import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(receiver: Receiver) -> Delivery:
    return DeliveryFactory(channel=ChannelFactory(kind=ChannelKind.SLACK, url=receiver.url))


def reload(delivery: Delivery) -> Delivery:
    return Delivery.objects.select_related("channel").get(pk=delivery.pk)


def test_sent_is_recorded_with_history(receiver: Receiver, delivery: Delivery) -> None:
    result = deliver_one(delivery.pk)
    assert result.status == DeliveryStatus.SENT and result.retry_in is None
    row = reload(delivery)
    assert row.status == DeliveryStatus.SENT and row.sent_at and row.claim is None
    (attempt,) = Attempt.objects.filter(delivery=delivery)
    assert (attempt.outcome, attempt.status_code, attempt.response_excerpt) == ("sent", 200, "ok")
    assert row.channel.last_success_at is not None
    (activity,) = Activity.objects.filter(error=delivery.error, kind=ActivityKind.ALERTED)
    assert activity.data["channel"] == row.channel.name and activity.actor_label == "alerts"
    slack = json.loads(receiver.received[0].body)
    assert slack["blocks"][0]["text"]["text"].startswith(":red_circle: *<https://console.example/")


def test_429_waits_for_retry_after(receiver: Receiver, delivery: Delivery) -> None:
    receiver.answer(Reply(429, "rate_limited", {"Retry-After": "30"}))
    before = timezone.now()
    result = deliver_one(delivery.pk)
    assert result.status == DeliveryStatus.PENDING and result.retry_in == 30.0
    row = reload(delivery)
    assert row.next_attempt_at >= before + timedelta(seconds=30)
    assert "HTTP 429" in row.last_error and "HTTP 429" in row.channel.last_failure
    assert Attempt.objects.get(delivery=delivery).outcome == Outcome.TRANSIENT
    assert deliver_one(delivery.pk).status == "not claimed"
    assert len(receiver.received) == 1


def test_500_then_200_retries_with_backoff(receiver: Receiver, delivery: Delivery) -> None:
    receiver.answer(Reply(500, "oops"), Reply(200, "ok"))
    result = deliver_one(delivery.pk)
    assert result.retry_in is not None and 5 <= result.retry_in <= 10
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliver_one(delivery.pk).status == DeliveryStatus.SENT
    outcomes = list(Attempt.objects.filter(delivery=delivery).values_list("outcome", "status_code"))
    assert sorted(outcomes) == [("sent", 200), ("transient", 500)]
    assert reload(delivery).channel.last_failure.startswith("Alert: HTTP 500")


def test_404_is_permanent_and_never_retried(receiver: Receiver, delivery: Delivery) -> None:
    receiver.answer(Reply(404, "no_service"))
    result = deliver_one(delivery.pk)
    assert result.status == DeliveryStatus.FAILED and result.retry_in is None
    row = reload(delivery)
    assert row.status == DeliveryStatus.FAILED and row.last_error == "HTTP 404: no_service"
    assert row.channel.last_failure_at is not None
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliver_one(delivery.pk).status == "not claimed"
    assert len(receiver.received) == 1


@pytest.mark.parametrize(("status", "outcome"), [(200, "sent"), (400, "failed")])
def test_a_nul_in_the_answer_is_recorded_and_sent_once(
    receiver: Receiver, delivery: Delivery, status: int, outcome: str
) -> None:
    receiver.answer(Reply(status, b"ok\x00done"))
    assert deliver_one(delivery.pk).status == outcome
    assert reload(delivery).status == outcome
    assert Attempt.objects.get(delivery=delivery).response_excerpt == "ok\ufffddone"
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=timezone.now())
    assert deliver_one(delivery.pk).status == "not claimed"
    assert len(receiver.received) == 1


def test_timeout_is_retried(receiver: Receiver, delivery: Delivery) -> None:
    receiver.answer(Reply(200, "ok", delay=2.0))
    result = deliver_one(delivery.pk)
    assert result.status == DeliveryStatus.PENDING and result.retry_in
    assert "timed out" in reload(delivery).last_error


def test_gives_up_after_the_last_attempt(receiver: Receiver, delivery: Delivery) -> None:
    receiver.answer(Reply(503, "down"))
    Delivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    result = deliver_one(delivery.pk)
    assert result.status == DeliveryStatus.FAILED
    assert reload(delivery).last_error.endswith("(gave up)")


def test_disabled_channel_fails_permanently(receiver: Receiver, delivery: Delivery) -> None:
    Channel.objects.filter(pk=delivery.channel_id).update(enabled=False)
    assert deliver_one(delivery.pk).status == DeliveryStatus.FAILED
    assert receiver.received == []


def test_email_channel_uses_django_mail(mailoutbox: list[object]) -> None:
    channel = ChannelFactory(kind=ChannelKind.EMAIL, url="", recipients=["ops@example.com"])
    delivery = DeliveryFactory(channel=channel)
    assert deliver_one(delivery.pk).status == DeliveryStatus.SENT
    (mail,) = mailoutbox
    assert mail.to == ["ops@example.com"]  # type: ignore[attr-defined]
    assert "(New error)" in mail.subject  # type: ignore[attr-defined]
    assert "Console: https://console.example/errors/" in mail.body  # type: ignore[attr-defined]


def test_an_unexpected_error_is_recorded_and_retried(
    receiver: Receiver, delivery: Delivery, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("alerts.loading.alert_for", broken)
    result = deliver_one(delivery.pk)
    assert result.status == DeliveryStatus.PENDING and result.retry_in
    assert reload(delivery).last_error == "internal error: KeyError: 'boom'"
