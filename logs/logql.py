"""The LogQL builder: every query the console sends to Loki is assembled here.

Each object is a frozen dataclass and each method returns a new one, so a base query can be
shared (one per source) and extended per use. Values only ever enter a query as escaped
string literals, numbers or checked label names: text typed by a user cannot end a literal
or add a stage. Stages are kept in the order that is cheap for Loki whatever order they were
added in: matchers, line filters, parsers, label filters, then formatting stages.

    errors = LogQuery(Selector.parse('{job="app"}')).contains("error")
    str(errors.json().where(level="error"))
    # '{job="app"} |= "error" | json | level="error"'
"""

from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum
from typing import ClassVar, Literal

from logs.logql_labels import (
    AnyOf,
    CmpOp,
    Comparison,
    Label,
    LabelFilter,
    Matcher,
    MatchOp,
    Selector,
)
from logs.logql_metric import (
    Grouping,
    Labels,
    LogRangeFunction,
    Metric,
    RangeAggregation,
    UnwrappedRangeFunction,
    VectorAggregation,
    make_grouping,
)
from logs.logql_text import (
    LogQLSyntaxError,
    check_label_name,
    check_text,
    format_range,
    literal_regex,
    parse_range,
    quote,
    regex_escape,
)

__all__ = [
    "NO_ERRORS",
    "AnyOf",
    "CmpOp",
    "Comparison",
    "Conversion",
    "Grouping",
    "Label",
    "LabelFilter",
    "LineFilter",
    "LineOp",
    "LogQLSyntaxError",
    "LogQuery",
    "MatchOp",
    "Matcher",
    "Metric",
    "RangeAggregation",
    "Selector",
    "Unwrapped",
    "VectorAggregation",
    "any_of",
    "format_range",
    "literal_regex",
    "quote",
    "regex_escape",
]

type Window = timedelta | str
type Conversion = Literal["bytes", "duration", "duration_seconds"]
_CONVERSIONS = frozenset(Conversion.__value__.__args__)

NO_ERRORS = Matcher("__error__", MatchOp.EQ, "")
"""`__error__=""`: drop lines a parser or `unwrap` could not convert."""


def any_of(*filters: LabelFilter) -> AnyOf:
    """`(a="x" or b > 2)`: one label filter stage that passes if any filter does."""
    return AnyOf(filters)


class LineOp(StrEnum):
    CONTAINS = "|="
    NOT_CONTAINS = "!="
    MATCHES = "|~"
    NOT_MATCHES = "!~"


@dataclass(frozen=True, slots=True)
class LineFilter:
    """`|= "a"`, or `|= "a" or "b"` with several alternatives; filters the raw line."""

    op: LineOp
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", LineOp(self.op))
        object.__setattr__(self, "values", tuple(self.values))
        if not self.values:
            raise ValueError("a line filter needs at least one value")
        for value in self.values:
            check_text(value, "line filter")

    def __str__(self) -> str:
        return f"{self.op} " + " or ".join(quote(value) for value in self.values)


@dataclass(frozen=True, slots=True)
class _Parser:
    """`| json`, `| logfmt` (optionally with `name="expression"` params) or `| regexp "re"`."""

    kind: Literal["json", "logfmt", "regexp"]
    params: tuple[tuple[str, str | None], ...] = ()
    pattern: str | None = None
    flags: tuple[str, ...] = ()

    def __str__(self) -> str:
        words = [f"| {self.kind}", *self.flags]
        if self.pattern is not None:
            words.append(quote(self.pattern))
        if self.params:
            rendered = (
                name if expr is None else f"{name}={quote(expr)}" for name, expr in self.params
            )
            words.append(", ".join(rendered))
        return " ".join(words)


@dataclass(frozen=True, slots=True)
class _Format:
    """`| line_format "..."`, `| drop a, b`, `| keep a`, `| decolorize`."""

    kind: Literal["line_format", "drop", "keep", "decolorize"]
    template: str | None = None
    labels: tuple[str | Matcher, ...] = ()

    def __str__(self) -> str:
        if self.template is not None:
            return f"| {self.kind} {quote(self.template)}"
        if self.labels:
            return f"| {self.kind} " + ", ".join(str(label) for label in self.labels)
        return f"| {self.kind}"


