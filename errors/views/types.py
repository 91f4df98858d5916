"""The request our views see: django-htmx's middleware adds `request.htmx` to every one."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
