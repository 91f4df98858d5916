"""Reading a LogRecord without ever raising: its message, its exception, its `extra` values."""

import logging

from triage_logging.encoding import safe_repr
from triage_logging.fingerprint import exception_type_name

# Everything logging itself puts on a record; the rest came from `extra`.
RESERVED_ATTRIBUTES = frozenset(
    [*logging.LogRecord("", 0, "", 0, "", None, None).__dict__, "message", "asctime", "taskName"]
)
_FORMATTER = logging.Formatter()


def record_message(record: logging.LogRecord) -> str:
    """`record.getMessage()`, or a description of the call when its arguments do not fit."""
    try:
        return record.getMessage()
    except Exception as exc:
        problem = exception_type_name(type(exc))
        return f"{safe_repr(record.msg)} % {safe_repr(record.args)} ({problem})"


def record_exception(record: logging.LogRecord) -> tuple[str | None, str]:
    """(exception type, stack trace text) from `exc_info` and `stack_info`; the text is cached
    on the record as logging.Formatter does, so a ScrubbingFilter's version is reused."""
    exception_type = None
    exc_info = record.exc_info
    if exc_info and exc_info[0] is not None:
        exception_type = exception_type_name(exc_info[0])
        if not record.exc_text:
            record.exc_text = _FORMATTER.formatException(exc_info)
    parts = [part for part in (record.exc_text, record.stack_info) if part]
    return exception_type, "\n".join(parts)


def record_context(record: logging.LogRecord) -> dict[str, object]:
    """The record's `extra` values; an `extra={"context": {...}}` mapping is merged in. Keys
    other than strings (`extra` accepts any) are named by their repr."""
    context: dict[str, object] = {}
    for key, value in record.__dict__.items():
        if key in RESERVED_ATTRIBUTES:
            continue
        if key == "context" and isinstance(value, dict):
            for inner_key, inner_value in value.items():
                context[_name(inner_key)] = inner_value
        else:
            context[_name(key)] = value
    return context


def _name(key: object) -> str:
    return key if isinstance(key, str) else safe_repr(key)


def truncate_end(text: str, limit: int) -> str:
    """Keep the start of a message: that is where people put what happened."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...[truncated {len(text) - limit} chars]"


def truncate_start(text: str, limit: int) -> str:
    """Keep the end of a stack trace: the innermost frames and the exception itself."""
    if len(text) <= limit:
        return text
    return f"[truncated {len(text) - limit} chars]...{text[len(text) - limit :]}"
