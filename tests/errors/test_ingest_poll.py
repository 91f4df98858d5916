"""poll_once against the stub Loki: exact counts, windows, late lines, paging, failures."""

from typing import Any

import pytest

from errors.ingest.poll import PollError, PollUnavailable, poll_once
from errors.models import ActivityKind, ErrorGroup, Event, EventKind, LokiSource, Occurrence
from tests.errors.test_ingest_world import (
    STREAM,
    Clock,
    clock_fixture,
    counts,
    fast_client,
    hourly_totals,
    line,
    loki_stub_fixture,
    push_burst,
    source_fixture,
)
from tests.stubs.loki import LokiStub

FIXTURES = (loki_stub_fixture, clock_fixture, source_fixture)

pytestmark = pytest.mark.django_db


def test_a_poll_groups_lines_by_fingerprint_exactly(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    push_burst(loki_stub, clock, {"db_timeout": 7, "not_found": 3})
    summary = poll_once(source.pk, now=clock.now)
    assert counts() == {"db_timeout": 7, "not_found": 3}
    assert hourly_totals() == counts()
    assert (summary.lines_read, summary.lines_counted, summary.groups_touched) == (10, 10, 2)
    source.refresh_from_db()
    assert source.cursor_ns == summary.end_ns == clock.ns(10)
    assert source.last_success_at == clock.now
    assert (source.lines_read, source.last_groups_touched, source.lag_seconds) == (10, 2, 10.0)


def test_a_new_group_gets_status_history_event_and_bounded_pointers(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    push_burst(loki_stub, clock, {"db_timeout": 7})
    summary = poll_once(source.pk, now=clock.now)
    error = ErrorGroup.objects.get()
    assert (error.status, error.source, error.service, error.environment) == (
        "new", "app", "app", "dev"
    )  # fmt: skip
    assert (error.message, error.grouping_version, error.noticed_count) == ("boom 0", 0, 7)
    assert list(error.activities.values_list("kind", "actor_label")) == [("created", "poller")]
    assert list(Event.objects.values_list("kind", "error_id", "dispatched_at")) == [
        ("new", error.id, None)
    ]
    assert summary.new == summary.events == 1
    first_and_last_three = [clock.ns(60) - 7000 + i * 1000 for i in (0, 4, 5, 6)]
    stored = Occurrence.objects.order_by("timestamp_ns").values_list("timestamp_ns", flat=True)
    assert list(stored) == first_and_last_three
    occurrence = Occurrence.objects.earliest("timestamp_ns")
    assert occurrence.stream_labels["job"] == "app"
    assert occurrence.timestamp.timestamp() * 1e9 == pytest.approx(occurrence.timestamp_ns, abs=1e3)


def test_the_next_poll_counts_only_lines_after_the_cursor(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    push_burst(loki_stub, clock, {"db_timeout": 5})
    poll_once(source.pk, now=clock.now)
    clock.later(30)
    push_burst(loki_stub, clock, {"db_timeout": 2, "other": 1}, seconds_ago=15)
    second = poll_once(source.pk, now=clock.now)
    assert counts() == {"db_timeout": 7, "other": 1}
    assert (second.lines_read, second.new) == (3, 1)
    assert Event.objects.filter(kind=EventKind.FREQUENCY).count() == 1


def test_lines_sharing_the_window_edge_nanosecond_are_counted_once(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    edge = clock.ns(10)
    loki_stub.push(STREAM, [(edge - 1, line("a", f"m{i}")) for i in range(700)])
    loki_stub.push(STREAM, [(edge, line("a", f"m{i}")) for i in range(900)])
    loki_stub.push({**STREAM, "env": "prod"}, [(edge, line("a", f"m{i}")) for i in range(300)])
    first = poll_once(source.pk, now=clock.now)
    assert (first.lines_read, counts()) == (700, {"a": 700})
    clock.later(5)
    second = poll_once(source.pk, now=clock.now)
    assert (second.lines_read, counts()) == (1200, {"a": 1900})


def test_paging_over_more_than_5000_lines_in_one_poll(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    total = push_burst(loki_stub, clock, {"a": 6000, "b": 4000, "c": 2500})
    summary = poll_once(source.pk, now=clock.now)
    assert summary.lines_read == total == 12_500
    assert counts() == {"a": 6000, "b": 4000, "c": 2500}
    assert len(loki_stub.requests_to("/loki/api/v1/query_range")) >= 3


def test_a_line_inside_the_delay_waits_for_the_next_poll(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    loki_stub.push(STREAM, [(clock.ns(5), line("recent"))])
    assert poll_once(source.pk, now=clock.now).lines_read == 0
    clock.later(10)
    assert poll_once(source.pk, now=clock.now).lines_read == 1
    clock.later(10)
    assert poll_once(source.pk, now=clock.now).lines_read == 0
    assert counts() == {"recent": 1}


def test_late_lines_inside_the_lookback_are_counted_once_by_the_sweep(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    push_burst(loki_stub, clock, {"a": 3}, seconds_ago=120)
    poll_once(source.pk, now=clock.now)
    late_ts = clock.ns(60)
    loki_stub.push(STREAM, [(late_ts, line("a", "late")), (late_ts, line("b", "late"))])
    loki_stub.push(STREAM, [(clock.ns(20 * 60), line("too_old"))])
    clock.later(30)
    early = poll_once(source.pk, now=clock.now)
    assert (early.swept, counts()) == (False, {"a": 3})
    clock.later(40)
    swept = poll_once(source.pk, now=clock.now)
    assert (swept.swept, swept.late_lines, swept.lines_counted) == (True, 2, 2)
    assert counts() == {"a": 4, "b": 1}
    clock.later(70)
    again = poll_once(source.pk, now=clock.now)
    assert (again.swept, again.late_lines, counts()) == (True, 0, {"a": 4, "b": 1})


def test_the_record_of_counted_lines_keeps_only_the_lookback(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    from errors.models import CountedLines

    push_burst(loki_stub, clock, {"a": 4}, seconds_ago=30)
    poll_once(source.pk, now=clock.now)
    assert sum(len(row.keys) for row in CountedLines.objects.all()) == 4 * 8
    clock.later(20 * 60)
    poll_once(source.pk, now=clock.now)
    assert not CountedLines.objects.exists()


def test_each_kind_of_bad_line_is_counted_under_one_visible_group(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    bad = [
        "Traceback (most recent call last): not JSON",
        '["a", "json", "array"]',
        '{"level": "error", "fingerprint": "x"}',
        '{"level": "error", "message": ""}',
        '{"level": "error", "message": "caf\ufffd"}',
        '{"level": "error", "message": "' + "x" * 1_000_001 + '"}',
    ]
    loki_stub.push(STREAM, [(clock.ns(60) + i, text) for i, text in enumerate(bad)])
    loki_stub.push(STREAM, [(clock.ns(50), line("fine"))])
    summary = poll_once(source.pk, now=clock.now)
    assert (summary.parse_failures, counts()) == (6, {"unparseable:app": 6, "fine": 1})
    group = ErrorGroup.objects.get(fingerprint="unparseable:app")
    assert group.message == "Unparseable log lines from Loki source app"
    assert group.metadata["reasons_last_poll"] == {
        "not JSON": 2, "no message": 2, "invalid UTF-8": 1, "over 1 MB": 1
    }  # fmt: skip
    assert group.metadata["sample"].startswith('{"level": "error", "message": "xxx')
    assert len(group.metadata["sample"]) < 2_100
    source.refresh_from_db()
    assert (source.parse_failures, source.last_parse_failures) == (6, 6)


def test_a_nul_character_in_a_line_is_stored_not_a_poll_stuck_on_it(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    """PostgreSQL text and jsonb cannot hold U+0000; a line may (Loki escapes it as \\u0000)."""
    loki_stub.push(
        STREAM,
        [
            (clock.ns(40), line("nul\x00fp", "bad byte \x00 here", stack_trace="at \x00")),
            (clock.ns(39), "panic: \x00 not JSON"),
            (clock.ns(38), line("fine", "a \\u0000 written out")),
        ],
    )
    summary = poll_once(source.pk, now=clock.now)
    assert counts() == {"nul\ufffdfp": 1, "unparseable:app": 1, "fine": 1}
    error = ErrorGroup.objects.get(fingerprint="nul\ufffdfp")
    assert (error.message, error.stack_trace) == ("bad byte \ufffd here", "at \ufffd")
    assert ErrorGroup.objects.get(fingerprint="fine").message == "a \\u0000 written out"
    source.refresh_from_db()
    assert source.cursor_ns == summary.end_ns


def test_a_line_nested_too_deeply_to_decode_is_unparseable_not_a_crash(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    nested = "[" * 5_000 + "]" * 5_000
    loki_stub.push(
        STREAM,
        [
            (clock.ns(40), '{"level": "error", "message": "m", "payload": ' + nested + "}"),
            (clock.ns(39), nested),
            (clock.ns(38), line("fine")),
        ],
    )
    summary = poll_once(source.pk, now=clock.now)
    assert (summary.parse_failures, counts()) == (2, {"unparseable:app": 2, "fine": 1})
    group = ErrorGroup.objects.get(fingerprint="unparseable:app")
    assert group.metadata["reasons_last_poll"] == {"nested too deeply": 2}


def test_a_number_past_float_range_in_a_mapped_field_is_kept_as_its_text(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    """Counting reads only level, message and fingerprint; the other fields are read when the
    group is written, and that must not fail for a line already counted."""
    text = '{"level": "error", "message": "m", "fingerprint": "f", "trace_id": 1e400}'
    loki_stub.push(STREAM, [(clock.ns(40), text), (clock.ns(39), '{"message": -1e999}')])
    poll_once(source.pk, now=clock.now)
    assert ErrorGroup.objects.get(fingerprint="f").last_trace_id == "1e400"
    assert ErrorGroup.objects.exclude(fingerprint="f").get().message == "-1e999"


def test_lines_below_error_level_are_not_counted(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    loki_stub.push({**STREAM, "level": "info"}, [(clock.ns(40), line("info_label"))])
    loki_stub.push(STREAM, [(clock.ns(30), line("mislabelled", level="warning"))])
    loki_stub.push(STREAM, [(clock.ns(20), line("shouting", level="CRITICAL"))])
    summary = poll_once(source.pk, now=clock.now)
    assert counts() == {"shouting": 1}
    assert (summary.lines_read, summary.lines_counted) == (2, 1)
    query = loki_stub.requests_to("/loki/api/v1/query_range")[0].params["query"][0]
    assert query == '{job="app", level=~"(?i)error|critical|fatal"}'


def test_fingerprints_explicit_or_computed_by_the_kit(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    loki_stub.push(
        STREAM,
        [
            (clock.ns(40), line(None, "User 42 not found", exception_type="KeyError")),
            (clock.ns(39), line(None, "User 77 not found", exception_type="KeyError")),
            (clock.ns(38), line(None, "x", error_fingerprint="from_report_error")),
        ],
    )
    loki_stub.push(
        {**STREAM, "job": "app", "env": "worker"},
        [(clock.ns(37), line(None, "m"), {"fingerprint": "from_metadata", "trace_id": "ab" * 16})],
    )
    poll_once(source.pk, now=clock.now)
    computed = ErrorGroup.objects.get(grouping_version=1)
    assert computed.fingerprint.startswith("v1:") and computed.occurrence_count == 2
    assert (computed.exception_type, computed.message) == ("KeyError", "User 42 not found")
    assert counts()["from_report_error"] == counts()["from_metadata"] == 1
    assert ErrorGroup.objects.get(fingerprint="from_metadata").last_trace_id == "ab" * 16


def test_a_field_mapping_reads_other_names(loki_stub: LokiStub, db: None, clock: Clock) -> None:
    from tests.errors.test_ingest_world import make_source

    mapped = make_source(loki_stub.url, field_mapping={"message": "msg", "user": "ctx.uid"})
    loki_stub.push(STREAM, [(clock.ns(30), '{"msg": "hi", "fingerprint": "f", "ctx": {"uid": 7}}')])
    poll_once(mapped.pk, now=clock.now)
    assert Occurrence.objects.get().user == "7"
    assert ErrorGroup.objects.get().message == "hi"


def test_a_resolved_error_seen_again_regresses_once(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    from tests.factories import ErrorGroupFactory

    resolved_at = clock.now.replace(microsecond=0) - __import__("datetime").timedelta(seconds=30)
    error = ErrorGroupFactory(fingerprint="a", status="resolved", resolved_at=resolved_at)
    loki_stub.push(STREAM, [(clock.ns(45), line("a", "before the fix"))])
    poll_once(source.pk, now=clock.now)
    error.refresh_from_db()
    assert (error.status, error.occurrence_count) == ("resolved", 2)
    clock.later(30)
    loki_stub.push(STREAM, [(clock.ns(15), line("a", "after")), (clock.ns(14), line("a", "x"))])
    summary = poll_once(source.pk, now=clock.now)
    error.refresh_from_db()
    assert (error.status, error.regression_count, error.last_regressed_at) == ("new", 1, clock.now)
    assert summary.regressed == 1
    assert error.activities.filter(kind=ActivityKind.REGRESSED, actor_label="poller").count() == 1
    assert Event.objects.filter(kind=EventKind.REGRESSION, error=error).count() == 1


def test_an_ignored_error_keeps_counting_and_comes_back_after_n_more(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    from tests.factories import ErrorGroupFactory

    error = ErrorGroupFactory(
        fingerprint="a",
        status="ignored",
        occurrence_count=10,
        ignored_until_count=13,
        noticed_at=clock.now,
    )
    push_burst(loki_stub, clock, {"a": 2}, seconds_ago=40)
    poll_once(source.pk, now=clock.now)
    error.refresh_from_db()
    assert (error.status, error.occurrence_count) == ("ignored", 12)
    clock.later(20)
    push_burst(loki_stub, clock, {"a": 1}, seconds_ago=15)
    assert poll_once(source.pk, now=clock.now).unignored == 1
    error.refresh_from_db()
    assert (error.status, error.ignored_until_count) == ("new", None)
    assert error.activities.filter(kind=ActivityKind.UNIGNORED).count() == 1
    assert list(Event.objects.values_list("kind", flat=True)) == [EventKind.UNIGNORED]


def test_an_ignored_error_past_its_date_comes_back_when_seen(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    from tests.factories import ErrorGroupFactory

    error = ErrorGroupFactory(fingerprint="a", status="ignored", ignored_until=clock.now)
    push_burst(loki_stub, clock, {"a": 1})
    poll_once(source.pk, now=clock.now)
    error.refresh_from_db()
    assert error.status == "new"


def test_occurrences_stay_bounded_per_error(
    loki_stub: LokiStub, source: LokiSource, clock: Clock, settings: Any
) -> None:
    settings.OCCURRENCES_KEEP_FIRST, settings.OCCURRENCES_KEEP_RECENT = 2, 8
    settings.OCCURRENCES_PER_POLL = 5
    for _ in range(12):
        push_burst(loki_stub, clock, {"a": 6}, seconds_ago=15)
        poll_once(source.pk, now=clock.now)
        clock.later(10)
    stored = list(
        Occurrence.objects.order_by("timestamp_ns").values_list("timestamp_ns", flat=True)
    )
    assert counts() == {"a": 72}
    assert 2 + 8 <= len(stored) <= 2 + 8 + 2 + 5
    first_poll = clock.ns(12 * 10 + 15) - 6000
    assert stored[:2] == [first_poll, first_poll + 1000]


def test_loki_down_is_recorded_and_nothing_is_skipped(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    push_burst(loki_stub, clock, {"a": 3})
    loki_stub.fail_next(503, "too many outstanding requests", times=100)
    with pytest.raises(PollUnavailable):
        poll_once(source.pk, now=clock.now, client=fast_client(source))
    source.refresh_from_db()
    assert source.cursor_ns is None and source.last_success_at is None
    assert "too many outstanding requests" in source.last_failure_message
    assert not ErrorGroup.objects.exists()
    loki_stub.fail_next(503, times=0)
    loki_stub._failures.clear()
    clock.later(10)
    poll_once(source.pk, now=clock.now)
    assert counts() == {"a": 3}


def test_a_refused_query_is_a_permanent_error_with_lokis_words(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    loki_stub.fail_next(400, "parse error at line 1, col 5: syntax error", times=5)
    with pytest.raises(PollError) as raised:
        poll_once(source.pk, now=clock.now, client=fast_client(source))
    assert not isinstance(raised.value, PollUnavailable)
    source.refresh_from_db()
    assert source.last_failure_message.startswith("parse error at line 1")


@pytest.mark.parametrize("lines", [50, 5_000])
def test_a_poll_costs_the_same_queries_whatever_the_number_of_lines(
    loki_stub: LokiStub,
    source: LokiSource,
    clock: Clock,
    lines: int,
    django_assert_num_queries: Any,
) -> None:
    push_burst(loki_stub, clock, {"a": 5, "b": 5})
    poll_once(source.pk, now=clock.now)
    clock.later(10)
    push_burst(loki_stub, clock, {"a": lines // 2, "b": lines // 2}, seconds_ago=15)
    with django_assert_num_queries(EXPECTED_QUERIES):
        poll_once(source.pk, now=clock.now)
    assert counts() == {"a": 5 + lines // 2, "b": 5 + lines // 2}


EXPECTED_QUERIES = 11
"""Savepoint, lock, groups, occurrences, hourly, prune, events, record, record prune, source,
savepoint release: whatever the number of lines (no new group, regression or unignore here)."""


def test_two_sources_read_their_own_tenants(loki_stub: LokiStub, db: None, clock: Clock) -> None:
    from tests.errors.test_ingest_world import make_source

    loki_stub.auth_enabled = True
    first = make_source(loki_stub.url, name="a", tenant="tenant-a")
    second = make_source(loki_stub.url, name="b", tenant="tenant-b")
    loki_stub.push(STREAM, [(clock.ns(30), line("only_a"))], tenant="tenant-a")
    loki_stub.push(STREAM, [(clock.ns(30), line("only_b"))], tenant="tenant-b")
    poll_once(first.pk, now=clock.now)
    poll_once(second.pk, now=clock.now)
    assert dict(ErrorGroup.objects.values_list("fingerprint", "source")) == {
        "only_a": "a", "only_b": "b"
    }  # fmt: skip


def test_a_longer_lookback_never_sweeps_lines_counted_without_a_key(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    from datetime import timedelta

    loki_stub.push(STREAM, [(clock.ns(20 * 60), line("old"))])
    poll_once(source.pk, now=clock.now)
    LokiSource.objects.update(lookback=timedelta(minutes=30))
    clock.later(60)
    summary = poll_once(source.pk, now=clock.now)
    assert (summary.swept, summary.lines_read, counts()) == (True, 0, {"old": 1})


def test_a_misconfigured_source_says_so_in_its_health(source: LokiSource, clock: Clock) -> None:
    from errors.ingest.poll import SourceMisconfigured

    LokiSource.objects.update(selector='{job=~".*"}')
    with pytest.raises(SourceMisconfigured):
        poll_once(source.pk, now=clock.now)
    source.refresh_from_db()
    assert "selects every stream" in source.last_failure_message


def test_new_lines_of_an_open_error_keep_one_pending_frequency_event(
    loki_stub: LokiStub, source: LokiSource, clock: Clock
) -> None:
    push_burst(loki_stub, clock, {"a": 1})
    poll_once(source.pk, now=clock.now)
    for lines in (3, 4):
        clock.later(20)
        push_burst(loki_stub, clock, {"a": lines}, seconds_ago=15)
        poll_once(source.pk, now=clock.now)
    pending = Event.objects.get(kind=EventKind.FREQUENCY)
    assert (pending.data["lines"], pending.data["total"]) == (7, 8)
    Event.objects.update(dispatched_at=clock.now)
    clock.later(20)
    push_burst(loki_stub, clock, {"a": 2}, seconds_ago=15)
    poll_once(source.pk, now=clock.now)
    latest = Event.objects.filter(kind=EventKind.FREQUENCY).latest("pk")
    assert (latest.dispatched_at, latest.data["lines"]) == (None, 2)


def test_the_line_error_filter_and_the_sources_secret(
    loki_stub: LokiStub, source: LokiSource, clock: Clock, monkeypatch: Any
) -> None:
    from errors.ingest.read import build_query

    monkeypatch.setenv("APP_LOKI_TOKEN", "t0ken")
    LokiSource.objects.update(
        error_filter="line", auth_type="bearer", secret_env="APP_LOKI_TOKEN", line_filter="boom"
    )
    loki_stub.required_authorization = "Bearer t0ken"
    loki_stub.push({"job": "app"}, [(clock.ns(30), line("a")), (clock.ns(29), line("b", "x"))])
    source.refresh_from_db()
    assert build_query(source) == (
        '{job="app"} |~ "\\"level\\"\\\\s*:\\\\s*\\"(?i:error|critical|fatal)\\"" |= "boom"'
    )
    poll_once(source.pk, now=clock.now)
    assert counts() == {"a": 1}
