"""The log context panel of the error page: the panel, "load more", and "save these lines"."""

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from errors.correlation.context_panel import build_panel, more_lines
from errors.correlation.problems import Problem, problem
from errors.correlation.saving import NothingToSave, save_context
from errors.correlation.scope import LINE_COUNTS, WINDOWS, Scope, read_cursor, read_scope
from errors.correlation.times import user_zone
from errors.correlation.views import VIEW_PERMISSION, HtmxRequest, in_readers_zone, line_links
from errors.models import ErrorGroup
from errors.models.saved_context import SAVE_PERMISSION
from logs.loki import LokiError

PAGE = "correlation/context.html"


def _panel(request: HtmxRequest, error: ErrorGroup, scope: Scope, **extra: Any) -> HttpResponse:
    """The whole page; the panel with its CSS and JS for the error page's lazy load; or, when
    the panel replaces itself, the panel alone."""
    panel = build_panel(error, scope, user_zone(request))
    context = {"panel": panel, "error": error, "can_save": request.user.has_perm(SAVE_PERMISSION)}
    context |= _urls(error, panel.scope_query(), scope) | extra
    if not request.htmx:
        return TemplateResponse(request, PAGE, context)
    inside = request.htmx.target == "log-context"
    return TemplateResponse(request, f"{PAGE}#panel" if inside else f"{PAGE}#lazy", context)


def _urls(error: ErrorGroup, query: str, scope: Scope) -> dict[str, Any]:
    return {
        "panel_url": f"{reverse('correlation:log-context', args=[error.pk])}?{query}",
        "more_url": f"{reverse('correlation:log-context-more', args=[error.pk])}?{query}",
        "windows": list(WINDOWS),
        "line_counts": LINE_COUNTS,
        "lines_each": scope.lines,
        "window": scope.window,
        "line_links": line_links(),
    }


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
@vary_on_headers("HX-Request", "HX-Target")
def log_context(request: HtmxRequest, pk: Any) -> HttpResponse:
    return _panel(request, get_object_or_404(ErrorGroup, pk=pk), read_scope(request.GET))


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
def log_context_more(request: HtmxRequest, pk: Any) -> HttpResponse:
    error = get_object_or_404(ErrorGroup, pk=pk)
    scope, side_cursor = read_scope(request.GET), read_cursor(request.GET)
    if side_cursor is None:
        return render(request, f"{PAGE}#bad-more", {}, status=400)
    more = more_lines(error, scope, *side_cursor, user_zone(request))
    context = {"more": more, "error": error} | _urls(error, scope.query_string(), scope)
    return render(request, f"{PAGE}#more", context)


@require_POST
@permission_required(SAVE_PERMISSION, raise_exception=True)
@in_readers_zone
def save_lines(request: HtmxRequest, pk: Any) -> HttpResponse:
    """Save the panel's occurrence by hand, then show the saved copy."""
    error = get_object_or_404(ErrorGroup, pk=pk)
    scope = read_scope(request.POST)
    occurrence = error.occurrences.filter(pk=scope.occurrence).first() if scope.occurrence else None
    occurrence = occurrence or error.occurrences.order_by("-timestamp_ns").first()
    refused: Problem | None = None
    if occurrence is None:
        refused = Problem("There is no occurrence to save lines around.")
    else:
        try:
            user = request.user if request.user.is_authenticated else None
            save_context(occurrence.pk, scope=scope, by=user)
        except NothingToSave as missing:
            refused = Problem("No Loki source is known for this occurrence.", str(missing))
        except (LokiError, UnicodeDecodeError) as failure:
            refused = problem(failure)
    saved_scope = Scope(occurrence=occurrence.pk if occurrence else None, view="saved")
    return _panel(request, error, saved_scope if refused is None else scope, save_problem=refused)
