"""Metric expressions: range aggregations over a log query and vector aggregations on top.

Split from `logql.py` (which re-exports everything here) to keep each module short.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from logs.logql_text import check_label_name, format_number, format_range

if TYPE_CHECKING:
    from logs.logql import LogQuery, Unwrapped

__all__ = [
    "Grouping",
    "LogRangeFunction",
    "Metric",
    "RangeAggregation",
    "UnwrappedRangeFunction",
    "VectorAggregation",
]

type Labels = str | Sequence[str]
type LogRangeFunction = Literal[
    "count_over_time", "rate", "bytes_over_time", "bytes_rate", "absent_over_time"
]
type UnwrappedRangeFunction = Literal[
    "rate",
    "rate_counter",
    "sum_over_time",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "first_over_time",
    "last_over_time",
    "quantile_over_time",
]

_LOG_RANGE_FUNCTIONS = frozenset(LogRangeFunction.__value__.__args__)
_UNWRAPPED_RANGE_FUNCTIONS = frozenset(UnwrappedRangeFunction.__value__.__args__)
# Loki accepts `by`/`without` on these range aggregations only (ast.go, RangeAggregationExpr).
_GROUPABLE_RANGE_FUNCTIONS = frozenset(
    {
        "avg_over_time",
        "min_over_time",
        "max_over_time",
        "stddev_over_time",
        "stdvar_over_time",
        "quantile_over_time",
        "first_over_time",
        "last_over_time",
    }
)


def make_grouping(by: Labels | None, without: Labels | None) -> "Grouping | None":
    """The `by`/`without` clause from keyword arguments (a str is one label)."""
    if by is not None and without is not None:
        raise ValueError("give by or without, not both")
    if by is not None:
        return Grouping(_names(by))
    if without is not None:
        return Grouping(_names(without), without=True)
    return None


def _names(labels: Labels) -> tuple[str, ...]:
    return (labels,) if isinstance(labels, str) else tuple(labels)


@dataclass(frozen=True, slots=True)
class Grouping:
    """`by (a, b)` or `without (a)`."""

    labels: tuple[str, ...]
    without: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(self.labels))
        for name in self.labels:
            check_label_name(name)

    def __str__(self) -> str:
        return f"{'without' if self.without else 'by'} ({', '.join(self.labels)})"


class _Aggregatable:
    """Vector aggregations shared by every metric expression, so they chain:
    `query.count_over_time("1h").sum(by="fingerprint").topk(10)`.
    """

    __slots__ = ()

    def sum(
        self, *, by: Labels | None = None, without: Labels | None = None
    ) -> "VectorAggregation":
        return VectorAggregation("sum", self, make_grouping(by, without))

    def avg(
        self, *, by: Labels | None = None, without: Labels | None = None
    ) -> "VectorAggregation":
        return VectorAggregation("avg", self, make_grouping(by, without))

    def min(
        self, *, by: Labels | None = None, without: Labels | None = None
    ) -> "VectorAggregation":
        return VectorAggregation("min", self, make_grouping(by, without))

    def max(
        self, *, by: Labels | None = None, without: Labels | None = None
    ) -> "VectorAggregation":
        return VectorAggregation("max", self, make_grouping(by, without))

    def count(
        self, *, by: Labels | None = None, without: Labels | None = None
    ) -> "VectorAggregation":
        return VectorAggregation("count", self, make_grouping(by, without))

    def topk(
        self, k: int, *, by: Labels | None = None, without: Labels | None = None
    ) -> "VectorAggregation":
        return VectorAggregation("topk", self, make_grouping(by, without), k)

    def bottomk(
        self, k: int, *, by: Labels | None = None, without: Labels | None = None
    ) -> "VectorAggregation":
        return VectorAggregation("bottomk", self, make_grouping(by, without), k)

    def sort_desc(self) -> "VectorAggregation":
        return VectorAggregation("sort_desc", self)


@dataclass(frozen=True, slots=True)
class RangeAggregation(_Aggregatable):
    """`count_over_time({...} | json [1h])`, `max_over_time({...} | unwrap d [5m]) by (x)`."""

    function: LogRangeFunction | UnwrappedRangeFunction
    source: "LogQuery | Unwrapped"
    window: timedelta
    quantile: float | None = None
    grouping: Grouping | None = None

    def __post_init__(self) -> None:
        format_range(self.window)
        unwrapped = self.source.unwraps
        if self.function not in (_UNWRAPPED_RANGE_FUNCTIONS if unwrapped else _LOG_RANGE_FUNCTIONS):
            needs = "a query without unwrap" if unwrapped else "an unwrapped query (.unwrap(label))"
            raise ValueError(f"{self.function!r} is not a range function or needs {needs}")
        if (self.quantile is not None) != (self.function == "quantile_over_time"):
            raise ValueError("quantile_over_time, and only it, takes a quantile")
        if self.quantile is not None and not 0 <= self.quantile <= 1:
            raise ValueError(f"a quantile lies between 0 and 1, not {self.quantile!r}")
        if self.grouping is not None and self.function not in _GROUPABLE_RANGE_FUNCTIONS:
            raise ValueError(f"Loki allows no by/without on {self.function}: use .sum(by=...)")

    def __str__(self) -> str:
        quantile = "" if self.quantile is None else f"{format_number(self.quantile)}, "
        gap = " " if self.source.stages else ""
        window = format_range(self.window)
        text = f"{self.function}({quantile}{self.source}{gap}[{window}])"
        return text if self.grouping is None else f"{text} {self.grouping}"


@dataclass(frozen=True, slots=True)
class VectorAggregation(_Aggregatable):
    """`sum by (fingerprint) (...)`, `topk(10, ...)`."""

    op: Literal["sum", "avg", "min", "max", "count", "topk", "bottomk", "sort_desc"]
    inner: _Aggregatable
    grouping: Grouping | None = None
    k: int | None = None

    def __post_init__(self) -> None:
        takes_k = self.op in ("topk", "bottomk")
        if takes_k != (self.k is not None):
            raise ValueError("topk and bottomk, and only they, take k")
        if self.k is not None and (isinstance(self.k, bool) or not isinstance(self.k, int)):
            raise TypeError(f"k must be an int, not {self.k!r}")
        if self.k is not None and self.k < 1:
            raise ValueError(f"k must be at least 1, not {self.k}")

    def __str__(self) -> str:
        args = str(self.inner) if self.k is None else f"{self.k}, {self.inner}"
        if self.grouping is None:
            return f"{self.op}({args})"
        return f"{self.op} {self.grouping} ({args})"


type Metric = RangeAggregation | VectorAggregation
