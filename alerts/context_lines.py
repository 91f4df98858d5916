"""Three to five log lines around an error, from its own application stream, within a short budget.

The stream is the error's stream labels without `level`/`detected_level`, so the info lines
next to it count (the same rule as the error page's context panel). When Loki does not answer
in time the alert leaves without them, saying so: a slow Loki never holds an alert back.
"""

import json
import logging
import re
from datetime import UTC, datetime

from alerts import config
from alerts.alert import Context, ContextLine
from alerts.links import stream_selector
from errors.ingest.read import client_config
from errors.models import LokiSource as SourceRow
from errors.models import Occurrence
from logs.context import read_context
from logs.logql import LogQuery
from logs.loki import LokiClient, LokiError, LokiUnavailable, Profile
from logs.loki_types import LogLine

logger = logging.getLogger("alerts.context")
SPAN_NS = 60 * 10**9
BEFORE, AFTER = 3, 2
SLOW = "Loki did not answer in time; log lines left out."
SURROGATES = re.compile(r"[\ud800-\udfff]")


def around(occurrence: Occurrence) -> Context:
    """Up to BEFORE lines ending at the error line and AFTER lines following it."""
    row = SourceRow.objects.filter(name=occurrence.source).first() if occurrence.source else None
    selector = stream_selector(occurrence.stream_labels)
    if row is None or selector is None:
        return Context(note="No Loki stream known for this error; log lines left out.")
    budget = float(config.context_timeout())
    profile = Profile(
        name="alert-context", connect_timeout=min(1.0, budget), read_timeout=budget,
        total_timeout=budget, attempts=1, backoff_base=0.1, backoff_max=0.1,
    )  # fmt: skip
    at = occurrence.timestamp_ns
    try:
        with LokiClient(client_config(row), profile) as client:
            found = read_context(
                client, LogQuery(selector), anchor_ns=at, window_ns=SPAN_NS,
                before=BEFORE, after=AFTER, deadline=budget,
            )  # fmt: skip
    except LokiUnavailable as exc:
        logger.warning("context lines for %s: %s", occurrence.error_id, exc)
        return Context(note=SLOW)
    except LokiError as exc:
        logger.warning("context lines for %s: %s", occurrence.error_id, exc)
        return Context(note=f"Loki refused the context query ({exc.status}); lines left out.")
    return Context(lines=tuple(_line(item, at) for item in found.lines))


def _line(item: LogLine, error_ns: int) -> ContextLine:
    """A JSON line becomes its message and level; anything else stays as it is.

    A lone surrogate (`"\\ud83d"`, an emoji cut in half) becomes U+FFFD: UTF-8 cannot encode it.
    """
    text, level = item.line, item.labels.get("level", "")
    try:
        record = json.loads(item.line)
    except (ValueError, RecursionError):
        record = None
    if isinstance(record, dict) and isinstance(record.get("message"), str):
        text, level = record["message"], str(record.get("level", level))
    when = datetime.fromtimestamp(item.ts / 1e9, tz=UTC)
    text, level = SURROGATES.sub("\ufffd", text), SURROGATES.sub("\ufffd", level)
    return ContextLine(when, text, level, item.ts == error_ns)
