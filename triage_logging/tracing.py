"""Trace and span ids for a log line: from the record, else from the current OpenTelemetry span.

opentelemetry-api is optional: without it lines simply carry no ids. Ids are read when the
record is formatted, so a handler that formats in another thread (QueueListener) should be
given the ids through `extra={"trace_id": ..., "span_id": ...}`.
"""

import logging
import re
from collections.abc import Callable
from functools import cache
from typing import Any

_TRACE_ID = re.compile(r"(?!0{32})[0-9a-f]{32}")
_SPAN_ID = re.compile(r"(?!0{16})[0-9a-f]{16}")


@cache
def _current_span_getter() -> Callable[[], Any] | None:
    try:
        from opentelemetry.trace import get_current_span
    except ImportError:
        return None
    return get_current_span


def current_span_ids() -> tuple[str, str] | None:
    """(trace id, span id) as 32 and 16 lower-case hex, or None when no span is recording."""
    get_current_span = _current_span_getter()
    if get_current_span is None:
        return None
    context = get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def _valid(pattern: re.Pattern[str], value: object) -> str | None:
    if isinstance(value, str) and pattern.fullmatch(value.lower()):
        return value.lower()
    return None


def record_span_ids(record: logging.LogRecord) -> tuple[str, str | None] | None:
    """Ids passed in `extra` win when they are well formed; else the current span's."""
    trace_id = _valid(_TRACE_ID, getattr(record, "trace_id", None))
    if trace_id is not None:
        return trace_id, _valid(_SPAN_ID, getattr(record, "span_id", None))
    return current_span_ids()
