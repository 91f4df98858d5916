"""POST endpoints: read the form, call `errors.triage`, show the result.

Every change goes through `errors.triage` with the current user as actor, so the permission
check, the transition rules and the activity row are the same for one error or fifty. HTMX
requests get the changed fragments back (422 with the message inline when refused); plain
form posts get a redirect and a flash message.
"""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from errors import triage
from errors.forms import IGNORE_FOR, AssignForm, BulkForm, NoteForm, StatusForm
from errors.models import ErrorGroup, Status
from errors.views.detail import discussion_context, load_error, summary_context
from errors.views.stream import stream_context
from errors.views.types import HtmxHttpRequest

DONE = {"resolved": "Resolved", "ignored": "Ignored", "investigating": "Marked investigating"}
DONE |= {"new": "Reopened", "assign": "Assigned"}


def _problem(form: Form) -> str:
    return "; ".join(str(message) for errors in form.errors.values() for message in errors)


def _ignore_args(status: str, choice: str) -> dict[str, Any]:
    """Ignore conditions only go with the ignore action; other buttons share the form."""
    condition = IGNORE_FOR.get(choice) if status == Status.IGNORED else None
    if isinstance(condition, timedelta):
        return {"ignore_until": timezone.now() + condition}
    if isinstance(condition, int):
        return {"ignore_more": condition}
    return {}


def _after(request: HtmxHttpRequest, pk: Any, done: str, problem: str | None) -> HttpResponse:
    """The refreshed summary and discussion (HTMX), or back to the error page."""
    if not request.htmx:
        messages.add_message(
            request, messages.ERROR if problem else messages.SUCCESS, problem or done
        )
        return redirect("error-detail", pk=pk)
    error = load_error(pk)
    context = summary_context(request, error) | discussion_context(error)
    context |= {"problem": problem, "done": None if problem else done, "oob": True}
    html = render_to_string("errors/detail.html#summary", context, request)
    html += render_to_string("errors/detail.html#discussion", context, request)
    return HttpResponse(html, status=422 if problem else 200)


def _attempt(change: Any) -> str | None:
    try:
        change()
    except ValidationError as exc:
        return "; ".join(exc.messages)
    return None


@require_POST
@permission_required(triage.CHANGE_PERMISSION, raise_exception=True)
def change_status(request: HtmxHttpRequest, pk: Any) -> HttpResponse:
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _after(request, pk, "", _problem(form))
    status = form.cleaned_data["status"]
    extra = _ignore_args(status, form.cleaned_data["ignore_for"])
    errors = ErrorGroup.objects.filter(pk=pk)
    problem = _attempt(lambda: triage.change_status(errors, status, actor=request.user, **extra))
    return _after(request, pk, DONE[status], problem)


@require_POST
@permission_required(triage.CHANGE_PERMISSION, raise_exception=True)
def assign(request: HtmxHttpRequest, pk: Any) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _after(request, pk, "", _problem(form))
    person = form.cleaned_data["assignee"]
    errors = ErrorGroup.objects.filter(pk=pk)
    problem = _attempt(lambda: triage.assign(errors, person, actor=request.user))
    return _after(request, pk, f"Assigned to {person}" if person else "Unassigned", problem)


@require_POST
@permission_required(triage.NOTE_PERMISSION, raise_exception=True)
def add_note(request: HtmxHttpRequest, pk: Any) -> HttpResponse:
    error = load_error(pk)
    form = NoteForm(request.POST)
    problem = _problem(form) if not form.is_valid() else None
    if problem is None:
        body = form.cleaned_data["body"]
        problem = _attempt(lambda: triage.add_note(error, body, actor=request.user))
    if not request.htmx:
        messages.add_message(
            request, messages.ERROR if problem else messages.SUCCESS, problem or "Note added"
        )
        return redirect("error-detail", pk=pk)
    context = discussion_context(error) | {"error": error, "can_note": True}
    context |= {
        "note_problem": problem,
        "note_body": "" if problem is None else request.POST.get("body", ""),
    }
    return render(request, "errors/detail.html#discussion", context, status=422 if problem else 200)


def _bulk_change(request: HtmxHttpRequest, form: BulkForm) -> tuple[str, str | None]:
    data = form.cleaned_data
    errors = ErrorGroup.objects.filter(id__in=data["ids"])
    try:
        if data["action"] == "assign":
            count = triage.assign(errors, data["assignee"], actor=request.user)
        else:
            count = triage.change_status(errors, data["action"], actor=request.user)
    except ValidationError as exc:
        return "", "; ".join(exc.messages)
    return f"{DONE[data['action']]}: {count} error{'s' if count != 1 else ''}.", None


@require_POST
@permission_required(triage.CHANGE_PERMISSION, raise_exception=True)
def bulk(request: HtmxHttpRequest) -> HttpResponse:
    """Resolve, ignore, mark or assign the selected rows, then show the same list again."""
    form = BulkForm(request.POST)
    params = QueryDict(request.POST.get("next", ""))
    done, problem = _bulk_change(request, form) if form.is_valid() else ("", _problem(form))
    if not request.htmx:
        messages.add_message(
            request, messages.ERROR if problem else messages.SUCCESS, problem or done
        )
        return HttpResponseRedirect(f"{reverse('stream')}?{params.urlencode()}")
    context = stream_context(request, params) | {
        "done": None if problem else done,
        "problem": problem,
    }
    return render(request, "errors/stream.html#results", context, status=422 if problem else 200)


@require_http_methods(["GET", "POST"])
@permission_required(triage.DELETE_PERMISSION, raise_exception=True)
def delete(request: HtmxHttpRequest, pk: Any) -> HttpResponse:
    """Data-deletion requests: the error with its occurrences, counts, notes and history."""
    error = load_error(pk)
    if request.method == "POST":
        triage.delete(ErrorGroup.objects.filter(pk=error.pk), actor=request.user)
        messages.success(request, f"Deleted {error.title}")
        return redirect("stream")
    context = {
        "error": error,
        "occurrences": error.occurrences.count(),
        "notes": error.notes.count(),
    }
    return render(request, "errors/confirm_delete.html", context)
