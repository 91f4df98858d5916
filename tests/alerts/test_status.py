"""The error page's view of delivery trouble: the last failure per channel."""

import pytest

from alerts.dispatch import dispatch_pending
from alerts.models import Delivery
from alerts.sending import deliver_one
from alerts.status import last_failures_for_error
from tests.alerts.conftest import Receiver
from tests.alerts.factories import ChannelFactory, DeliveryFactory, EventFactory, RuleFactory
from tests.factories import ErrorGroupFactory
from tests.stubs.server import Reply

pytestmark = pytest.mark.django_db


def test_failures_per_channel_newest_first_and_cleared_by_success(receiver: Receiver) -> None:
    error = ErrorGroupFactory()
    dead = ChannelFactory(name="dead", url=receiver.url)
    flaky = ChannelFactory(name="flaky", url=receiver.url)
    receiver.answer(Reply(404, "no_service"), Reply(500, "oops"), Reply(200, "ok"))
    deliver_one(DeliveryFactory(channel=dead, error=error).pk)
    flaky_delivery = DeliveryFactory(channel=flaky, error=error)
    deliver_one(flaky_delivery.pk)
    failures = last_failures_for_error(error.pk)
    assert [(f.channel, f.gave_up) for f in failures] == [("flaky", False), ("dead", True)]
    assert failures[1].message == "HTTP 404: no_service" and failures[0].next_attempt_at
    Delivery.objects.filter(pk=flaky_delivery.pk).update(next_attempt_at=flaky_delivery.created_at)
    deliver_one(flaky_delivery.pk)
    assert [f.channel for f in last_failures_for_error(error.pk)] == ["dead"]
    assert last_failures_for_error(ErrorGroupFactory().pk) == []


def test_a_failed_digest_counts_for_each_error_in_it(receiver: Receiver) -> None:
    receiver.answer(Reply(410, "channel_is_archived"))
    RuleFactory(channels=[ChannelFactory(name="ops", url=receiver.url, digest_threshold=1)])
    events = EventFactory.create_batch(2)
    (due,) = dispatch_pending()
    deliver_one(due.delivery_id)
    (failure,) = last_failures_for_error(events[0].error_id)
    assert failure.channel == "ops" and failure.gave_up
