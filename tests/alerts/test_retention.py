"""Housekeeping of the alert tables: finished deliveries (with their attempts) and firings past
retention go; work still to send, digests still collecting and repeat-interval clocks stay."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from alerts import retention, tasks
from alerts.models import Attempt, Delivery, DeliveryKind, DeliveryStatus, Firing
from tests.alerts.factories import AttemptFactory, DeliveryFactory, FiringFactory, RuleFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def delivery(days_ago: float, status: str, **fields: Any) -> Delivery:
    return DeliveryFactory(created_at=NOW - days_ago * DAY, status=status, **fields)


def left() -> set[int]:
    return set(Delivery.objects.values_list("pk", flat=True))


@pytest.fixture(autouse=True)
def _retention(settings: Any) -> None:
    settings.DELIVERY_RETENTION_DAYS = 30


def test_finished_deliveries_past_retention_go_with_their_attempts() -> None:
    sent = delivery(31, DeliveryStatus.SENT)
    failed = delivery(31, DeliveryStatus.FAILED)
    AttemptFactory.create_batch(3, delivery=failed)
    AttemptFactory(delivery=sent)
    recent = delivery(29, DeliveryStatus.SENT)
    AttemptFactory(delivery=recent)
    assert retention.prune(NOW)["deliveries"] == 2
    assert left() == {recent.pk}
    assert list(Attempt.objects.values_list("delivery_id", flat=True)) == [recent.pk]


def test_deliveries_still_to_send_stay_whatever_their_age() -> None:
    pending = delivery(90, DeliveryStatus.PENDING, attempts=3)
    sending = delivery(90, DeliveryStatus.SENDING)
    assert retention.prune(NOW)["deliveries"] == 0
    assert left() == {pending.pk, sending.pk}


def test_alerts_in_a_digest_go_only_once_it_is_sent() -> None:
    digest = delivery(31, DeliveryStatus.PENDING, kind=DeliveryKind.DIGEST, error=None)
    items = [delivery(31, DeliveryStatus.DIGESTED, digest=digest) for _ in range(3)]
    assert retention.prune(NOW)["deliveries"] == 0
    Delivery.objects.filter(pk=digest.pk).update(status=DeliveryStatus.SENT)
    assert retention.prune(NOW)["deliveries"] == 4
    assert not left() & {digest.pk, *(item.pk for item in items)}


def test_a_digest_past_retention_leaves_its_recent_alerts_alone() -> None:
    digest = delivery(31, DeliveryStatus.SENT, kind=DeliveryKind.DIGEST, error=None)
    item = delivery(29, DeliveryStatus.DIGESTED, digest=digest)
    retention.prune(NOW)
    item.refresh_from_db()
    assert (left(), item.digest_id) == ({item.pk}, None)


def test_batches_repeat_until_nothing_is_left() -> None:
    for _ in range(5):
        delivery(40, DeliveryStatus.SENT)
    assert retention.prune_deliveries(NOW - 30 * DAY, batch=2) == 5
    assert not left()


def test_firings_stay_as_long_as_the_longest_repeat_interval(settings: Any) -> None:
    settings.DELIVERY_RETENTION_DAYS = 7
    rule = RuleFactory(repeat_interval=timedelta(days=30))
    clock = FiringFactory(rule=rule, created_at=NOW - 20 * DAY)
    FiringFactory(rule=rule, created_at=NOW - 31 * DAY)
    assert retention.prune(NOW)["firings"] == 1
    assert list(Firing.objects.values_list("pk", flat=True)) == [clock.pk]


def test_deliveries_outlive_their_firing(settings: Any) -> None:
    settings.DELIVERY_RETENTION_DAYS = 60
    firing = FiringFactory(created_at=NOW - 61 * DAY)
    kept = delivery(59, DeliveryStatus.SENT, firing=firing, rule_name="prod errors")
    assert retention.prune(NOW) == {"deliveries": 0, "firings": 1}
    kept.refresh_from_db()
    assert (kept.firing_id, kept.rule_name) == (None, "prod errors")


def test_the_task_prunes_by_the_settings() -> None:
    now = timezone.now()
    DeliveryFactory(created_at=now - 31 * DAY, status=DeliveryStatus.SENT)
    kept = DeliveryFactory(created_at=now - 29 * DAY, status=DeliveryStatus.SENT)
    assert tasks.prune() == {"deliveries": 1, "firings": 0}
    assert left() == {kept.pk}
