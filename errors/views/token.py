"""Shows the signed-in person their API token and how to use it."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from errors.tokens import make_token
from errors.views.stream import VIEW_PERMISSION
from errors.views.types import HtmxHttpRequest


@require_GET
@never_cache
@permission_required(VIEW_PERMISSION, raise_exception=True)
def api_token(request: HtmxHttpRequest) -> HttpResponse:
    token = make_token(request.user)
    base = request.build_absolute_uri("/api/errors/")
    return render(request, "errors/api_token.html", {"nav": "api", "token": token, "base": base})
