"""The poller's transitions in errors.triage: one statement per step, whatever the number of ids."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from errors import triage
from errors.models import Activity, ActivityKind, ErrorGroup, Status
from tests.factories import ErrorGroupFactory

pytestmark = pytest.mark.django_db


def test_history_for_many_new_errors_is_one_statement(django_assert_num_queries: Any) -> None:
    ids = [error.id for error in ErrorGroupFactory.create_batch(3)]
    frozen = timezone.now()
    with time_machine.travel(frozen, tick=False), django_assert_num_queries(1):
        triage.mark_created(ids, actor_label="poller", data={"source": "app"})
    rows = Activity.objects.values_list(
        "error_id", "kind", "actor", "actor_label", "data", "created_at"
    )
    assert sorted(rows) == sorted(
        (i, ActivityKind.CREATED, None, "poller", {"source": "app"}, frozen) for i in ids
    )


def test_no_ids_no_statement(django_assert_num_queries: Any) -> None:
    now = timezone.now()
    with django_assert_num_queries(0):
        triage.mark_created([], actor_label="poller", data={})
        assert triage.regress([], now, actor_label="poller") == []
        assert triage.unignore_due([], now, actor_label="poller") == []


def test_a_note_records_its_author(alice: Any) -> None:
    error = ErrorGroupFactory()
    note = triage.add_note(error, "looking", actor=alice)
    activity = Activity.objects.get(error=error)
    assert (activity.kind, activity.actor, activity.data) == (
        ActivityKind.NOTE_ADDED, alice, {"note_id": note.pk}
    )  # fmt: skip


def test_regress_reopens_only_the_resolved_ones(django_assert_num_queries: Any) -> None:
    now = timezone.now()
    resolved = ErrorGroupFactory.create_batch(
        2, status=Status.RESOLVED, resolved_at=now - timedelta(hours=1), regression_count=1
    )
    open_one = ErrorGroupFactory(status=Status.NEW)
    with django_assert_num_queries(2):
        reopened = triage.regress([e.id for e in [*resolved, open_one]], now, actor_label="sql")
    assert sorted(reopened) == sorted(e.id for e in resolved)
    rows = ErrorGroup.objects.filter(id__in=reopened).values_list(
        "status", "regression_count", "last_regressed_at", "resolved_at", "resolved_by"
    )
    assert list(rows) == [(Status.NEW, 2, now, None, None)] * 2
    history = Activity.objects.values_list("error_id", "kind", "actor_label", "data")
    assert sorted(history) == sorted(
        (e.id, ActivityKind.REGRESSED, "sql", {"at": now.isoformat()}) for e in resolved
    )
    assert ErrorGroup.objects.get(id=open_one.id).regression_count == 0


def test_unignore_due_brings_back_by_date_or_count_only() -> None:
    now = timezone.now()
    by_date = ErrorGroupFactory(status=Status.IGNORED, ignored_until=now - timedelta(minutes=1))
    by_count = ErrorGroupFactory(status=Status.IGNORED, occurrence_count=5, ignored_until_count=5)
    not_yet = ErrorGroupFactory(
        status=Status.IGNORED,
        ignored_until=now + timedelta(hours=1),
        occurrence_count=4,
        ignored_until_count=5,
    )
    forever = ErrorGroupFactory(status=Status.IGNORED)
    resolved = ErrorGroupFactory(status=Status.RESOLVED, ignored_until=now - timedelta(days=1))
    candidates = [by_date.id, by_count.id, not_yet.id, forever.id, resolved.id]
    back = triage.unignore_due(candidates, now, actor_label="poller")
    assert sorted(back) == sorted([by_date.id, by_count.id])
    statuses = dict(ErrorGroup.objects.values_list("id", "status"))
    assert [statuses[e.id] for e in (by_date, by_count, not_yet, forever, resolved)] == [
        Status.NEW, Status.NEW, Status.IGNORED, Status.IGNORED, Status.RESOLVED
    ]  # fmt: skip
    cleared = ErrorGroup.objects.filter(id__in=back).values_list(
        "ignored_until", "ignored_until_count"
    )
    assert list(cleared) == [(None, None)] * 2
    assert Activity.objects.filter(kind=ActivityKind.UNIGNORED).count() == 2
