"""Events → rules → deliveries: triggers, filters, the repeat interval, disabled things."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from alerts.dispatch import dispatch_pending
from alerts.models import Assigned, Delivery, Firing
from errors.models import Event, EventKind, Status
from tests.alerts.factories import ChannelFactory, EventFactory, RuleFactory
from tests.factories import ErrorGroupFactory, HourlyCountFactory, OccurrenceFactory

pytestmark = pytest.mark.django_db


def alerted() -> list[str]:
    return sorted(Delivery.objects.values_list("reason", flat=True))


def test_new_and_regression_fire_unignored_only_when_asked() -> None:
    RuleFactory(channels=[ChannelFactory()], on_unignored=False)
    for kind in (EventKind.NEW, EventKind.REGRESSION, EventKind.UNIGNORED):
        EventFactory(kind=kind)
    due = dispatch_pending()
    assert alerted() == ["New error", "Regressed: seen again after resolve"]
    assert len(due) == 2
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()


def test_back_from_ignore() -> None:
    RuleFactory(channels=[ChannelFactory()], on_new=False, on_unignored=True)
    EventFactory(kind=EventKind.UNIGNORED)
    dispatch_pending()
    assert alerted() == ["Back from ignore"]


@pytest.mark.parametrize(
    ("rule", "error", "fires"),
    [
        ({"services": ["api"]}, {"service": "api"}, True),
        ({"services": ["api"]}, {"service": "worker"}, False),
        ({"environments": ["prod"]}, {"environment": "dev"}, False),
        ({"levels": ["critical"]}, {"level": "critical"}, True),
        ({"exception_types": ["KeyError"]}, {"exception_type": "ValueError"}, False),
        ({"assigned": Assigned.NO}, {}, True),
        ({"assigned": Assigned.YES}, {}, False),
    ],
)
def test_filters(rule: dict[str, object], error: dict[str, object], fires: bool) -> None:
    RuleFactory(channels=[ChannelFactory()], **rule)
    EventFactory(error=ErrorGroupFactory(**error))
    dispatch_pending()
    assert Delivery.objects.exists() is fires


def test_assigned_filter(alice: object) -> None:
    RuleFactory(channels=[ChannelFactory()], assigned=Assigned.YES)
    EventFactory(error=ErrorGroupFactory(assignee=alice))
    dispatch_pending()
    assert Delivery.objects.count() == 1


def test_tenant_filter_looks_at_the_occurrences() -> None:
    RuleFactory(channels=[ChannelFactory()], tenants=["tenant-b"])
    hit, miss = ErrorGroupFactory(), ErrorGroupFactory()
    OccurrenceFactory(error=hit, tenant="tenant-b")
    OccurrenceFactory(error=miss, tenant="tenant-a")
    EventFactory(error=hit)
    EventFactory(error=miss)
    dispatch_pending()
    assert list(Delivery.objects.values_list("error_id", flat=True)) == [hit.pk]


def test_n_in_m_minutes() -> None:
    RuleFactory(channels=[ChannelFactory()], on_new=False, on_regression=False, min_count=5,
                window_minutes=10)  # fmt: skip
    error = ErrorGroupFactory(status=Status.INVESTIGATING)
    for minutes in (1, 2, 3, 4):
        OccurrenceFactory(error=error, timestamp=timezone.now() - timedelta(minutes=minutes))
    OccurrenceFactory(error=error, timestamp=timezone.now() - timedelta(minutes=30))
    EventFactory(error=error, kind=EventKind.FREQUENCY)
    dispatch_pending()
    assert alerted() == []
    OccurrenceFactory(error=error)
    EventFactory(error=error, kind=EventKind.FREQUENCY)
    dispatch_pending()
    assert alerted() == ["5 occurrences in 10 min (threshold 5)"]


def test_spike_against_the_errors_own_rate() -> None:
    RuleFactory(channels=[ChannelFactory()], on_new=False, on_regression=False, spike_factor=3,
                window_minutes=60)  # fmt: skip
    steady, spiking = ErrorGroupFactory(), ErrorGroupFactory()
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for error in (steady, spiking):
        for back in range(1, 25):
            HourlyCountFactory(error=error, hour=hour - timedelta(hours=back), count=10)
    for i in range(12):
        OccurrenceFactory(error=steady, timestamp=timezone.now() - timedelta(minutes=i))
    for i in range(40):
        OccurrenceFactory(error=spiking, timestamp=timezone.now() - timedelta(minutes=i))
    EventFactory(error=steady, kind=EventKind.FREQUENCY)
    EventFactory(error=spiking, kind=EventKind.FREQUENCY)
    dispatch_pending()
    assert alerted() == ["Spike: 40 in 60 min, usually about 10.0"]


def test_count_triggers_stay_quiet_for_ignored_errors() -> None:
    RuleFactory(channels=[ChannelFactory()], on_new=False, min_count=1)
    error = ErrorGroupFactory(status=Status.IGNORED)
    OccurrenceFactory(error=error)
    EventFactory(error=error, kind=EventKind.FREQUENCY)
    dispatch_pending()
    assert alerted() == []


def test_repeat_interval_holds_per_error_and_rule() -> None:
    channel = ChannelFactory()
    hourly = RuleFactory(channels=[channel], repeat_interval=timedelta(hours=1))
    RuleFactory(channels=[ChannelFactory()], repeat_interval=timedelta(minutes=5))
    error, other = ErrorGroupFactory(), ErrorGroupFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        EventFactory(error=error, kind=EventKind.NEW)
        EventFactory(error=error, kind=EventKind.REGRESSION)
        dispatch_pending()
        assert Firing.objects.filter(rule=hourly).count() == 1
        clock.shift(timedelta(minutes=30))
        EventFactory(error=error, kind=EventKind.REGRESSION)
        EventFactory(error=other, kind=EventKind.NEW)
        dispatch_pending()
        assert Firing.objects.filter(rule=hourly).count() == 2
        assert Firing.objects.filter(rule=hourly, error=error).count() == 1
        assert Firing.objects.exclude(rule=hourly).count() == 3
        clock.shift(timedelta(minutes=31))
        EventFactory(error=error, kind=EventKind.REGRESSION)
        dispatch_pending()
        assert Firing.objects.filter(rule=hourly, error=error).count() == 2


def test_disabled_rules_and_channels_send_nothing() -> None:
    RuleFactory(channels=[ChannelFactory()], enabled=False)
    RuleFactory(channels=[ChannelFactory(enabled=False)])
    EventFactory()
    dispatch_pending()
    assert not Delivery.objects.exists()
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
