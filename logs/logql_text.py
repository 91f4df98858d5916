"""The lexical layer of LogQL: label names, string literals, numbers and durations.

Loki reads a string literal with Go's rules (its lexer is Go's text/scanner followed by
Prometheus' copy of strconv.Unquote), so literals are written and read here by exactly
those rules. Everything a user types reaches a query through `quote`, which is why such
text can never end a literal early or add syntax.
"""

import math
import re
import string
import warnings
from datetime import timedelta
from decimal import Decimal

__all__ = [
    "KEYWORDS",
    "LogQLSyntaxError",
    "check_label_name",
    "check_text",
    "format_duration_value",
    "format_number",
    "format_range",
    "literal_regex",
    "parse_range",
    "quote",
    "read_string",
    "regex_escape",
    "regex_matches_empty",
    "unquote",
]

_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

# Words Loki's lexer turns into keyword tokens whatever their case (lex.go `tokens`): a label
# with one of these names cannot be written in a query, so it is refused before Loki sees it.
KEYWORDS = frozenset(
    {
        "and", "bool", "by", "decolorize", "drop", "group_left", "group_right", "ignoring",
        "ip", "json", "keep", "label_format", "label_replace", "line_format", "logfmt", "of",
        "offset", "on", "or", "pattern", "regexp", "unless", "unpack", "unwrap", "variants",
        "without",
    }
)  # fmt: skip

_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}
_UNESCAPES = {escaped[1]: raw for raw, escaped in _ESCAPES.items()}
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}
_RE2_META = re.compile(r"[\\.+*?()|\[\]{}^$]")

_MS_UNITS = (
    ("y", 365 * 86_400_000, True),
    ("w", 7 * 86_400_000, True),
    ("d", 86_400_000, False),
    ("h", 3_600_000, False),
    ("m", 60_000, False),
    ("s", 1_000, False),
    ("ms", 1, False),
)
_RANGE = re.compile("".join(rf"(?:(\d+){unit})?" for unit, _, _ in _MS_UNITS))


class LogQLSyntaxError(ValueError):
    """Text that is not the LogQL it claims to be; `column` is 1-based."""

    def __init__(self, message: str, text: str, index: int) -> None:
        self.column = index + 1
        super().__init__(f"{message} at column {self.column} of {text!r}")


def check_label_name(name: str) -> str:
    """Refuse a name Loki would not parse as a label, with a message that says why."""
    if not isinstance(name, str) or _LABEL_NAME.fullmatch(name) is None:
        raise ValueError(
            f"invalid label name {name!r}: Loki label names match [a-zA-Z_][a-zA-Z0-9_]*"
        )
    if name.lower() in KEYWORDS:
        raise ValueError(f"label name {name!r} is a LogQL keyword: Loki cannot parse it in a query")
    return name


