"""Server time per view, for the triage_page_render_seconds histogram."""

from collections.abc import Callable
from time import perf_counter

from django.http import HttpRequest, HttpResponseBase

from console.metrics import PAGE_RENDER_SECONDS


def render_timing(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        started = perf_counter()
        response = get_response(request)
        match = request.resolver_match
        view = match.view_name if match is not None else "unmatched"
        PAGE_RENDER_SECONDS.labels(view).observe(perf_counter() - started)
        return response

    return middleware
