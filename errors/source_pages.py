"""The admins' Sources page: is each Loki source reachable, keeping up, and how big is it."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from errors.source_status import statuses


@permission_required("errors.change_lokisource", raise_exception=True)
def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "sources/sources.html", {"statuses": statuses(), "nav": "sources"})
