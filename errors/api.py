"""JSON API for scripts: list (the stream's filters and search), detail, status and assignee.

Bearer tokens from `errors.tokens`; no session, so no CSRF. The list reads the same query
parameters as the stream page and every change goes through `errors.triage`, so the API and
the pages cannot disagree about what a filter means or who may resolve what.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from errors import triage
from errors.forms import AssignForm, StatusForm, stream_query
from errors.models import ErrorGroup
from errors.paging import fetch_page
from errors.tokens import user_for

View = Callable[..., HttpResponse]
VIEW_PERMISSION = "errors.view_errorgroup"
FIELDS = {"status", "assignee"}


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="triage-console"'
    return response


def token_required(view: View) -> View:
    """Authenticate by `Authorization: Bearer <token>` and require the view permission."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = user_for(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return _error(401, "a valid API token is required (Authorization: Bearer <token>)")
        request.user = user
        if not user.has_perm(VIEW_PERMISSION):
            return _error(403, f"{VIEW_PERMISSION} is required")
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _error(403, str(exc) or "permission denied")

    return login_not_required(csrf_exempt(wrapped))


def error_json(error: ErrorGroup, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(error.id),
        "url": reverse("api-error", args=[error.id]),
        "fingerprint": error.fingerprint,
        "exception_type": error.exception_type,
        "message": error.message,
        "status": error.status,
        "regressed": error.is_regressed,
        "level": error.level,
        "service": error.service,
        "environment": error.environment,
        "assignee": error.assignee.get_username() if error.assignee else None,
        "first_seen_at": error.first_seen_at.isoformat(),
        "last_seen_at": error.last_seen_at.isoformat(),
        "occurrence_count": error.occurrence_count,
        "regression_count": error.regression_count,
    }
    if full:
        data |= {"stack_trace": error.stack_trace, "metadata": error.metadata}
        data |= {"last_trace_id": error.last_trace_id, "source": error.source}
    return data


@require_GET
@token_required
def errors_list(request: HttpRequest) -> HttpResponse:
    query, cursor = stream_query(request.GET)
    page = fetch_page(query, cursor, request.user, timezone.now())
    links = {}
    for name, at in (("next", page.next), ("previous", page.previous)):
        params = request.GET.copy()
        params["cursor"] = at.encode() if at else ""
        links[name] = f"{reverse('api-errors')}?{params.urlencode()}" if at else None
    results = [error_json(e) for e in page.rows]
    return JsonResponse({"results": results, **links, "problems": list(query.search.problems)})


def _load(pk: Any) -> ErrorGroup | None:
    return ErrorGroup.objects.select_related("assignee").filter(pk=pk).first()


def _messages(form: Form, field: str) -> str:
    return "; ".join(str(message) for message in form.errors[field])


def _apply(request: HttpRequest, pk: Any, body: dict[str, Any]) -> None:
    """Status and assignee changes from a PATCH body, through triage, all or nothing."""
    errors = ErrorGroup.objects.filter(pk=pk)
    with transaction.atomic():
        if "status" in body:
            form = StatusForm({"status": body["status"]})
            if not form.is_valid():
                raise ValidationError(f"status: {_messages(form, 'status')}")
            status = form.cleaned_data["status"]
            triage.change_status(errors, status, actor=request.user, actor_label="api")
        if "assignee" in body:
            name = body["assignee"]
            if name is not None and not isinstance(name, str):
                raise ValidationError("assignee: a user name, or null for nobody")
            assign = AssignForm({"assignee": name or ""})
            if not assign.is_valid():
                raise ValidationError(f"assignee: {_messages(assign, 'assignee')}")
            person = assign.cleaned_data["assignee"]
            triage.assign(errors, person, actor=request.user, actor_label="api")


@require_http_methods(["GET", "PATCH"])
@token_required
def error_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """GET an error; PATCH `{"status": "resolved", "assignee": "alice"}` to change it."""
    if _load(pk) is None:
        return _error(404, "no such error")
    if request.method == "PATCH":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, "the body must be JSON")
        if not isinstance(body, dict) or not FIELDS & body.keys():
            return _error(400, 'send {"status": ...} and/or {"assignee": ...}')
        if unknown := sorted(body.keys() - FIELDS):
            return _error(400, f"unknown fields: {', '.join(unknown)}")
        try:
            _apply(request, pk, body)
        except ValidationError as exc:
            return _error(422, "; ".join(exc.messages))
    error = _load(pk)
    assert error is not None
    return JsonResponse(error_json(error, full=True))
