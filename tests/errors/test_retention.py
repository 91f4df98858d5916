"""Housekeeping of the error tables: old dispatched events and old hourly counts go, in batches;
pending events, recent rows and triage history stay."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import Delivery, Firing
from errors import retention, stats, tasks
from errors.models import Activity, ActivityKind, Event, EventKind, HourlyCount, Note
from tests.alerts.factories import DeliveryFactory, EventFactory, FiringFactory
from tests.factories import ErrorGroupFactory, HourlyCountFactory, NoteFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def dispatched(days_ago: float, **fields: Any) -> Event:
    at = NOW - days_ago * DAY
    return EventFactory(created_at=at - timedelta(seconds=5), dispatched_at=at, **fields)


def event_deletes(queries: CaptureQueriesContext) -> int:
    return sum(q["sql"].startswith('DELETE FROM "errors_event"') for q in queries.captured_queries)


def test_dispatched_events_past_retention_go_the_rest_stay(settings: Any) -> None:
    settings.EVENT_RETENTION_DAYS = 7
    dispatched(8)
    recent = dispatched(6)
    pending = EventFactory(kind=EventKind.FREQUENCY, created_at=NOW - 30 * DAY)
    pending_new = EventFactory(created_at=NOW - 30 * DAY)
    assert retention.prune(NOW)["events"] == 1
    kept = set(Event.objects.values_list("pk", flat=True))
    assert kept == {recent.pk, pending.pk, pending_new.pk}


def test_batches_repeat_until_nothing_is_left() -> None:
    for _ in range(7):
        dispatched(10)
    with CaptureQueriesContext(connection) as queries:
        assert retention.prune_events(NOW - DAY, batch=3) == 7
    assert event_deletes(queries) == 3
    assert not Event.objects.exists()


def test_an_exact_multiple_of_the_batch_ends_on_an_empty_batch() -> None:
    for _ in range(6):
        dispatched(10)
    assert retention.prune_events(NOW - DAY, batch=3) == 6
    assert retention.prune_events(NOW - DAY, batch=3) == 0


@pytest.mark.django_db(transaction=True)
def test_each_batch_commits_on_its_own() -> None:
    for _ in range(5):
        dispatched(10)
    with CaptureQueriesContext(connection) as queries:
        retention.prune_events(NOW - DAY, batch=2)
    commits = [q for q in queries.captured_queries if q["sql"] == "COMMIT"]
    assert len(commits) == 3


def test_deliveries_and_firings_outlive_their_event() -> None:
    old = dispatched(30)
    delivery = DeliveryFactory(error=old.error, event=old, created_at=NOW - 30 * DAY)
    firing = FiringFactory(error=old.error, event=old, created_at=NOW - 30 * DAY)
    assert retention.prune_events(NOW - 7 * DAY) == 1
    delivery.refresh_from_db()
    firing.refresh_from_db()
    assert (delivery.event_id, firing.event_id) == (None, None)
    assert (Delivery.objects.count(), Firing.objects.count()) == (1, 1)


def test_triage_history_is_kept() -> None:
    error = ErrorGroupFactory()
    Activity.objects.create(error=error, kind=ActivityKind.ALERTED, actor_label="alerts")
    Activity.objects.filter(error=error).update(created_at=NOW - 400 * DAY)
    NoteFactory(error=error)
    dispatched(400, error=error)
    retention.prune(NOW)
    assert (Activity.objects.count(), Note.objects.count(), Event.objects.count()) == (1, 1, 0)


def test_hourly_counts_past_retention_go(settings: Any) -> None:
    settings.HOURLY_COUNT_RETENTION_DAYS = 90
    hour = NOW.replace(minute=0)
    error = ErrorGroupFactory()
    for days in (91, 89, 0):
        HourlyCountFactory(error=error, hour=hour - days * DAY, count=days + 1)
    assert retention.prune(NOW)["hourly_counts"] == 1
    assert sorted(HourlyCount.objects.values_list("count", flat=True)) == [1, 90]


def test_the_shortest_hourly_retention_keeps_the_longest_chart(settings: Any) -> None:
    settings.HOURLY_COUNT_RETENTION_DAYS = 30
    first_day = stats.bucket_starts(NOW, "day", 30)[0]
    error = ErrorGroupFactory()
    HourlyCountFactory(error=error, hour=first_day, count=4)
    HourlyCountFactory(error=error, hour=first_day - timedelta(hours=1), count=1)
    retention.prune(NOW)
    assert stats.series([error.id], "day", 30, NOW)[error.id][0] == 4


def test_the_task_prunes_by_the_settings(settings: Any) -> None:
    now, days = timezone.now(), settings.EVENT_RETENTION_DAYS
    EventFactory(dispatched_at=now - (days + 1) * DAY)
    kept = EventFactory(dispatched_at=now - (days - 1) * DAY)
    assert tasks.prune() == {"events": 1, "hourly_counts": 0}
    assert list(Event.objects.values_list("pk", flat=True)) == [kept.pk]
