"""Scrubbing personal data and secrets out of text, values and log records.

`scrub` serves the formatter, `ScrubbingFilter` any other handler (attach it to a handler or a
logger), and the console uses `scrub` on log lines it saves.
"""

import logging
from collections.abc import Sequence

from triage_logging.fields import RESERVED_ATTRIBUTES, record_exception, record_message
from triage_logging.patterns import Scrubber
from triage_logging.sensitive import DEFAULT_PATTERNS

MAX_DEPTH = 16


def scrub(text: str, patterns: Sequence[Scrubber] = DEFAULT_PATTERNS) -> str:
    """`text` with every match of `patterns` replaced by its marker, in order."""
    for pattern in patterns:
        text = pattern.apply(text)
    return text


def scrub_value(
    value: object, patterns: Sequence[Scrubber] = DEFAULT_PATTERNS, depth: int = 0
) -> object:
    """A copy of `value` with its strings scrubbed; other leaves are kept as they are. Dicts,
    lists and tuples come back as plain ones (a namedtuple cannot be rebuilt from an iterable)."""
    if isinstance(value, str):
        return scrub(value, patterns)
    if depth >= MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {
            scrub(k, patterns) if isinstance(k, str) else k: scrub_value(v, patterns, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrub_value(v, patterns, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(scrub_value(v, patterns, depth + 1) for v in value)
    return value


class ScrubbingFilter(logging.Filter):
    """Scrubs a record in place: message, exception text, stack info and `extra` values.

    Objects other than strings, dicts, lists and tuples are left alone (their text only exists
    once a formatter renders them); `JSONFormatter(scrub=True)` covers those too. A filter that
    raised would break the application's logging call, so a record that cannot be scrubbed is
    passed on with its message replaced and its extras dropped instead.
    """

    def __init__(self, patterns: Sequence[Scrubber] = DEFAULT_PATTERNS) -> None:
        super().__init__()
        self.patterns = tuple(patterns)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._scrub_record(record)
        except Exception as exc:
            for key in [k for k in record.__dict__ if k not in RESERVED_ATTRIBUTES]:
                del record.__dict__[key]
            record.msg = f"[log record could not be scrubbed: {type(exc).__name__}]"
            record.args, record.exc_info, record.exc_text, record.stack_info = (
                None,
                None,
                None,
                None,
            )
        return True

    def _scrub_record(self, record: logging.LogRecord) -> None:
        record.msg = scrub(record_message(record), self.patterns)
        record.args = None
        record_exception(record)  # renders exc_info into exc_text, which formatters reuse
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.patterns)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info, self.patterns)
        for key, value in list(record.__dict__.items()):  # `extra` keys need not be strings
            if key not in RESERVED_ATTRIBUTES:
                record.__dict__[key] = scrub_value(value, self.patterns)
