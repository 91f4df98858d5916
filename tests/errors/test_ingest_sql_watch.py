"""Rows applications write with their own SQL are noticed like lines from Loki."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from errors.ingest.poll import poll_once
from errors.ingest.sql_watch import watch_sql
from errors.models import ActivityKind, ErrorGroup, Event, EventKind, HourlyCount, LokiSource
from tests.errors.test_ingest_world import (
    Clock,
    clock_fixture,
    counts,
    hourly_totals,
    loki_stub_fixture,
    push_burst,
    source_fixture,
)
from tests.errors.test_schema import APPLICATION_UPSERT
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub

FIXTURES = (loki_stub_fixture, clock_fixture, source_fixture)
pytestmark = pytest.mark.django_db


def app_reports(fingerprint: str, times: int = 1) -> None:
    """The statement applications run today, verbatim."""
    with connection.cursor() as cursor:
        for _ in range(times):
            cursor.execute(APPLICATION_UPSERT, [fingerprint, "Database down", json.dumps({})])


def kinds() -> list[str]:
    return list(Event.objects.order_by("pk").values_list("kind", flat=True))


def hours() -> dict[datetime, int]:
    return dict(HourlyCount.objects.values_list("hour", "count"))


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def test_a_row_an_application_inserted_is_new_once() -> None:
    app_reports("app_only", times=3)
    summary = watch_sql()
    error = ErrorGroup.objects.get()
    assert (summary.new, kinds()) == (1, [EventKind.NEW])
    assert (error.noticed_count, error.status) == (3, "new")
    assert list(error.activities.values_list("kind", "actor_label")) == [("created", "sql")]
    assert HourlyCount.objects.get().count == 3
    assert watch_sql().events == 0


def test_increments_after_resolve_are_a_regression() -> None:
    app_reports("db_down")
    watch_sql()
    ErrorGroup.objects.update(status="resolved", resolved_at=timezone.now() - timedelta(hours=1))
    app_reports("db_down", times=2)
    summary = watch_sql()
    error = ErrorGroup.objects.get()
    assert (summary.regressed, error.status, error.regression_count) == (1, "new", 1)
    assert error.activities.filter(kind=ActivityKind.REGRESSED, actor_label="sql").exists()
    assert kinds() == [EventKind.NEW, EventKind.REGRESSION]
    assert HourlyCount.objects.get().count == 3


def test_increments_of_an_open_error_raise_a_frequency_event() -> None:
    app_reports("db_down")
    watch_sql()
    app_reports("db_down", times=4)
    assert watch_sql().events == 1
    assert Event.objects.get(kind=EventKind.FREQUENCY).data["lines"] == 4


def test_an_ignored_error_counted_by_an_application_comes_back() -> None:
    error = ErrorGroupFactory(
        fingerprint="db_down",
        status="ignored",
        occurrence_count=5,
        ignored_until_count=7,
        noticed_at=timezone.now(),
        noticed_count=5,
    )
    app_reports("db_down")
    assert watch_sql().unignored == 0
    app_reports("db_down")
    assert watch_sql().unignored == 1
    error.refresh_from_db()
    assert error.status == "new"
    assert kinds() == [EventKind.UNIGNORED]


def test_an_ignore_date_that_passed_brings_the_error_back() -> None:
    ErrorGroupFactory(
        status="ignored", ignored_until=timezone.now() - timedelta(minutes=1), noticed_at=None
    )
    summary = watch_sql()
    assert (summary.new, summary.unignored) == (1, 1)
    assert ErrorGroup.objects.get().status == "new"


def test_the_poller_and_an_application_share_one_group(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    app_reports("db_timeout", times=2)
    push_burst(loki_stub, clock, {"db_timeout": 5})
    assert poll_once(source.pk, now=clock.now).new == 1
    assert watch_sql().events == 0
    assert counts() == {"db_timeout": 7}
    app_reports("db_timeout")
    watch_sql()
    error = ErrorGroup.objects.get()
    assert (error.occurrence_count, error.noticed_count) == (8, 8)
    assert kinds() == [EventKind.NEW, EventKind.FREQUENCY]
    assert Event.objects.get(kind=EventKind.FREQUENCY).data["lines"] == 1
    assert hourly_totals() == {"db_timeout": 8}


def test_the_poller_files_what_an_application_counted_first_under_its_last_seen_hour(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    """The poller noticing the row takes its count over from the SQL watcher, so it files the
    application's occurrences in the chart as the watcher would have: at `last_seen_at`."""
    app_reports("db_timeout", times=2)
    reported = clock.now - timedelta(hours=3)
    ErrorGroup.objects.update(first_seen_at=reported, last_seen_at=reported)
    push_burst(loki_stub, clock, {"db_timeout": 5}, seconds_ago=90)
    poll_once(source.pk, now=clock.now)
    lines_hour = hour_of(clock.now - timedelta(seconds=90, microseconds=1))
    assert hours() == {hour_of(reported): 2, lines_hour: 5}
    assert watch_sql().events == 0
    assert hours() == {hour_of(reported): 2, lines_hour: 5}
    assert counts() == hourly_totals() == {"db_timeout": 7}


def test_an_applications_count_from_the_hour_of_the_polls_lines_adds_to_their_row(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    clock.now = hour_of(clock.now) - timedelta(minutes=30)
    app_reports("db_timeout", times=2)
    reported = clock.now - timedelta(seconds=120)
    ErrorGroup.objects.update(first_seen_at=reported, last_seen_at=reported)
    push_burst(loki_stub, clock, {"db_timeout": 5}, seconds_ago=90)
    poll_once(source.pk, now=clock.now)
    assert hours() == {hour_of(clock.now): 7}
