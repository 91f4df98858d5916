"""Trace and span ids: checked locally, always lower-case hex inside the console.

Tempo's trace JSON carries ids as base64 while its search, Loki lines and W3C headers use hex;
checking here saves a round trip and keeps a malformed id out of the URL path.
"""

import base64
import binascii
import string

from traces.tempo_errors import InvalidTraceId

HEX_DIGITS = frozenset(string.hexdigits)


def normalize_trace_id(raw: str) -> str:
    """32 lower-case hex digits; a 16-digit (64-bit) id is zero-padded the way Tempo does."""
    value = raw.strip().lower()
    if len(value) not in (16, 32) or not set(value) <= HEX_DIGITS:
        raise InvalidTraceId(f"a trace id is 32 (or 16) hex digits, got {raw!r}")
    if value.strip("0") == "":
        raise InvalidTraceId("a trace id of only zeros is not valid")
    return value.zfill(32)


def wire_id_to_hex(value: str) -> str:
    """An id from trace JSON: base64 in Tempo's replies, hex in OTLP/JSON sent elsewhere."""
    if len(value) in (16, 32) and set(value) <= HEX_DIGITS:
        return value.lower()
    try:
        return base64.b64decode(value, validate=True).hex()
    except (binascii.Error, ValueError):
        return ""
