"""Numbers around errors: hourly series, breakdowns of occurrences, capped counts per tab.

Each function is one query whatever the number of errors asked about, so pages never grow N+1.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from errors.models import HourlyCount, Occurrence
from errors.models.groups import ErrorGroup
from errors.querysets import TABS, StreamQuery, filtered

COUNT_CAP = 10_000
COUNTS_TTL = 30
COUNTS_BUDGET_MS = 300
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
BREAKDOWNS = [
    ("service", "Service"),
    ("environment", "Environment"),
    ("tenant", "Tenant"),
    ("user", "User"),
    ("operation", "Operation"),
]


def bucket_starts(now: datetime, kind: str, buckets: int) -> list[datetime]:
    """The start of each bucket, oldest first, the last one containing `now`."""
    last = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    if kind == "day":
        last = last.replace(hour=0)
    return [last - STEPS[kind] * n for n in range(buckets - 1, -1, -1)]


SERIES_SQL = """
SELECT error_id, floor(extract(epoch FROM hour - %(start)s) / %(step)s)::int, sum(count)
FROM {table} WHERE error_id = ANY(%(ids)s) AND hour >= %(start)s GROUP BY 1, 2
"""


def series(ids: Iterable[UUID], kind: str, buckets: int, now: datetime) -> dict[UUID, list[int]]:
    """Counts per bucket for many errors at once (one query over the (error, hour) index).

    Written in SQL because it runs for every stream page: the ORM spelling of the same query
    costs twice the server time of the whole database work.
    """
    start = bucket_starts(now, kind, buckets)[0]
    wanted = list(ids)
    result = {error_id: [0] * buckets for error_id in wanted}
    sql = SERIES_SQL.format(table=connection.ops.quote_name(HourlyCount._meta.db_table))
    params: dict[str, Any] = {"start": start, "step": int(STEPS[kind].total_seconds())}
    params["ids"] = wanted
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for error_id, bucket, n in rows:
        if 0 <= bucket < buckets:
            result[error_id][bucket] = n
    return result


@dataclass(frozen=True)
class Share:
    value: str
    count: int
    percent: float


@dataclass(frozen=True)
class Breakdown:
    field: str
    label: str
    shares: list[Share]


def _shares(values: Sequence[str], top: int = 5) -> list[Share]:
    total = len(values) or 1
    counts = Counter(v or "(none)" for v in values).most_common(top)
    return [Share(value, count, round(count * 100 / total, 1)) for value, count in counts]


def occurrences(error: ErrorGroup) -> tuple[list[Breakdown], list[dict[str, Any]]]:
    """Breakdowns over the stored occurrences (bounded per error) and the newest of them."""
    fields = [name for name, _ in BREAKDOWNS]
    rows = list(
        Occurrence.objects.filter(error=error)
        .order_by("-timestamp_ns")
        .values("timestamp", "trace_id", "span_id", *fields)
    )
    breakdowns = [
        Breakdown(name, label, _shares([row[name] for row in rows])) for name, label in BREAKDOWNS
    ]
    return breakdowns, rows


def _counts_sql(query: StreamQuery, user: Any, now: datetime) -> tuple[str, list[Any]]:
    """One statement for every tab; a tab Django knows is empty (`times:>5000000000` is past
    the integer column) has no SQL to compile and counts 0."""
    base = ErrorGroup.objects.filter(filtered(query, user, now, tab=False)).order_by()
    parts: list[str] = []
    params: list[Any] = []
    for name, tab in TABS.items():
        inner = base.filter(tab).values("id")[: COUNT_CAP + 1]
        try:
            sql, inner_params = inner.query.sql_with_params()
        except EmptyResultSet:
            parts.append("0")
            continue
        parts.append(f'(SELECT count(*) FROM ({sql}) AS "{name}")')  # noqa: S608 (ORM SQL, params apart)
        params.extend(inner_params)
    return "SELECT " + ", ".join(parts), params


def tab_counts(query: StreamQuery, user: Any, now: datetime) -> dict[str, int | None]:
    """Errors per status tab, counted up to COUNT_CAP + 1 (shown as "10k+"), cached briefly.

    An exact COUNT(*) over hundreds of thousands of rows costs tens of milliseconds per tab;
    stopping at the cap keeps each count to an index walk of at most 10,001 entries. Filters
    no index serves (a two-letter word, a rare service) could still scan the table, so the
    counts get a time budget and show nothing rather than hold a connection for seconds.
    """
    key = (
        "tab-counts:" + hashlib.sha256(f"{user.pk if user else ''}|{query!r}".encode()).hexdigest()
    )
    cached: dict[str, int | None] | None = cache.get(key)
    if cached is not None:
        return cached
    sql, params = _counts_sql(query, user, now)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {COUNTS_BUDGET_MS}")
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except OperationalError:
        row = None
    counts = dict(zip(TABS, row or [None] * len(TABS), strict=True))
    cache.set(key, counts, COUNTS_TTL)
    return counts


FACETS = [("service", "Service", "services"), ("environment", "Environment", "environments")]
FACETS += [("level", "Level", "levels"), ("exception_type", "Type", "types")]
FACET_SAMPLE = 5_000
FACETS_TTL = 300


def facet_values() -> dict[str, list[str]]:
    """Values for the filter menus, from the most recently seen errors, cached for minutes.

    DISTINCT over the whole table would scan it on every page view; recent errors are the ones
    people filter for, and the search box takes any other value.
    """
    cached: dict[str, list[str]] | None = cache.get("facet-values")
    if cached is not None:
        return cached
    recent = ErrorGroup.objects.order_by("-last_seen_at", "-id").values("id")[:FACET_SAMPLE]
    columns = [column for column, _, _ in FACETS]
    rows = ErrorGroup.objects.filter(id__in=recent).values_list(*columns).distinct().order_by()
    found: dict[str, set[str]] = {column: set() for column in columns}
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            if value:
                found[column].add(value)
    values = {column: sorted(found[column]) for column in columns}
    cache.set("facet-values", values, FACETS_TTL)
    return values
