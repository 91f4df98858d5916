"""The one fingerprint function: the console's poller, its views and applications all call it.

Pure and versioned. An explicit fingerprint (the application's own string) wins verbatim. A
computed one is `v<FINGERPRINT_VERSION>:<32 hex>` over exception type + normalised message + the
innermost stack frames; any change to what goes into the digest bumps the version, so history
is never silently re-grouped. SHA-256 keeps it stable across processes, machines and Pythons.
"""

import hashlib
import json
import re
import traceback
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from triage_logging.frames import top_frames
from triage_logging.normalise import normalise_message

FINGERPRINT_VERSION = 1
EXPLICIT_KEYS = ("fingerprint", "error_fingerprint")

CACHED_INPUT_CHARS = 16_384

_COMPUTED = re.compile(r"v([1-9]\d*):[0-9a-f]{32}")
_FINAL_LINE_TYPE = re.compile(r"([A-Za-z_][\w.]*)(?::\s|:?$)")


def exception_type_name(cls: type[BaseException]) -> str:
    """The name Python's traceback prints: `ValueError`, `psycopg.errors.UniqueViolation`."""
    module = getattr(cls, "__module__", None)
    name = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "BaseException")
    if module in (None, "builtins", "__main__"):
        return str(name)
    return f"{module}.{name}"


def _type_from_trace(stack_trace: str) -> str:
    """The exception type on a Python trace's final line, for lines that left it out."""
    for line in reversed(stack_trace.splitlines()):
        if line.strip():
            match = None if line[0].isspace() else _FINAL_LINE_TYPE.match(line)
            return match[1] if match else ""
    return ""


def _computed(exception_type: str, message: str, stack_trace: str) -> str:
    """Cached on the raw triple (pollers see the same few errors over and over) when small
    enough that 2,048 cached entries stay within tens of megabytes."""
    if len(message) + len(stack_trace) <= CACHED_INPUT_CHARS:
        return _cached(exception_type, message, stack_trace)
    return _digest(exception_type, message, stack_trace)


def _digest(exception_type: str, message: str, stack_trace: str) -> str:
    parts = [
        exception_type.strip() or _type_from_trace(stack_trace),
        normalise_message(message),
        list(top_frames(stack_trace)),
    ]
    material = json.dumps(parts, ensure_ascii=True, separators=(",", ":"))
    digest = hashlib.sha256(material.encode("ascii")).hexdigest()[:32]
    return f"v{FINGERPRINT_VERSION}:{digest}"


_cached = lru_cache(maxsize=2048)(_digest)


def fingerprint(
    *,
    exception_type: str | None,
    message: str | None,
    stack_trace: str | None,
    explicit: str | None = None,
) -> str:
    """Group key for an error: `explicit` verbatim when given (and not blank), else computed."""
    if explicit is not None and explicit.strip():
        return explicit
    return _computed(exception_type or "", message or "", stack_trace or "")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def fingerprint_fields(fields: Mapping[str, Any]) -> str:
    """Fingerprint of a parsed JSON log line; non-string fields count as absent."""
    for key in EXPLICIT_KEYS:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return _computed(
        _text(fields.get("exception_type")),
        _text(fields.get("message")),
        _text(fields.get("stack_trace")),
    )


def fingerprint_exception(exc: BaseException) -> str:
    """Fingerprint of an exception: its type, its message and its traceback's frames."""
    try:
        message = str(exc)
    except Exception:
        message = ""
    return _computed(
        exception_type_name(type(exc)), message, "".join(traceback.format_exception(exc))
    )


def fingerprint_version(value: str) -> int:
    """The algorithm version of a computed fingerprint; 0 for an application's own string."""
    match = _COMPUTED.fullmatch(value)
    return int(match[1]) if match else 0
