"""The row report_error writes to monitoring.errors, built by a pure function.

`message` is the exception's text, `metadata` holds its type, its stack trace and the caller's
context. Everything is scrubbed, and made acceptable to PostgreSQL: text columns refuse NUL and
UTF-8 has no lone surrogates.
"""

import json
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from triage_logging.encoding import JSONValue, jsonable
from triage_logging.fields import truncate_end, truncate_start
from triage_logging.fingerprint import exception_type_name, fingerprint
from triage_logging.patterns import Scrubber
from triage_logging.scrubbing import scrub as scrub_text
from triage_logging.sensitive import DEFAULT_PATTERNS

UPSERT_SQL = (
    "INSERT INTO monitoring.errors (fingerprint, message, metadata, first_seen_at, last_seen_at) "
    "VALUES (%s, %s, %s, NOW(), NOW()) ON CONFLICT (fingerprint) DO UPDATE SET "
    "occurrence_count = errors.occurrence_count + 1, last_seen_at = NOW()"
)
MAX_MESSAGE_LENGTH = 8_192
MAX_STACK_TRACE_LENGTH = 16_384


@dataclass(frozen=True, slots=True)
class ErrorReport:
    """What was (or would be) written to monitoring.errors, and whether it was."""

    fingerprint: str
    message: str
    metadata: dict[str, JSONValue]
    stored: bool = False

    def params(self) -> tuple[str, str, str]:
        """The statement's parameters: fingerprint, message, metadata as JSON text."""
        return self.fingerprint, self.message, json.dumps(self.metadata, ensure_ascii=False)


def _storable(patterns: Sequence[Scrubber], text: str) -> str:
    """Scrubbed, and safe for PostgreSQL text and jsonb (no NUL, no lone surrogates)."""
    text = scrub_text(text, patterns).replace("\x00", "\ufffd")
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def build_report(
    exc: BaseException,
    context: Mapping[str, object] | None = None,
    *,
    explicit: str | None = None,
    scrub: bool = True,
    patterns: Sequence[Scrubber] = DEFAULT_PATTERNS,
) -> ErrorReport:
    """The row for `exc`, without touching a database. An explicit fingerprint wins."""
    text = partial(_storable, tuple(patterns) if scrub else ())
    exception_type = exception_type_name(type(exc))
    stack_trace = "".join(traceback.format_exception(exc))
    try:
        raw_message = str(exc)
    except Exception:
        raw_message = ""
    metadata: dict[str, JSONValue] = {
        "exception_type": exception_type,
        "stack_trace": truncate_start(text(stack_trace), MAX_STACK_TRACE_LENGTH),
    }
    if context:
        metadata["context"] = jsonable(dict(context), text)
    return ErrorReport(
        # fingerprint_exception(exc), without formatting the traceback a second time
        fingerprint=fingerprint(
            exception_type=exception_type,
            message=raw_message,
            stack_trace=stack_trace,
            explicit=explicit,
        ),
        message=truncate_end(text(raw_message), MAX_MESSAGE_LENGTH) or exception_type,
        metadata=metadata,
    )