def _params(
    fields: tuple[str, ...], expressions: dict[str, str]
) -> tuple[tuple[str, str | None], ...]:
    named: list[tuple[str, str | None]] = [(check_label_name(f), None) for f in fields]
    for name, expression in expressions.items():
        named.append((check_label_name(name), check_text(expression, f"expression of {name}")))
    return tuple(named)


def _label_items(items: tuple[str | Matcher, ...], stage: str) -> tuple[str | Matcher, ...]:
    if not items:
        raise ValueError(f"{stage} needs at least one label")
    return tuple(item if isinstance(item, Matcher) else check_label_name(item) for item in items)


def _equalities(
    filters: tuple[LabelFilter, ...], equals: dict[str, str]
) -> tuple[LabelFilter, ...]:
    for item in filters:
        if not isinstance(item, Matcher | Comparison | AnyOf):
            raise TypeError(f"not a label filter: {item!r}")
    return filters + tuple(Matcher(name, MatchOp.EQ, value) for name, value in equals.items())


@dataclass(frozen=True, slots=True)
class LogQuery:
    """A log query: a selector and its pipeline, kept in Loki's fast order."""

    unwraps: ClassVar[bool] = False
    selector: Selector
    line_filters: tuple[LineFilter, ...] = ()
    parsers: tuple[_Parser, ...] = ()
    label_filters: tuple[LabelFilter, ...] = ()
    formats: tuple[_Format, ...] = ()

    def contains(self, *texts: str, ignore_case: bool = False) -> "LogQuery":
        """Lines containing any of `texts` literally: `|= "a" or "b"` (user text is safe)."""
        if ignore_case:
            return self.matches(literal_regex(*texts, ignore_case=True))
        return self._line(LineFilter(LineOp.CONTAINS, texts))

    def excludes(self, *texts: str, ignore_case: bool = False) -> "LogQuery":
        """Lines containing none of `texts`: one `!= "a"` per text."""
        if not texts:
            raise ValueError("excludes needs at least one text")
        if ignore_case:
            return self.not_matches(literal_regex(*texts, ignore_case=True))
        query = self
        for text in texts:
            query = query._line(LineFilter(LineOp.NOT_CONTAINS, (text,)))
        return query

    def matches(self, regex: str) -> "LogQuery":
        """`|~ "regex"` (RE2, unanchored)."""
        return self._line(LineFilter(LineOp.MATCHES, (regex,)))

    def not_matches(self, regex: str) -> "LogQuery":
        return self._line(LineFilter(LineOp.NOT_MATCHES, (regex,)))

    def json(self, *fields: str, **expressions: str) -> "LogQuery":
        """`| json`, or only some fields: `json("level", code="error.code")`."""
        return self._parser(_Parser("json", _params(fields, expressions)))

    def logfmt(
        self, *fields: str, strict: bool = False, keep_empty: bool = False, **expressions: str
    ) -> "LogQuery":
        flags = ("--strict",) * strict + ("--keep-empty",) * keep_empty
        return self._parser(_Parser("logfmt", _params(fields, expressions), flags=flags))

    def regexp(self, pattern: str) -> "LogQuery":
        """`| regexp "re"`: named groups (`(?P<name>...)`) become labels."""
        check_text(pattern, "regexp pattern")
        if "(?P<" not in pattern and "(?<" not in pattern:
            raise ValueError(f"regexp parser needs a named group like (?P<name>...): {pattern!r}")
        return self._parser(_Parser("regexp", pattern=pattern))

    def where(self, *filters: LabelFilter, **equals: str) -> "LogQuery":
        """Label filter stages, after the parsers: `where(Label("code").ge(500), level="error")`."""
        return replace(self, label_filters=self.label_filters + _equalities(filters, equals))

    def line_format(self, template: str) -> "LogQuery":
        """`| line_format "{{.message}}"` (a Go template); placed after every filter."""
        return self._format(_Format("line_format", template=check_text(template, "template")))

    def drop(self, *labels: str | Matcher) -> "LogQuery":
        """`| drop level, detected_level`, e.g. to merge sibling streams for context."""
        return self._format(_Format("drop", labels=_label_items(labels, "drop")))

    def keep(self, *labels: str | Matcher) -> "LogQuery":
        return self._format(_Format("keep", labels=_label_items(labels, "keep")))

    def decolorize(self) -> "LogQuery":
        return self._format(_Format("decolorize"))

    def unwrap(self, label: str, conversion: Conversion | None = None) -> "Unwrapped":
        """Use a label's value as the sample value, for `sum_over_time` and friends."""
        return Unwrapped(self, label, conversion)

    def over_time(self, function: LogRangeFunction, window: Window) -> RangeAggregation:
        """A range aggregation over the lines themselves: counts, rates, bytes."""
        return RangeAggregation(function, self, _window(window))

    def count_over_time(self, window: Window) -> RangeAggregation:
        return self.over_time("count_over_time", window)

    def rate(self, window: Window) -> RangeAggregation:
        return self.over_time("rate", window)

    def bytes_over_time(self, window: Window) -> RangeAggregation:
        return self.over_time("bytes_over_time", window)

    @property
    def stages(self) -> tuple[str, ...]:
        """The rendered pipeline stages, in the order they are sent."""
        return (
            *(str(f) for f in self.line_filters),
            *(str(p) for p in self.parsers),
            *(f"| {f}" for f in self.label_filters),
            *(str(f) for f in self.formats),
        )

    def __str__(self) -> str:
        return " ".join((str(self.selector), *self.stages))

    def _line(self, line_filter: LineFilter) -> "LogQuery":
        return replace(self, line_filters=(*self.line_filters, line_filter))

    def _parser(self, parser: _Parser) -> "LogQuery":
        return replace(self, parsers=(*self.parsers, parser))

    def _format(self, stage: _Format) -> "LogQuery":
        return replace(self, formats=(*self.formats, stage))


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """`<query> | unwrap label [| filters...]`: only valid inside a range aggregation.

    Filters added here stay after the unwrap (Loki's post-unwrap filters), where
    `__error__=""` drops samples whose value did not convert.
    """

    unwraps: ClassVar[bool] = True
    query: LogQuery
    label: str
    conversion: Conversion | None = None
    post_filters: tuple[LabelFilter, ...] = ()

    def __post_init__(self) -> None:
        check_label_name(self.label)
        if self.conversion is not None and self.conversion not in _CONVERSIONS:
            raise ValueError(f"unknown unwrap conversion {self.conversion!r}")

    def where(self, *filters: LabelFilter, **equals: str) -> "Unwrapped":
        return replace(self, post_filters=self.post_filters + _equalities(filters, equals))

    def over_time(
        self,
        function: UnwrappedRangeFunction,
        window: Window,
        *,
        by: Labels | None = None,
        without: Labels | None = None,
        quantile: float | None = None,
    ) -> RangeAggregation:
        grouping = make_grouping(by, without)
        return RangeAggregation(function, self, _window(window), quantile, grouping)

    def sum_over_time(self, window: Window) -> RangeAggregation:
        return self.over_time("sum_over_time", window)

    def rate(self, window: Window) -> RangeAggregation:
        return self.over_time("rate", window)

    def quantile_over_time(
        self, quantile: float, window: Window, *, by: Labels | None = None
    ) -> RangeAggregation:
        return self.over_time("quantile_over_time", window, by=by, quantile=quantile)

    @property
    def stages(self) -> tuple[str, ...]:
        target = self.label if self.conversion is None else f"{self.conversion}({self.label})"
        unwrap = f"| unwrap {target}"
        return (*self.query.stages, unwrap, *(f"| {f}" for f in self.post_filters))

    def __str__(self) -> str:
        return " ".join((str(self.query.selector), *self.stages))


def _window(window: Window) -> timedelta:
    duration = parse_range(window) if isinstance(window, str) else window
    format_range(duration)
    return duration
