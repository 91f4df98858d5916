"""Keyset pagination on (sort column, id): page 1,000 costs what page 1 costs.

OFFSET reads and throws away every earlier row. The cursor holds the last row's sort value and
id; the next page is `(col, id) < (value, id)`, written with a redundant `col <= value` so
PostgreSQL walks the (col DESC, id DESC) index instead of filtering the whole table.
"""

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet, Sum

from errors import stats
from errors.models import ErrorGroup, HourlyCount
from errors.querysets import StreamQuery, errors_for

SORTS = {"last": "last_seen_at", "first": "first_seen_at", "count": "occurrence_count"}
BUCKETS = {"24h": ("hour", 24), "14d": ("day", 14)}  # a period as the sparkline shows it
PAGE_SIZE = 50


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (older than) or before (newer than) a row."""

    value: Any
    id: UUID
    backwards: bool = False

    def encode(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, datetime) else str(self.value)
        raw = f"{'b' if self.backwards else 'a'}|{value}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: str) -> "Cursor | None":
        """None for anything malformed: a bad cursor shows the first page, never an error."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            direction, value, ident = raw.split("|")
            parsed: Any = datetime.fromisoformat(value) if sort in ("last", "first") else int(value)
            return cls(parsed, UUID(ident), backwards=direction == "b")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class Page:
    rows: Sequence[ErrorGroup]
    next: Cursor | None
    previous: Cursor | None


def after_q(column: str, cursor: Cursor) -> Q:
    """Rows past the cursor in the page's direction, with the bound that lets the index work."""
    if cursor.backwards:
        bound, strict, tie = f"{column}__gte", f"{column}__gt", "id__gt"
    else:
        bound, strict, tie = f"{column}__lte", f"{column}__lt", "id__lt"
    value = cursor.value
    return Q(**{bound: value}) & (Q(**{strict: value}) | Q(**{column: value, tie: cursor.id}))


def _cursor(row: Any, column: str, *, backwards: bool) -> Cursor:
    return Cursor(getattr(row, column), row.id, backwards=backwards)


def paginate(
    errors: QuerySet[ErrorGroup], sort: str, cursor: Cursor | None, size: int = PAGE_SIZE
) -> Page:
    """One page of `errors` sorted by `sort` (newest or largest first), with both cursors."""
    column = SORTS[sort]
    backwards = cursor is not None and cursor.backwards
    if cursor is not None:
        errors = errors.filter(after_q(column, cursor))
    direction = "" if backwards else "-"
    rows = list(errors.order_by(f"{direction}{column}", f"{direction}id")[: size + 1])
    return _page(rows, size, cursor, column)


def _page(rows: list[Any], size: int, cursor: Cursor | None, column: str) -> Page:
    """Trim the look-ahead row, restore display order, and say which way there is more."""
    backwards = cursor is not None and cursor.backwards
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    has_next = more or backwards
    has_previous = cursor is not None and (more or not backwards)
    return Page(
        rows,
        _cursor(rows[-1], column, backwards=False) if rows and has_next else None,
        _cursor(rows[0], column, backwards=True) if rows and has_previous else None,
    )


def _window_bound(cursor: Cursor) -> Q:
    if cursor.backwards:
        return Q(n__gt=cursor.value) | Q(n=cursor.value, error_id__gt=cursor.id)
    return Q(n__lt=cursor.value) | Q(n=cursor.value, error_id__lt=cursor.id)


def paginate_by_window(
    errors: QuerySet[ErrorGroup], since: datetime, cursor: Cursor | None, size: int = PAGE_SIZE
) -> Page:
    """Sort by occurrences since `since`, summed from hourly counts (errors seen in it only)."""
    counts = (
        HourlyCount.objects.filter(hour__gte=since, error__in=errors.values("id"))
        .values("error_id")
        .annotate(n=Sum("count"))
    )
    backwards = cursor is not None and cursor.backwards
    if cursor is not None:
        counts = counts.filter(_window_bound(cursor))
    direction = "" if backwards else "-"
    ranked = list(counts.order_by(f"{direction}n", f"{direction}error_id")[: size + 1])
    by_id = errors.in_bulk([r["error_id"] for r in ranked])
    rows = []
    for r in ranked:
        row = by_id[r["error_id"]]
        row.window_count = r["n"]  # type: ignore[attr-defined]
        rows.append(row)
    return _page(rows, size, cursor, "window_count")


def fetch_page(query: StreamQuery, cursor: Cursor | None, user: Any, now: datetime) -> Page:
    """The page a stream URL (or an API list call) asks for."""
    errors = errors_for(query, user, now)
    if query.sort == "window":
        since = stats.bucket_starts(now, *BUCKETS[query.period])[0]
        return paginate_by_window(errors, since, cursor)
    return paginate(errors, query.sort, cursor)
