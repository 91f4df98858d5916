"""End to end with a real Celery worker on real Redis, against the stub Loki.

The worker is a separate process (`celery -A console worker --pool=solo`) on a queue of its own,
pointed at this test database; the data it must see is committed (transactional test).
"""

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from errors.models import ErrorGroup, Event, LokiSource
from errors.tasks import poll_source
from tests.errors.test_ingest_crash import ROOT, subprocess_env
from tests.errors.test_ingest_world import (
    Clock,
    clock_fixture,
    counts,
    hourly_totals,
    loki_stub_fixture,
    make_source,
    push_burst,
)
from tests.stubs.loki import LokiStub

FIXTURES = (loki_stub_fixture, clock_fixture)
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
QUERY_PATH = "/loki/api/v1/query_range"


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of this test's own; its keys and the killed worker's unacked message go after."""
    name = f"ingest-test-{uuid.uuid4().hex[:12]}"
    yield name
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(name, *broker.keys(f"*{name}*"))
    for tag, raw in broker.hgetall("unacked").items():
        if name.encode() in raw:
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)


@pytest.fixture(autouse=True)
def empty_error_table() -> Iterator[None]:
    """monitoring.errors is unmanaged: Django's flush between transactional tests skips it."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring.errors CASCADE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring.errors CASCADE")


class Worker:
    def __init__(self, queue: str, log: Path) -> None:
        command = [sys.executable, "-m", "celery", "-A", "console", "worker", "--pool=solo"]
        command += ["-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip"]
        self.log = log
        self.process = subprocess.Popen(
            [*command, "-l", "INFO"],
            cwd=ROOT,
            env=subprocess_env(),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def wait_for(condition: Callable[[], bool], what: str, worker: Worker, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline or worker.process.poll() is not None:
            pytest.fail(f"{what}: not within {seconds}s; worker log:\n{worker.log.read_text()}")
        time.sleep(0.1)


def test_a_worker_polls_and_a_killed_worker_loses_nothing(
    loki_stub: LokiStub, clock: Clock, queue: str, tmp_path: Path
) -> None:
    source = make_source(loki_stub.url)
    push_burst(loki_stub, clock, {"db_timeout": 3000, "not_found": 2500}, seconds_ago=120)
    worker = Worker(queue, tmp_path / "worker-1.log")
    try:
        poll_source.apply_async((source.pk,), queue=queue)
        wait_for(lambda: counts() == {"db_timeout": 3000, "not_found": 2500}, "poll", worker)
        source.refresh_from_db()
        assert source.last_success_at is not None and source.cursor_ns is not None
        after_cursor = source.cursor_ns + 1000
        loki_stub.push(
            {"job": "app", "env": "dev", "level": "error"},
            [
                (after_cursor + i, f'{{"message": "m{i}", "fingerprint": "late"}}')
                for i in range(8000)
            ],
        )
        loki_stub.delay = 1.0
        asked = len(loki_stub.requests_to(QUERY_PATH))
        poll_source.apply_async((source.pk,), queue=queue)
        wait_for(lambda: len(loki_stub.requests_to(QUERY_PATH)) > asked, "second poll", worker)
        worker.kill()
    finally:
        worker.kill()
    assert "late" not in counts()
    loki_stub.delay = 0
    second = Worker(queue, tmp_path / "worker-2.log")
    try:
        poll_source.apply_async((source.pk,), queue=queue)
        wait_for(lambda: counts().get("late") == 8000, "poll after the kill", second)
    finally:
        second.kill()
    assert counts() == {"db_timeout": 3000, "not_found": 2500, "late": 8000} == hourly_totals()
    assert Event.objects.filter(kind="new").count() == 3
    assert ErrorGroup.objects.filter(source="app").count() == 3
    assert LokiSource.objects.get().lines_read == 13_500
