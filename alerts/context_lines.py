"""Three to five log lines around an error, from its own application stream, within a short budget.

The stream is the error's stream labels without `level`/`detected_level`, so the info lines
next to it count (the same rule as the error page's context panel). When Loki does not answer
in time the alert leaves without them, saying so: a slow Loki never holds an alert back.
"""

import json
import logging
import time
from datetime import UTC, datetime

from alerts import config
from alerts.alert import Context, ContextLine
from alerts.links import stream_selector
from errors.ingest.read import client_config
from errors.models import LokiSource as SourceRow
from errors.models import Occurrence
from logs.logql import LogQuery
from logs.loki import LokiClient, LokiError, LokiSource, LokiUnavailable, Profile
from logs.loki_types import Direction, LogLine, StreamsResult

logger = logging.getLogger("alerts.context")
SPAN_NS = 60 * 10**9
BEFORE, AFTER = 3, 2
SLOW = "Loki did not answer in time; log lines left out."


def around(occurrence: Occurrence) -> Context:
    """Up to BEFORE lines ending at the error line and AFTER lines following it."""
    row = SourceRow.objects.filter(name=occurrence.source).first() if occurrence.source else None
    source = client_config(row) if row is not None else None
    selector = stream_selector(occurrence.stream_labels)
    if source is None or selector is None:
        return Context(note="No Loki stream known for this error; log lines left out.")
    query, at = str(LogQuery(selector)), occurrence.timestamp_ns
    deadline = time.monotonic() + config.context_timeout()
    try:
        before = _fetch(source, query, at - SPAN_NS, at + 1, BEFORE, "backward", deadline)
        after = _fetch(source, query, at + 1, at + SPAN_NS, AFTER, "forward", deadline)
    except LokiUnavailable as exc:
        logger.warning("context lines for %s: %s", occurrence.error_id, exc)
        return Context(note=SLOW)
    except LokiError as exc:
        logger.warning("context lines for %s: %s", occurrence.error_id, exc)
        return Context(note=f"Loki refused the context query ({exc.status}); lines left out.")
    lines = [*reversed(before), *after]
    return Context(lines=tuple(_line(item, at) for item in lines))


def _fetch(source: LokiSource, query: str, start: int, end: int, limit: int,
           direction: Direction, deadline: float) -> list[LogLine]:  # fmt: skip
    left = deadline - time.monotonic()
    if left <= 0.05:
        raise LokiUnavailable("no time left for the context query")
    profile = Profile(
        name="alert-context", connect_timeout=min(1.0, left), read_timeout=left,
        total_timeout=left, attempts=1, backoff_base=0.1, backoff_max=0.1,
    )  # fmt: skip
    with LokiClient(source, profile) as client:
        result = client.query_range(
            query, start_ns=start, end_ns=end, limit=limit, direction=direction
        )
    return result.lines(direction) if isinstance(result, StreamsResult) else []


def _line(item: LogLine, error_ns: int) -> ContextLine:
    """A JSON line becomes its message and level; anything else stays as it is."""
    text, level = item.line, item.labels.get("level", "")
    try:
        record = json.loads(item.line)
    except ValueError:
        record = None
    if isinstance(record, dict) and isinstance(record.get("message"), str):
        text, level = record["message"], str(record.get("level", level))
    when = datetime.fromtimestamp(item.ts / 1e9, tz=UTC)
    return ContextLine(when, text, level, item.ts == error_ns)
