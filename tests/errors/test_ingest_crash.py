"""Exactly once under stress: two pollers at once, and a poller killed mid-batch, then again.

These use committed transactions (threads and subprocesses need to see the data).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from errors.ingest.poll import PollSummary, poll_once
from errors.models import CountedLines, ErrorGroup, Event, HourlyCount, LokiSource, Occurrence
from tests.errors.test_ingest_world import (
    STREAM,
    Clock,
    clock_fixture,
    counts,
    hourly_totals,
    line,
    loki_stub_fixture,
    make_source,
    push_burst,
)
from tests.stubs.loki import LokiStub

FIXTURES = (loki_stub_fixture, clock_fixture)
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_error_table() -> Iterator[None]:
    """monitoring.errors is unmanaged, so Django's flush between transactional tests skips it."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring.errors CASCADE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring.errors CASCADE")


POLL_SCRIPT = """
import os, sys
from datetime import datetime
import django
django.setup()
from errors.ingest import lookback, poll, settle
from errors.ingest.poll import poll_once

def crash_after(module, name):
    original = getattr(module, name)
    def crashing(*args, **kwargs):
        original(*args, **kwargs)
        os._exit(70)
    setattr(module, name, crashing)

where = os.environ.get("CRASH_AFTER")
if where:
    module, name = where.split(".")
    crash_after({"settle": settle, "lookback": lookback, "poll": poll}[module], name)
print(poll_once(int(sys.argv[1]), now=datetime.fromisoformat(sys.argv[2])))
"""


def subprocess_env(**extra: str) -> dict[str, str]:
    """The child talks to this test database (committed data) and the same Redis."""
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "console.settings",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def start_poll(source: LokiSource, clock: Clock, **env: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", POLL_SCRIPT, str(source.pk), clock.now.isoformat()]
    return subprocess.Popen(
        command, cwd=ROOT, env=subprocess_env(**env), text=True, stdout=subprocess.PIPE
    )


def nothing_committed(source: LokiSource) -> None:
    source.refresh_from_db()
    assert source.cursor_ns is None and source.lines_read == 0
    assert not ErrorGroup.objects.exists() and not Event.objects.exists()
    assert not Occurrence.objects.exists() and not HourlyCount.objects.exists()
    assert not CountedLines.objects.exists()


def test_two_pollers_at_once_count_every_line_once(loki_stub: LokiStub, clock: Clock) -> None:
    source = make_source(loki_stub.url)
    push_burst(loki_stub, clock, {"a": 300, "b": 200})
    loki_stub.delay = 0.3
    results: list[PollSummary] = []

    def poll() -> None:
        try:
            results.append(poll_once(source.pk, now=clock.now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poll) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.skipped for r in results) == [False, True, True, True]
    assert counts() == {"a": 300, "b": 200} == hourly_totals()
    assert Event.objects.count() == 2


def test_two_sources_with_shared_fingerprints_at_once(loki_stub: LokiStub, clock: Clock) -> None:
    loki_stub.auth_enabled = True
    sources = [make_source(loki_stub.url, name=n, tenant=n) for n in ("t1", "t2", "t3")]
    for name in ("t1", "t2", "t3"):
        fps = {f"shared_{i}": 7 for i in range(40)}
        stub_entries = [(clock.ns(60) - i, line(fp)) for i, fp in enumerate(fps) for _ in range(1)]
        loki_stub.push(STREAM, stub_entries, tenant=name)
        loki_stub.push({**STREAM, "env": "x"}, stub_entries, tenant=name)
    threads = [
        threading.Thread(
            target=lambda s=s: (poll_once(s.pk, now=clock.now), connections.close_all())
        )
        for s in sources
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts() == {f"shared_{i}": 6 for i in range(40)}
    assert Event.objects.filter(kind="new").count() == 40


@pytest.mark.parametrize(
    "where",
    [
        "settle.upsert_groups",
        "settle.insert_occurrences",
        "settle.upsert_hourly",
        "settle.apply_effects",
        "lookback.save",
        "poll.record_success",
    ],
)
def test_a_poller_dying_mid_batch_loses_and_repeats_nothing(
    loki_stub: LokiStub, clock: Clock, where: str
) -> None:
    source = make_source(loki_stub.url)
    push_burst(loki_stub, clock, {"a": 6000, "b": 1500}, seconds_ago=300)
    child = start_poll(source, clock, CRASH_AFTER=where)
    assert child.wait(timeout=120) == 70
    nothing_committed(source)
    summary = poll_once(source.pk, now=clock.now)
    assert summary.lines_counted == 7500
    assert counts() == {"a": 6000, "b": 1500} == hourly_totals()
    assert Event.objects.count() == 2


def test_a_poller_killed_while_reading_then_polled_again(loki_stub: LokiStub, clock: Clock) -> None:
    source = make_source(loki_stub.url)
    push_burst(loki_stub, clock, {"a": 12_000}, seconds_ago=300)
    loki_stub.delay = 0.5
    child = start_poll(source, clock)
    deadline = time.monotonic() + 60
    while len(loki_stub.requests_to("/loki/api/v1/query_range")) < 2:
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    nothing_committed(source)
    loki_stub.delay = 0
    assert poll_once(source.pk, now=clock.now).lines_counted == 12_000
    assert counts() == {"a": 12_000}


def test_a_crash_between_polls_with_late_lines_still_counts_once(
    loki_stub: LokiStub, clock: Clock
) -> None:
    source = make_source(loki_stub.url)
    push_burst(loki_stub, clock, {"a": 10}, seconds_ago=120)
    poll_once(source.pk, now=clock.now)
    loki_stub.push(STREAM, [(clock.ns(90), line("a", "late")), (clock.ns(5), line("b"))])
    clock.later(70)
    child = start_poll(source, clock, CRASH_AFTER="lookback.save")
    assert child.wait(timeout=120) == 70
    summary = poll_once(source.pk, now=clock.now)
    assert (summary.swept, summary.late_lines) == (True, 1)
    assert counts() == {"a": 11, "b": 1}
