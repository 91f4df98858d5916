"""The way back from a log line: its fingerprint leads to its error."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from errors.correlation.views import VIEW_PERMISSION, HtmxRequest, in_readers_zone
from errors.models import ErrorGroup


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@in_readers_zone
def by_fingerprint(request: HtmxRequest) -> HttpResponse:
    """Redirect to the error with this fingerprint, or say there is none (yet).

    PostgreSQL text cannot hold NUL, so a fingerprint with one is nobody's (and is not sent).
    """
    fingerprint = request.GET.get("fingerprint", "")[:500]
    errors = ErrorGroup.objects.filter(fingerprint=fingerprint)
    found = None if "\x00" in fingerprint else errors.values_list("pk", flat=True).first()
    if found is not None:
        return redirect("error-detail", pk=found)
    context = {"fingerprint": fingerprint}
    return render(request, "correlation/no_error.html", context, status=404)
