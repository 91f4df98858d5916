"""JSONFormatter: one JSON line per record, in the format the console and Promtail expect.

    {"timestamp": "2025-12-04T10:15:30.123Z", "level": "error", "message": ..., "logger": ...,
     "trace_id": ..., "span_id": ..., "exception_type": ..., "fingerprint": ...,
     "stack_trace": ..., "context": {...}}

Keys without a value are left out rather than written as null or zeros. Scrubbing is on by
default: a line that reaches Loki cannot be taken back.
"""

import logging
import time
from collections.abc import Sequence

from triage_logging.encoding import JSONValue, encode_line, jsonable, safe_repr
from triage_logging.fields import (
    record_context,
    record_exception,
    record_message,
    truncate_end,
    truncate_start,
)
from triage_logging.fingerprint import EXPLICIT_KEYS, fingerprint
from triage_logging.patterns import Scrubber
from triage_logging.scrubbing import scrub
from triage_logging.sensitive import DEFAULT_PATTERNS
from triage_logging.tracing import record_span_ids

_INT64 = 2**63


def _explicit_fingerprints(context: dict[str, object]) -> dict[str, str]:
    """`fingerprint` / `error_fingerprint` given in `extra`, when they are non-blank strings."""
    return {
        key: value
        for key in EXPLICIT_KEYS
        if isinstance(value := context.get(key), str) and value.strip()
    }


def _promote(context: dict[str, object], key: str, value: str) -> str:
    """Take `key` out of the context when the line carries it as a top-level field."""
    given = context.get(key)
    if isinstance(given, str) and given.lower() == value:
        del context[key]
    return value


class JSONFormatter(logging.Formatter):
    """Formats records as JSON lines; never raises (a broken record still yields a line)."""

    def __init__(
        self,
        *,
        scrub: bool = True,
        patterns: Sequence[Scrubber] = DEFAULT_PATTERNS,
        max_message_length: int = 8_192,
        max_stack_trace_length: int = 32_768,
        max_value_length: int = 4_096,
        ensure_ascii: bool = False,
    ) -> None:
        super().__init__()
        self.patterns: tuple[Scrubber, ...] = tuple(patterns) if scrub else ()
        self.max_message_length = max_message_length
        self.max_stack_trace_length = max_stack_trace_length
        self.max_value_length = max_value_length
        self.ensure_ascii = ensure_ascii
        self._second: tuple[int, str] = (-1, "")
        self._texts: dict[str, str] = {}

    def format(self, record: logging.LogRecord) -> str:
        try:
            return encode_line(self.fields(record), ensure_ascii=self.ensure_ascii)
        except Exception as exc:
            return self._fallback_line(record, exc)

    def fields(self, record: logging.LogRecord) -> dict[str, JSONValue]:
        """The line's fields, in order, before encoding."""
        message = truncate_end(self._scrub(record_message(record)), self.max_message_length)
        exception_type, stack_trace = None, ""
        if record.exc_info or record.stack_info or record.exc_text:
            exception_type, stack_trace = record_exception(record)
            stack_trace = truncate_start(self._scrub(stack_trace), self.max_stack_trace_length)
        payload: dict[str, JSONValue] = {
            "timestamp": self.timestamp(record),
            "level": str(record.levelname).lower(),
            "message": message,
            "logger": str(record.name),
        }
        context = record_context(record)
        ids = record_span_ids(record)
        if ids is not None:
            payload["trace_id"] = _promote(context, "trace_id", ids[0])
            if ids[1] is not None:
                payload["span_id"] = _promote(context, "span_id", ids[1])
        if exception_type is not None:
            payload["exception_type"] = exception_type
        explicit = _explicit_fingerprints(context) if context else {}
        level = record.levelno if isinstance(record.levelno, int) else 0
        if explicit or exception_type is not None or level >= logging.ERROR:
            payload["fingerprint"] = fingerprint(
                exception_type=exception_type,
                message=message,
                stack_trace=stack_trace,
                explicit=explicit.get("fingerprint") or explicit.get("error_fingerprint"),
            )
        if stack_trace:
            payload["stack_trace"] = stack_trace
        for key in explicit:
            del context[key]
        if "error_fingerprint" in explicit:
            payload["error_fingerprint"] = explicit["error_fingerprint"]
        if context:
            payload["context"] = self._context_fields(context)
        return payload

    def _context_fields(self, context: dict[str, object]) -> dict[str, JSONValue]:
        """Context values as JSON data; flat strings and numbers, the usual case, directly."""
        fields: dict[str, JSONValue] = {}
        for key, value in context.items():
            name = self._context_text(key)
            if isinstance(value, str):
                fields[name] = self._context_text(value)
            elif value is None or (isinstance(value, int) and -_INT64 <= value < _INT64):
                fields[name] = value
            else:
                fields[name] = jsonable(value, self._context_text)
        return fields

    def timestamp(self, record: logging.LogRecord) -> str:
        """ISO-8601 UTC with milliseconds and `Z`; the seconds part is cached per second."""
        second = int(record.created)
        cached = self._second
        if cached[0] != second:
            cached = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
            self._second = cached
        return f"{cached[1]}.{min(int(record.msecs), 999):03d}Z"

    def _scrub(self, text: str) -> str:
        return scrub(text, self.patterns) if self.patterns and text else text

    def _context_text(self, text: str) -> str:
        """Scrubbed and truncated; short strings (tenant ids, operation names) repeat on every
        line, so their scrubbed form is kept in a small bounded cache."""
        if not self.patterns or len(text) > 256:
            return truncate_end(self._scrub(text), self.max_value_length)
        done = self._texts.get(text)
        if done is None:
            if len(self._texts) >= 4_096:
                self._texts.clear()
            done = self._texts[text] = truncate_end(self._scrub(text), self.max_value_length)
        return done

    def _fallback_line(self, record: logging.LogRecord, error: Exception) -> str:
        """A line that still says when, where and roughly what, whatever went wrong above."""
        try:
            raw = self._context_text(safe_repr(getattr(record, "msg", None)))
        except Exception:
            raw = "<unavailable>"
        now = time.time()
        payload: dict[str, JSONValue] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
            + f".{int(now % 1 * 1000):03d}Z",
            "level": str(getattr(record, "levelname", "error")).lower(),
            "message": f"log record could not be formatted ({type(error).__name__}): {raw}",
            "logger": str(getattr(record, "name", "")),
        }
        return encode_line(payload, ensure_ascii=True)
