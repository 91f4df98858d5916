"""The log explorer page: a query, a range, results page by page, and a live tail."""

import time
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseStopPolling

from errors.correlation.explorer import ExplorerForm, Search, SearchRefused, build_search
from errors.correlation.results import (
    TAIL_EVERY_SECONDS,
    TAIL_LINES,
    TAIL_SECONDS,
    read_page,
    read_tail,
    tail_start,
)
from errors.correlation.sources import grafana_loki
from errors.correlation.times import stamp, user_zone, zone_name
from errors.correlation.views import VIEW_PERMISSION, HtmxRequest, in_readers_zone, line_links
from errors.models import LokiSource
from errors.models.saved_context import RAW_LOGQL_PERMISSION
from logs.context import Cursor, explore_logs_url

PAGE = "correlation/explorer.html"
NS = 1_000_000_000


def _search(request: HtmxRequest) -> tuple[ExplorerForm, list[str], Search | None, str]:
    """The form, the source names, and the search it asks for or why it cannot run."""
    if request.GET.get("logql") and not request.user.has_perm(RAW_LOGQL_PERMISSION):
        raise PermissionDenied("Only admins may run raw LogQL.")
    names = list(LokiSource.objects.filter(enabled=True).values_list("name", flat=True))
    with timezone.override(user_zone(request)):
        form = ExplorerForm(request.GET or None)
        valid = form.is_valid()
    if not form.is_bound or not names:
        return form, names, None, ""
    if not valid:
        return form, names, None, "Check the highlighted fields."
    try:
        return form, names, build_search(form.cleaned_data, names), ""
    except SearchRefused as refused:
        return form, names, None, str(refused)


def _cursor(text: str) -> Cursor | None:
    try:
        return Cursor.parse(text) if text else None
    except ValueError:
        return None


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
def explorer(request: HtmxRequest) -> HttpResponse:
    form, names, search, refused = _search(request)
    zone = user_zone(request)
    context: dict[str, Any] = {"form": form, "sources": names, "refused": refused, "nav": "logs"}
    context["line_links"] = line_links()
    context |= {"can_raw": request.user.has_perm(RAW_LOGQL_PERMISSION), "zone": zone_name(zone)}
    if search is not None:
        results = read_page(search, _cursor(request.GET.get("cursor", "")), zone)
        params = form.query_params() | {"start": str(search.start_ns), "end": str(search.end_ns)}
        context |= {"search": search, "results": results, "params_qs": urlencode(params)}
        context |= {
            "range_start": stamp(search.start_ns, zone),
            "range_end": stamp(search.end_ns, zone),
        }
        grafana = grafana_loki()
        if grafana is not None:
            window = {"start_ns": search.start_ns, "end_ns": search.end_ns}
            context["explore_url"] = explore_logs_url(grafana, search.query, **window)
    partial = "#page" if request.htmx and request.GET.get("cursor") else ""
    return render(request, PAGE + partial, context)


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
def explorer_tail(request: HtmxRequest) -> HttpResponse:
    """One tick of the live tail; HTTP 286 stops the browser's polling."""
    form, _, search, refused = _search(request)
    now = time.time_ns()
    until = min(
        _int(request.GET.get("deadline")) or now + TAIL_SECONDS * NS, now + TAIL_SECONDS * NS
    )
    zone = user_zone(request)
    context: dict[str, Any] = {"params_qs": urlencode(form.query_params())}
    context["line_links"] = line_links()
    context |= {"every": TAIL_EVERY_SECONDS, "tail_lines": TAIL_LINES, "zone": zone_name(zone)}
    if search is None or request.GET.get("stop") or now >= until:
        why = refused or ("Stopped." if request.GET.get("stop") else "Stopped after 5 minutes.")
        return _stop(request, context | {"why": why})
    after = _cursor(request.GET.get("tail", ""))
    results = read_tail(search, after or tail_start(), zone)
    if results.problem is not None:
        return _stop(
            request, context | {"why": f"{results.problem.title} {results.problem.detail}"}
        )
    context |= {"results": results, "until": until, "until_stamp": stamp(until, zone)}
    return render(request, f"{PAGE}#tail-tick" if after else f"{PAGE}#tail-start", context)


def _stop(request: HtmxRequest, context: dict[str, Any]) -> HttpResponse:
    html = render_to_string(f"{PAGE}#tail-stopped", context, request)
    return HttpResponseStopPolling(html)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() else None
