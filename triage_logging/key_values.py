"""Secrets in `key=value` form, found from their separator rather than by a regex.

A regex for "one of twenty key names, any prefix, a separator, a value" is tried at every
position of every line. Separators are rare; at each one a single `str.endswith` with a tuple of
key names, in C, decides whether the value after it is a secret.
"""

import re
from dataclasses import dataclass, field

# After the separator: optional quote and auth scheme (kept), then the value (replaced). A quoted
# value runs to its closing quote, past escaped ones (JSON, repr) and the other kind of quote; a
# marker left by an earlier pattern is not scrubbed again.
_SECRET_VALUE = re.compile(
    r"""(?P<kept>[ \t]*["']?[ \t]*(?:(?i:bearer|basic|token)[ \t]+)?+)"""
    r"""(?!\[[A-Z_]+\])(?:(?<=")(?:[^"\\\n]++|\\.)++|(?<=')(?:[^'\\\n]++|\\.)++|[^\s"',;&]+)"""
)


@dataclass(frozen=True, slots=True)
class SecretValues:
    """Values of `key=value`, `key: value` and `"key": "value"` whose key ends with one of
    `keys` (case-insensitive, so `DB_PASSWORD` and `x-api-key` count)."""

    keys: tuple[str, ...]
    replacement: str = "[REDACTED]"
    name: str = "secret_value"
    separators: tuple[str, ...] = ("=", ":")
    _keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _endings: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", tuple(k.lower() for k in self.keys))
        object.__setattr__(self, "_endings", frozenset(k[-3:] for k in self._keys))

    def apply(self, text: str) -> str:
        positions: list[int] = []
        for separator in self.separators:
            positions += _find_all(text, separator)
        if not positions:
            return text
        pieces: list[str] = []
        done = 0
        for at in sorted(positions):
            if at < done:
                continue
            key = text[max(done, at - 64) : at].rstrip(" \t\"'").lower()
            if key[-3:] not in self._endings or not key.endswith(self._keys):
                continue
            match = _SECRET_VALUE.match(text, at + 1)
            if match is not None:
                pieces += (text[done : match.end("kept")], self.replacement)
                done = match.end()
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)


def _find_all(text: str, literal: str) -> list[int]:
    found = []
    index = text.find(literal)
    while index != -1:
        found.append(index)
        index = text.find(literal, index + 1)
    return found
