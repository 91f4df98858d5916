"""The error page, and the two lazy panels the correlation work fills in later."""

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from errors import frames, stats
from errors.charts import occurrence_chart
from errors.forms import IGNORE_FOR, assignable_names
from errors.models import ErrorGroup
from errors.triage import CHANGE_PERMISSION, DELETE_PERMISSION, NOTE_PERMISSION
from errors.views.stream import VIEW_PERMISSION
from errors.views.types import HtmxHttpRequest

CHART_RANGES = {"hours": ("hour", 48, "%b %d %H:%M"), "days": ("day", 30, "%b %d")}
RECENT_SHOWN = 20


def _flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested metadata as dotted keys, so it reads as one table."""
    if isinstance(data, dict):
        rows: list[tuple[str, str]] = []
        for key, value in data.items():
            rows += _flatten(value, f"{prefix}{key}.")
        return rows
    return [(prefix.rstrip("."), "" if data is None else str(data))]


def chart_context(error: ErrorGroup, chart: str) -> dict[str, Any]:
    kind, buckets, date_format = CHART_RANGES[chart]
    now = timezone.now()
    counts = stats.series([error.id], kind, buckets, now)[error.id]
    starts = stats.bucket_starts(now, kind, buckets)
    svg = occurrence_chart(list(zip(starts, counts, strict=True)), date_format)
    return {"chart": chart, "chart_svg": svg, "chart_total": sum(counts)}


def discussion_context(error: ErrorGroup) -> dict[str, Any]:
    return {
        "notes": list(error.notes.select_related("author")),
        "activities": list(error.activities.select_related("actor")[:50]),
    }


def summary_context(request: HtmxHttpRequest, error: ErrorGroup) -> dict[str, Any]:
    user = request.user
    can_triage = user.has_perm(CHANGE_PERMISSION)
    return {
        "error": error,
        "can_triage": can_triage,
        "can_note": user.has_perm(NOTE_PERMISSION),
        "can_delete": user.has_perm(DELETE_PERMISSION),
        "people": assignable_names() if can_triage else [],
        "ignore_choices": [k for k in IGNORE_FOR if k],
    }


def load_error(pk: Any) -> ErrorGroup:
    queryset = ErrorGroup.objects.select_related("assignee", "resolved_by")
    return get_object_or_404(queryset, pk=pk)


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@vary_on_headers("HX-Request", "HX-Target")
def detail(request: HtmxHttpRequest, pk: Any) -> HttpResponse:
    error = load_error(pk)
    chart = request.GET.get("chart", "hours")
    chart = chart if chart in CHART_RANGES else "hours"
    if request.htmx and request.htmx.target == "chart":
        return render(
            request, "errors/detail.html#chart", {"error": error} | chart_context(error, chart)
        )
    breakdowns, recent = stats.occurrences(error)
    context = {
        "nav": "errors",
        "breakdowns": breakdowns,
        "recent": recent[:RECENT_SHOWN],
        "stored": len(recent),
        "trace": frames.parse(error.stack_trace),
        "metadata": _flatten(error.metadata or {}),
    }
    context |= summary_context(request, error) | chart_context(error, chart)
    return render(request, "errors/detail.html", context | discussion_context(error))
