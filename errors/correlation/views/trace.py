"""The trace panel of the error page, the trace page, and "logs for this span"."""

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from errors.correlation.scope import read_scope
from errors.correlation.span_logs import span_logs
from errors.correlation.times import user_zone, zone_name
from errors.correlation.trace_panel import build_trace_panel
from errors.correlation.views import VIEW_PERMISSION, HtmxRequest, in_readers_zone, line_links
from errors.models import ErrorGroup
from traces.tempo_errors import InvalidTraceId
from traces.trace_ids import normalize_trace_id

PAGE = "correlation/trace.html"


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
@vary_on_headers("HX-Request", "HX-Target")
def error_trace(request: HtmxRequest, pk: Any) -> HttpResponse:
    """The trace of the chosen (or newest) occurrence that has one, else the error's last."""
    error = get_object_or_404(ErrorGroup, pk=pk)
    scope = read_scope(request.GET)
    traced = error.occurrences.exclude(trace_id="").order_by("-timestamp_ns")
    occurrence = traced.filter(pk=scope.occurrence).first() if scope.occurrence else None
    occurrence = occurrence or traced.first()
    trace_id = occurrence.trace_id if occurrence else error.last_trace_id
    seen_at = occurrence.timestamp if occurrence else error.last_seen_at
    zone = user_zone(request)
    panel = build_trace_panel(trace_id, zone, seen_at=seen_at)
    context = {"panel": panel, "error": error, "source": occurrence.source if occurrence else ""}
    context["zone"] = zone_name(zone)
    return render(request, _template(request), context)


def _template(request: HtmxRequest) -> str:
    """The page; the panel with its CSS and JS for a lazy load; the panel alone to refresh it."""
    if not request.htmx:
        return PAGE
    return f"{PAGE}#panel" if request.htmx.target == "trace-panel" else f"{PAGE}#lazy"


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
@vary_on_headers("HX-Request", "HX-Target")
def trace_page(request: HtmxRequest, trace_id: str) -> HttpResponse:
    zone = user_zone(request)
    panel = build_trace_panel(trace_id, zone)
    context = {"panel": panel, "source": request.GET.get("source", "")[:100]}
    context["zone"] = zone_name(zone)
    return render(request, _template(request), context)


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
def span_logs_view(request: HtmxRequest, trace_id: str, span_id: str) -> HttpResponse:
    try:
        trace_id = normalize_trace_id(trace_id)
        start_ns, end_ns = int(request.GET["start"]), int(request.GET["end"])
    except (InvalidTraceId, KeyError, ValueError):
        return render(request, f"{PAGE}#bad-span", {}, status=400)
    if len(span_id) != 16 or end_ns <= start_ns:
        return render(request, f"{PAGE}#bad-span", {}, status=400)
    source = request.GET.get("source", "")[:100]
    found = span_logs(trace_id, span_id, start_ns, end_ns, user_zone(request), source=source)
    context = {"found": found, "source": source, "line_links": line_links()}
    return render(request, f"{PAGE}#span-logs", context)
