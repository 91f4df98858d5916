"""One log line → a decoded record, or the reason it cannot be one.

Nothing is dropped silently: a bad line is counted under its source's "unparseable lines" group.
Loki's JSON API replaces bytes that are not UTF-8 with U+FFFD, so a line carrying that
character (or a lone surrogate) is counted as invalid UTF-8.
"""

from enum import StrEnum
from typing import Any

import msgspec

from errors.ingest.fields import LineFields

MAX_LINE_BYTES = 1_000_000
SAMPLE_CHARS = 2_000
ABSENT = (b"", b'""', b"null")


class Bad(StrEnum):
    NOT_JSON = "not JSON"
    NO_MESSAGE = "no message"
    TOO_LARGE = "over 1 MB"
    INVALID_UTF8 = "invalid UTF-8"
    TOO_DEEP = "nested too deeply"


class LineParser:
    """Callable: `parser(line)` is a record of `fields.struct`, or a `Bad` reason.

    A record may still lack a message: `missing_message` tells, once the caller has checked
    the level (a debug line without a message is not an error line, let alone a bad one).
    """

    def __init__(self, fields: LineFields) -> None:
        self.fields = fields
        self._decode = fields.decoder.decode
        self._message = fields.first_of("message")

    def missing_message(self, record: Any) -> bool:
        message = self._message(record)
        return message is None or (len(message) <= 4 and bytes(message) in ABSENT)

    def __call__(self, line: str) -> Any:
        if len(line) > MAX_LINE_BYTES // 4 and _too_large(line):
            return Bad.TOO_LARGE
        try:
            record = self._decode(line)
        except msgspec.ValidationError:
            try:
                record = self.fields.decode_loose(line)
            except (msgspec.DecodeError, UnicodeError):
                return Bad.NOT_JSON
            except RecursionError:
                return Bad.TOO_DEEP
        except UnicodeError:
            return Bad.INVALID_UTF8
        except msgspec.DecodeError:
            return Bad.INVALID_UTF8 if _surrogates(line) else Bad.NOT_JSON
        except RecursionError:
            return Bad.TOO_DEEP
        if not line.isascii() and "\ufffd" in line:
            return Bad.INVALID_UTF8
        return record


def _too_large(line: str) -> bool:
    return len(line) > MAX_LINE_BYTES or len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES


def _surrogates(line: str) -> bool:
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def sample_of(line: str) -> str:
    """What the unparseable group shows: the start of the line, surrogates made visible."""
    head = line[:SAMPLE_CHARS]
    text = head.encode("utf-8", "backslashreplace").decode("utf-8")
    return text + ("…" if len(line) > SAMPLE_CHARS else "")
