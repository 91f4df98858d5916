"""Surrounding lines from the stub Loki: the error's application stream, or a note in time."""

import json
import time

import pytest

from alerts import webhook
from alerts.context_lines import SLOW, around
from errors.models import LokiSource, Occurrence
from tests.alerts.conftest import Receiver
from tests.alerts.samples import alert
from tests.factories import OccurrenceFactory
from tests.stubs.loki import LokiStub

pytestmark = pytest.mark.django_db
SECOND = 10**9
APP = {"job": "fraiseql-app", "env": "dev"}


@pytest.fixture
def occurrence(loki_stub: LokiStub) -> Occurrence:
    LokiSource.objects.create(name="main", url=loki_stub.url, selector='{job="fraiseql-app"}')
    at = (time.time_ns() // SECOND - 60) * SECOND
    info = [(at + offset * SECOND, json.dumps({"level": "info", "message": f"step {offset}"}))
            for offset in (-3, -2, -1, 1, 2, 3)]  # fmt: skip
    loki_stub.push(APP | {"level": "info"}, info)
    error_line = json.dumps({"level": "error", "message": "pool <!channel> exhausted"})
    loki_stub.push(APP | {"level": "error"}, [(at, error_line)])
    loki_stub.push({"job": "other-app", "env": "dev", "level": "info"}, [(at, "not ours")])
    return OccurrenceFactory(source="main", timestamp_ns=at, stream_labels=APP | {"level": "error"})


def test_lines_around_the_error_come_from_its_application_stream(occurrence: Occurrence) -> None:
    context = around(occurrence)
    assert [line.text for line in context.lines] == [
        "step -2",
        "step -1",
        "pool <!channel> exhausted",
        "step 1",
        "step 2",
    ]
    assert [line.level for line in context.lines] == ["info", "info", "error", "info", "info"]
    assert [line.is_error for line in context.lines] == [False, False, True, False, False]
    assert context.note == ""


def test_the_level_label_is_left_out_of_the_query(
    occurrence: Occurrence, loki_stub: LokiStub
) -> None:
    around(occurrence)
    queries = {r.params["query"][0] for r in loki_stub.requests_to("/loki/api/v1/query_range")}
    assert queries == {'{job="fraiseql-app", env="dev"}'}


def test_a_slow_loki_leaves_a_note(occurrence: Occurrence, loki_stub: LokiStub) -> None:
    loki_stub.delay = 2.0
    started = time.monotonic()
    context = around(occurrence)
    assert time.monotonic() - started < 1.5
    assert context.lines == () and context.note == SLOW


def test_a_failing_loki_leaves_a_note(occurrence: Occurrence, loki_stub: LokiStub) -> None:
    loki_stub.fail_next(503, "overloaded", times=5)
    assert around(occurrence).note == SLOW


def test_unknown_source_leaves_a_note() -> None:
    context = around(OccurrenceFactory(source="gone"))
    assert context.lines == () and "No Loki stream" in context.note


def test_a_line_nested_too_deeply_stays_as_it_is(
    occurrence: Occurrence, loki_stub: LokiStub
) -> None:
    nested = "[" * 100_000
    loki_stub.push(APP | {"level": "info"}, [(occurrence.timestamp_ns + SECOND // 2, nested)])
    assert nested in [line.text for line in around(occurrence).lines]


def test_a_lone_surrogate_does_not_break_the_webhook_body(
    occurrence: Occurrence, loki_stub: LokiStub, receiver: Receiver
) -> None:
    cut = json.dumps({"level": "info", "message": "emoji cut in half \ud83d"})
    loki_stub.push(APP | {"level": "info"}, [(occurrence.timestamp_ns + SECOND // 2, cut)])
    context = around(occurrence)
    assert "emoji cut in half \ufffd" in [line.text for line in context.lines]
    body = webhook.build_webhook_body(alert(), context)
    assert webhook.send_signed(receiver.url, "s3cret", body, "key").status == 200
