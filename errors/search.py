"""The search box's syntax, Sentry's shape: `is:new assigned:me !env:dev times:>100 timeout`.

Parsing is pure (a string in, a `Search` out) so the stream, the JSON API and the tests share
it. A key we do not know is reported and searched as plain text: messages often contain
`key:value` themselves, and silently dropping what someone typed hides why nothing matched.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

KEYS = {
    "is": "is",
    "assigned": "assigned",
    "service": "service",
    "job": "service",
    "env": "env",
    "environment": "env",
    "level": "level",
    "type": "type",
    "exception": "type",
    "times": "times",
    "times_seen": "times",
    "last": "last",
    "lastseen": "last",
    "last_seen": "last",
    "first": "first",
    "firstseen": "first",
    "first_seen": "first",
    "age": "first",
}
STATES = ("new", "investigating", "resolved", "ignored", "unresolved", "regressed")
TERM = re.compile(r"^(?P<neg>!?)(?P<key>[A-Za-z_]+):(?P<value>.+)$")
COMPARISON = re.compile(r"^(?P<op>[<>]=?)?(?P<number>\d+)$")
AGE = re.compile(r"^(?P<sign>[-+])(?P<amount>\d{1,5})(?P<unit>[mhdw])$")
TOKEN = re.compile(r'(?:"[^"]*"|\[[^\]]*\]|[^\s"\[]+|["\[])+')
PHRASE = re.compile(r'^(?P<neg>!?)"(?P<text>[^"]*)"$')
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Term:
    """One `key:value` filter; `values` holds several for `key:[a,b]` (any of them)."""

    key: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class Search:
    terms: tuple[Term, ...] = ()
    words: tuple[str, ...] = ()
    excluded_words: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.excluded_words)


def parse_comparison(value: str) -> tuple[str, int] | None:
    """`>100` → ("gt", 100); a bare number means exactly that many."""
    match = COMPARISON.match(value)
    if not match:
        return None
    lookups = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte", None: "exact"}
    return lookups[match["op"]], int(match["number"])


def parse_age(value: str) -> tuple[bool, timedelta] | None:
    """`-24h` → (True, 24 h): within the last 24 hours; `+7d` → (False, 7 d): longer ago."""
    match = AGE.match(value)
    if not match:
        return None
    delta = timedelta(**{UNITS[match["unit"]]: int(match["amount"])})
    return match["sign"] == "-", delta


def _tokens(query: str) -> list[str]:
    """Split on spaces outside `"..."` and `[...]`; apostrophes and backslashes are plain text."""
    return TOKEN.findall(query)


def _values(raw: str) -> tuple[str, ...]:
    if raw.startswith("[") and raw.endswith("]"):
        return tuple(v.strip() for v in raw[1:-1].split(",") if v.strip())
    return (raw,)


def _problem(key: str, values: tuple[str, ...]) -> str | None:
    if not values:
        return f"{key}: needs a value"
    for value in values:
        if key == "is" and value.lower() not in STATES:
            return f"is:{value} is not a state (use {', '.join(STATES)})"
        if key == "times" and parse_comparison(value) is None:
            return f"times:{value} is not a count (use times:>100, times:<5 or times:42)"
        if key in ("last", "first") and parse_age(value) is None:
            return f"{key}:{value} is not an age (use {key}:-24h or {key}:+7d; m, h, d, w)"
    return None


def parse(query: str) -> Search:
    """Split a query into known filters, free words and problems worth telling the user."""
    terms: list[Term] = []
    words: list[str] = []
    excluded: list[str] = []
    problems: list[str] = []
    for token in _tokens(query):
        if phrase := PHRASE.match(token):
            if phrase["text"]:
                (excluded if phrase["neg"] else words).append(phrase["text"])
            continue
        part = token.replace('"', "")
        match = TERM.match(part)
        key = KEYS.get(match["key"].lower()) if match else None
        if match and key:
            values = _values(match["value"])
            problem = _problem(key, values)
            if problem:
                problems.append(problem)
            else:
                terms.append(Term(key, values, negated=bool(match["neg"])))
            continue
        if match:
            problems.append(f"{match['key']}: is not a search key, searched as text")
        if part.startswith("!") and len(part) > 1:
            excluded.append(part[1:])
        elif part and part != "!":
            words.append(part)
    return Search(tuple(terms), tuple(words), tuple(excluded), tuple(problems))
