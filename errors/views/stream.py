"""The error stream: one URL holds the whole state; HTMX swaps `#results` in place."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from errors import stats
from errors.charts import sparkline
from errors.forms import AGES, PERIODS, SORT_CHOICES, assignable_names, stream_query
from errors.models import ErrorGroup
from errors.paging import BUCKETS, fetch_page
from errors.querysets import TABS, StreamQuery
from errors.triage import CHANGE_PERMISSION
from errors.views.types import HtmxHttpRequest

VIEW_PERMISSION = "errors.view_errorgroup"
TAB_LABELS = {"unresolved": "Unresolved", "new": "New", "investigating": "Investigating"}
TAB_LABELS |= {"regressed": "Regressed", "resolved": "Resolved", "ignored": "Ignored", "all": "All"}


@dataclass(frozen=True)
class Row:
    error: ErrorGroup
    url: str
    spark: SafeString
    period_events: int


@dataclass(frozen=True)
class Tab:
    name: str
    label: str
    current: bool
    count: int | None


def _rows(errors: list[ErrorGroup], period: str, now: datetime) -> list[Row]:
    kind, buckets = BUCKETS[period]
    counts = stats.series([e.id for e in errors], kind, buckets, now)
    detail = reverse("error-detail", args=["00000000-0000-0000-0000-000000000000"])
    rows = []
    for e in errors:
        total = sum(counts[e.id])
        url = detail.replace("00000000-0000-0000-0000-000000000000", str(e.id))
        rows.append(Row(e, url, sparkline(counts[e.id], f"{total} events in {period}"), total))
    return rows


def _tabs(query: StreamQuery, counts: dict[str, int | None] | None) -> list[Tab]:
    return [
        Tab(name, TAB_LABELS[name], name == query.tab, counts[name] if counts else None)
        for name in TABS
    ]


def _facets(query: StreamQuery) -> list[dict[str, Any]]:
    values = stats.facet_values()
    names = {"service": "service", "environment": "env", "level": "level", "exception_type": "type"}
    return [
        {"name": names[column], "label": label, "plural": plural, "values": values[column]}
        | {"current": getattr(query, names[column])}
        for column, label, plural in stats.FACETS
    ]


def stream_context(request: HtmxHttpRequest, params: QueryDict) -> dict[str, Any]:
    """Everything the stream template needs for the list that `params` describes."""
    query, cursor = stream_query(params)
    now = timezone.now()
    page = fetch_page(query, cursor, request.user, now)
    return {
        "nav": "errors",
        "params": params,
        "query": query,
        "page": page,
        "rows": _rows(list(page.rows), query.period, now),
        "tabs": _tabs(query, None),
        "facets": _facets(query),
        "people": assignable_names(),
        "can_triage": request.user.has_perm(CHANGE_PERMISSION),
        "ages": AGES,
        "sorts": SORT_CHOICES,
        "sort_label": dict(SORT_CHOICES)[query.sort],
        "periods": PERIODS,
    }


def results_template(request: HtmxHttpRequest) -> str:
    """The `#results` fragment for HTMX swaps aimed at it, the full page otherwise."""
    if request.htmx and request.htmx.target == "results":
        return "errors/stream.html#results"
    return "errors/stream.html"


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@vary_on_headers("HX-Request", "HX-Target")
def stream(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, results_template(request), stream_context(request, request.GET))


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
def stream_counts(request: HtmxHttpRequest) -> HttpResponse:
    """The status tabs with their (capped) counts, loaded after the page so it never waits."""
    query, _ = stream_query(request.GET)
    counts = stats.tab_counts(query, request.user, timezone.now())
    context = {"params": request.GET, "query": query, "tabs": _tabs(query, counts)}
    return render(request, "errors/stream.html#tabs", context | {"counted": True})
