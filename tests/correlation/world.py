"""Log lines and errors to correlate: an application stream split by level, like Promtail's.

`T0` is the error line's nanosecond. Around it, info and warn lines in sibling streams, some
sharing a nanosecond with each other and with the error line, and a worker stream that shares
the request's trace id.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.stubs.loki import LokiStub

T0 = 1_795_803_564_260_029_086
MS = 1_000_000
S = 1_000_000_000
TRACE = "cc6577428c2f6d6bc64e5a22fac180d6"
SPAN = "e8c4bf144d333495"
APP = {"job": "fraiseql-app", "env": "dev"}
WORKER = {"job": "fraiseql-worker", "env": "dev"}
LEVELS = ("error", "info", "warn")


@dataclass(frozen=True)
class Line:
    ts: int
    labels: tuple[tuple[str, str], ...]
    text: str


def record(level: str, message: str, **fields: Any) -> str:
    when = datetime.fromtimestamp(0, UTC).isoformat()
    return json.dumps({"timestamp": when, "level": level, "message": message} | fields)


def error_line(ts: int = T0) -> str:
    return record(
        "error", "Database connection failed", logger="fraiseql.errors", trace_id=TRACE,
        span_id=SPAN, exception_type="DatabaseConnectionError", fingerprint="db_connection_timeout",
        context={"user_id": "user_1011", "tenant_id": "tenant_456", "operation": "create_post"},
    )  # fmt: skip


def push_app(loki: LokiStub, *, count: int = 120, step: int = 250 * MS) -> list[Line]:
    """`count` info/warn lines either side of T0, every third sharing its nanosecond with the
    next (across streams), three lines at T0 itself, and the error line. Returns all, ordered
    as the console orders them: by ns, then stream labels, then push order."""
    lines: list[Line] = []
    for n in range(-count, count + 1):
        ts = T0 + (n // 2) * step if n % 3 == 0 else T0 + n * step
        level = "warn" if n % 5 == 0 else "info"
        text = record(level, f"request {n}", user_id=f"user_{n % 4}", tenant_id=f"tenant_{n % 3}")
        lines.append(Line(ts, _labels(APP | {"level": level}), text))
    lines.append(Line(T0, _labels(APP | {"level": "error"}), error_line()))
    lines.append(Line(T0, _labels(APP | {"level": "info"}), record("info", "same ns as error")))
    for line in lines:
        loki.push(dict(line.labels), [(line.ts, line.text)])
    return ordered(lines)


def push_worker(loki: LokiStub) -> list[Line]:
    """Worker lines of the same request (trace id in the line), and one of another request."""

    def worker(ts: int, level: str, message: str, trace_id: str) -> Line:
        text = record(level, message, trace_id=trace_id)
        return Line(ts, _labels(WORKER | {"level": level}), text)

    lines = [
        worker(T0 - 40 * MS, "info", "job start", TRACE),
        worker(T0 + 90 * MS, "error", "job failed", TRACE),
        worker(T0 + 95 * MS, "info", "another request", "f" * 32),
    ]
    for line in lines:
        loki.push(dict(line.labels), [(line.ts, line.text)])
    return lines


def ordered(lines: list[Line]) -> list[Line]:
    def stored(line: Line) -> dict[str, str]:
        return dict(line.labels) | {"service_name": dict(line.labels)["job"]}

    return sorted(lines, key=lambda line: (line.ts, json.dumps(sorted(stored(line).items()))))


def _labels(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))


def occurrence_for(error: Any, **fields: Any) -> Any:
    from tests.factories import OccurrenceFactory

    at = datetime.fromtimestamp(T0 / S, UTC)
    values = {
        "error": error, "timestamp": at, "timestamp_ns": T0, "source": "app",
        "stream_labels": APP | {"level": "error"}, "trace_id": TRACE, "span_id": SPAN,
        "user": "user_1011", "tenant": "tenant_456",
    } | fields  # fmt: skip
    return OccurrenceFactory(**values)
