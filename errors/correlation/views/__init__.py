"""Thin views: read the request, call one function of `errors.correlation`, render."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from errors.correlation.times import user_zone

VIEW_PERMISSION = "errors.view_errorgroup"
PLACEHOLDER = "0" * 32


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


def in_readers_zone[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Render in the reader's time zone, so `|date` agrees with the log lines' own times."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request: Any = args[0]
        with timezone.override(user_zone(request)):
            response = view(*args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
            return response

    return wrapped


def line_links() -> dict[str, str]:
    """Where a line's "error" and "trace" links go, reversed once per page, not once per line."""
    trace = reverse("correlation:trace", args=[PLACEHOLDER]).rsplit(PLACEHOLDER, 1)[0]
    return {"error": reverse("correlation:by-fingerprint"), "trace": trace}
