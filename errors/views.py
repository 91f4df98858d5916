from django.http import HttpRequest, HttpResponse


def stream(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Triage Console")
