"""Label matchers, label filters and the stream selector of a LogQL query.

A `Matcher` (`level="error"`) is the same thing inside `{...}` and after `|`, as in Loki.
The selector also holds Loki's rule that a query must name some streams: at least one
matcher that rejects the empty value, so `{job=~".*"}` fails here rather than as a 400.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import overload

from logs.logql_text import (
    LogQLSyntaxError,
    check_label_name,
    check_text,
    format_duration_value,
    format_number,
    quote,
    read_string,
    regex_matches_empty,
)

__all__ = [
    "AnyOf",
    "CmpOp",
    "Comparison",
    "Label",
    "LabelFilter",
    "MatchOp",
    "Matcher",
    "Selector",
]


class MatchOp(StrEnum):
    EQ = "="
    NE = "!="
    RE = "=~"
    NRE = "!~"


class CmpOp(StrEnum):
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    EQ = "=="
    NE = "!="


@dataclass(frozen=True, slots=True)
class Matcher:
    """`name op "value"`: a stream matcher in `{...}` or a string label filter after `|`."""

    name: str
    op: MatchOp
    value: str

    def __post_init__(self) -> None:
        check_label_name(self.name)
        object.__setattr__(self, "op", MatchOp(self.op))
        check_text(self.value, f"value of label {self.name}")

    def matches_empty(self) -> bool:
        """Whether a stream without this label passes (Loki's `Matcher.Matches("")`)."""
        if self.op in (MatchOp.EQ, MatchOp.NE):
            return (self.value == "") == (self.op is MatchOp.EQ)
        # A regex only RE2 can read (None) is left for Loki to judge: `=~` then counts as
        # naming streams, `!~` does not.
        empty = regex_matches_empty(self.value) or False
        return empty == (self.op is MatchOp.RE)

    def __str__(self) -> str:
        return f"{self.name}{self.op}{quote(self.value)}"


@dataclass(frozen=True, slots=True)
class Comparison:
    """A numeric or duration label filter: `duration > 1000`, `latency >= 250ms`."""

    name: str
    op: CmpOp
    value: int | float | timedelta

    def __post_init__(self) -> None:
        check_label_name(self.name)
        object.__setattr__(self, "op", CmpOp(self.op))
        str(self)  # refuse a value that cannot be rendered now, not when the query is sent

    def __str__(self) -> str:
        if isinstance(self.value, timedelta):
            rendered = format_duration_value(self.value)
        else:
            rendered = format_number(self.value)
        return f"{self.name} {self.op} {rendered}"


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Label filters joined with `or`: `(level="error" or level="critical")`."""

    filters: "tuple[LabelFilter, ...]"

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", tuple(self.filters))
        if not self.filters:
            raise ValueError("AnyOf needs at least one label filter")

    def __str__(self) -> str:
        return "(" + " or ".join(str(item) for item in self.filters) + ")"


type LabelFilter = Matcher | Comparison | AnyOf


@dataclass(frozen=True, slots=True)
class Label:
    """A label name to build matchers and filters from: `Label("level").eq("error")`.

    `eq`/`ne` with a str compare strings (`level="error"`); with a number or a timedelta they
    compare numerically (`status == 500`), as Loki does for the two literal kinds.
    """

    name: str

    def __post_init__(self) -> None:
        check_label_name(self.name)

    @overload
    def eq(self, value: str) -> Matcher: ...
    @overload
    def eq(self, value: int | float | timedelta) -> Comparison: ...
    def eq(self, value: str | int | float | timedelta) -> Matcher | Comparison:
        if isinstance(value, str):
            return Matcher(self.name, MatchOp.EQ, value)
        return Comparison(self.name, CmpOp.EQ, value)

    @overload
    def ne(self, value: str) -> Matcher: ...
    @overload
    def ne(self, value: int | float | timedelta) -> Comparison: ...
    def ne(self, value: str | int | float | timedelta) -> Matcher | Comparison:
        if isinstance(value, str):
            return Matcher(self.name, MatchOp.NE, value)
        return Comparison(self.name, CmpOp.NE, value)

    def matches(self, regex: str) -> Matcher:
        """`name=~"regex"` (RE2, anchored by Loki); see `regex_escape` for literal text."""
        return Matcher(self.name, MatchOp.RE, regex)

    def not_matches(self, regex: str) -> Matcher:
        return Matcher(self.name, MatchOp.NRE, regex)

    def gt(self, value: int | float | timedelta) -> Comparison:
        return Comparison(self.name, CmpOp.GT, value)

    def ge(self, value: int | float | timedelta) -> Comparison:
        return Comparison(self.name, CmpOp.GE, value)

    def lt(self, value: int | float | timedelta) -> Comparison:
        return Comparison(self.name, CmpOp.LT, value)

    def le(self, value: int | float | timedelta) -> Comparison:
        return Comparison(self.name, CmpOp.LE, value)


@dataclass(frozen=True, slots=True)
class Selector:
    """`{job="app", env="prod"}`: which streams a query reads."""

    matchers: tuple[Matcher, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "matchers", tuple(self.matchers))
        if all(matcher.matches_empty() for matcher in self.matchers):
            raise ValueError(
                f"stream selector {self} selects every stream: Loki needs at least one matcher"
                ' that rejects the empty value, e.g. job="app" or job=~".+" (not job=~".*")'
            )

    @classmethod
    def of(cls, **labels: str) -> "Selector":
        """Equality matchers from keywords: `Selector.of(job="app")`."""
        return cls.from_labels(labels)

    @classmethod
    def from_labels(cls, labels: Mapping[str, str]) -> "Selector":
        """Equality matchers for a stream's labels, e.g. those Loki returned with a line."""
        return cls(tuple(Matcher(name, MatchOp.EQ, value) for name, value in labels.items()))

    @classmethod
    def parse(cls, text: str) -> "Selector":
        """Read a selector an administrator typed, e.g. `{job="app", env=~"prod|staging"}`.

        Only the selector: pipeline stages are refused, since a source names streams and
        the console adds its own stages.
        """
        return cls(_SelectorReader(text).read())

    def without_labels(self, *names: str) -> "Selector":
        """This selector minus every matcher on `names` (context lines of sibling streams)."""
        for name in names:
            check_label_name(name)
        return Selector(tuple(m for m in self.matchers if m.name not in names))

    def __str__(self) -> str:
        return "{" + ", ".join(str(matcher) for matcher in self.matchers) + "}"


class _SelectorReader:
    """A scanner for `{ name op "value", ... }` with LogQL's own whitespace and strings."""

    _OPS = ("=~", "!~", "!=", "=")

    def __init__(self, text: str) -> None:
        self.text = check_text(text, "selector")
        self.i = 0

    def read(self) -> tuple[Matcher, ...]:
        self._expect("{", "a stream selector starts with '{'")
        matchers: list[Matcher] = []
        if not self._take("}"):
            while True:
                matchers.append(self._matcher())
                if self._take("}"):
                    break
                self._expect(",", "expected ',' or '}' after a matcher")
        self._skip_space()
        if self.i < len(self.text):
            rest = self.text[self.i]
            message = (
                "a source selector cannot have pipeline stages"
                if rest in "|!"
                else "unexpected text after '}'"
            )
            raise LogQLSyntaxError(message, self.text, self.i)
        return tuple(matchers)

    def _matcher(self) -> Matcher:
        self._skip_space()
        start = self.i
        while self.i < len(self.text) and (self.text[self.i].isalnum() or self.text[self.i] == "_"):
            self.i += 1
        name = self.text[start : self.i]
        if not name:
            raise LogQLSyntaxError("expected a label name", self.text, start)
        try:
            check_label_name(name)
        except ValueError as exc:
            raise LogQLSyntaxError(str(exc), self.text, start) from None
        self._skip_space()
        op = next((op for op in self._OPS if self.text.startswith(op, self.i)), None)
        if op is None:
            raise LogQLSyntaxError("expected =, !=, =~ or !~", self.text, self.i)
        self.i += len(op)
        self._skip_space()
        value, self.i = read_string(self.text, self.i)
        return Matcher(name, MatchOp(op), value)

    def _skip_space(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t\r\n":
            self.i += 1

    def _take(self, token: str) -> bool:
        self._skip_space()
        if self.text.startswith(token, self.i):
            self.i += len(token)
            return True
        return False

    def _expect(self, token: str, message: str) -> None:
        if not self._take(token):
            raise LogQLSyntaxError(message, self.text, self.i)