def check_text(value: str, what: str = "value") -> str:
    """Accept any str that is valid Unicode; a lone surrogate has no UTF-8 form to send."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what} is not valid Unicode (lone surrogate): {value!r}") from exc
    return value


def quote(value: str) -> str:
    """Write `value` as a Go double-quoted literal that Loki decodes back to `value`.

    Printable characters stay as they are (readable queries); quotes, backslashes and every
    non-printable character (newline, NUL, other controls, format and separator characters)
    are escaped, so the literal is always one line and ends only at its closing quote.
    """
    check_text(value)
    parts = ['"']
    for char in value:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            parts.append(escaped)
        elif char.isprintable():
            parts.append(char)
        else:
            code = ord(char)
            if code < 0x80:
                parts.append(f"\\x{code:02x}")
            elif code < 0x10000:
                parts.append(f"\\u{code:04x}")
            else:
                parts.append(f"\\U{code:08x}")
    parts.append('"')
    return "".join(parts)


def read_string(text: str, start: int) -> tuple[str, int]:
    """Decode the Go string literal (double-quoted or backquoted) at `text[start]`.

    Returns the value and the index just after the literal. Follows text/scanner and
    strconv.Unquote: no raw newline or NUL inside, only Go's escapes, valid UTF-8 result.
    """
    opening = text[start : start + 1]
    if opening == "`":
        end = text.find("`", start + 1)
        if end < 0:
            raise LogQLSyntaxError("unterminated raw string", text, start)
        if "\0" in text[start:end]:
            raise LogQLSyntaxError("NUL character in string", text, text.index("\0", start))
        return text[start + 1 : end], end + 1
    if opening != '"':
        raise LogQLSyntaxError("expected a string literal", text, start)
    out = bytearray()
    i = start + 1
    while True:
        if i >= len(text):
            raise LogQLSyntaxError("unterminated string", text, start)
        char = text[i]
        if char == '"':
            break
        if char in "\n\0":
            raise LogQLSyntaxError(f"raw {char!r} inside a string", text, i)
        if char != "\\":
            out += check_text(char).encode("utf-8")
            i += 1
            continue
        i = _read_escape(text, i, out)
    try:
        return out.decode("utf-8"), i + 1
    except UnicodeDecodeError as exc:
        raise LogQLSyntaxError("string is not valid UTF-8", text, start) from exc


def _read_escape(text: str, backslash: int, out: bytearray) -> int:
    kind = text[backslash + 1 : backslash + 2]
    if kind in _UNESCAPES:
        out += _UNESCAPES[kind].encode()
        return backslash + 2
    if kind and kind in string.octdigits:
        first, width, alphabet = backslash + 1, 3, string.octdigits
    elif kind in _HEX_WIDTH:
        first, width, alphabet = backslash + 2, _HEX_WIDTH[kind], string.hexdigits
    else:
        raise LogQLSyntaxError("invalid escape", text, backslash)
    digits = text[first : first + width]
    if len(digits) != width or any(digit not in alphabet for digit in digits):
        raise LogQLSyntaxError("invalid escape", text, backslash)
    code = int(digits, 8 if alphabet is string.octdigits else 16)
    if kind in "uU":
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise LogQLSyntaxError("escape is not a Unicode character", text, backslash)
        out += chr(code).encode("utf-8")
    elif code > 0xFF:
        raise LogQLSyntaxError("octal escape above 255", text, backslash)
    else:
        out.append(code)
    return first + width


def unquote(literal: str) -> str:
    """Decode one whole Go string literal such as `"a\\"b"`."""
    value, end = read_string(literal, 0)
    if end != len(literal):
        raise LogQLSyntaxError("text after the string literal", literal, end)
    return value


def regex_escape(text: str) -> str:
    """Make `text` match only itself in RE2 (Go's regexp.QuoteMeta), for `|~` and `=~`."""
    return _RE2_META.sub(lambda match: "\\" + match.group(), check_text(text))


def literal_regex(*alternatives: str, ignore_case: bool = False) -> str:
    """An RE2 regex matching any of the literal `alternatives`, e.g. for a user's search."""
    if not alternatives:
        raise ValueError("literal_regex needs at least one alternative")
    body = "|".join(regex_escape(alternative) for alternative in alternatives)
    return f"(?i){body}" if ignore_case else body


def regex_matches_empty(pattern: str) -> bool | None:
    """Whether the anchored regex accepts "" (None when only RE2 itself could tell)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.fullmatch(pattern, "", re.DOTALL) is not None
    except (re.error, ValueError, OverflowError, RecursionError):
        return None


def parse_range(text: str) -> timedelta:
    """Read a Prometheus duration such as `5m` or `1h30m`, as Loki's `[...]` does."""
    match = _RANGE.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"invalid duration {text!r}: use Prometheus units, e.g. 90s, 5m, 1h30m")
    ms = sum(
        int(count) * unit[1] for count, unit in zip(match.groups(), _MS_UNITS, strict=True) if count
    )
    return timedelta(milliseconds=ms)


def _microseconds(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _format_ms(ms: int) -> str:
    parts = []
    for unit, size, exact in _MS_UNITS:
        if exact and ms % size:
            continue
        if count := ms // size:
            parts.append(f"{count}{unit}")
            ms -= count * size
    return "".join(parts) or "0s"


def format_range(value: timedelta | str) -> str:
    """Render a range (`[5m]`) the way Prometheus formats durations: largest units first."""
    duration = parse_range(value) if isinstance(value, str) else value
    if not isinstance(duration, timedelta):
        raise TypeError(f"a range must be a timedelta or a str like '5m', not {duration!r}")
    us = _microseconds(duration)
    if us <= 0 or us % 1000:
        raise ValueError(f"a range must be a positive whole number of milliseconds: {value!r}")
    return _format_ms(us // 1000)


def format_duration_value(value: timedelta) -> str:
    """Render a duration compared in a label filter (`latency > 250ms`); Go units below 1 ms."""
    us = _microseconds(value)
    if us < 0:
        raise ValueError(f"a duration in a label filter must not be negative: {value!r}")
    return _format_ms(us // 1000) if us % 1000 == 0 else f"{us}us"


def format_number(value: float) -> str:
    """Render a finite number in plain decimal notation (Loki's lexer has no exponents here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, not {value!r}")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"a number in LogQL must be finite, not {value!r}")
    return format(Decimal(repr(value)), "f")
