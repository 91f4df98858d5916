"""Turning any value into one line of valid JSON, without ever raising.

Standard library `json` on purpose: the kit has no required dependency, and at ~4 us a line it
is a small part of the budget (see bench/bench_logging.py). Separators are json's defaults,
`{"a": 1, "b": 2}`, the format applications already emit.
"""

import json
import math
from collections.abc import Callable

MAX_DEPTH = 16
MAX_INT_BITS = 10_000

type JSONValue = str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None

# Valid inside JSON strings but line breaks to str.splitlines() and some log shippers.
_LINE_SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:
        return f"<unrepresentable {type(value).__qualname__}>"


def _same(text: str) -> str:
    return text


def jsonable(
    value: object,
    text: Callable[[str], str] = _same,
    depth: int = 0,
    seen: frozenset[int] = frozenset(),
) -> JSONValue:
    """`value` as plain JSON data: strings pass through `text` (scrub, truncate), unknown
    objects become their repr, cycles and very deep nesting become markers, NaN a string."""
    if isinstance(value, str):
        return text(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        bits = value.bit_length()
        return int(value) if bits <= MAX_INT_BITS else f"<int of {bits} bits>"
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else repr(value)
    if not isinstance(value, dict | list | tuple | set | frozenset):
        return text(safe_repr(value))
    if id(value) in seen:
        return "<cycle>"
    if depth >= MAX_DEPTH:
        return "<too deep>"
    inner = seen | {id(value)}
    if isinstance(value, dict):
        return {
            text(k if isinstance(k, str) else safe_repr(k)): jsonable(v, text, depth + 1, inner)
            for k, v in value.items()
        }
    return [jsonable(v, text, depth + 1, inner) for v in value]


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=safe_repr)
_ASCII_ENCODER = json.JSONEncoder(ensure_ascii=True, allow_nan=False, default=safe_repr)


def encode_line(payload: dict[str, JSONValue], *, ensure_ascii: bool = False) -> str:
    """One line of JSON; `payload` must already be `jsonable` (this only makes it printable)."""
    line = (_ASCII_ENCODER if ensure_ascii else _ENCODER).encode(payload)
    if line.isascii():
        return line
    for separator, escaped in _LINE_SEPARATORS.items():
        if separator in line:
            line = line.replace(separator, escaped)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (from os.fsdecode, for one) become JSON's own \udXXX escapes.
        line = line.encode("utf-8", "backslashreplace").decode("utf-8")
    return line
