"""The site's URLs with the error page's two lazy panels pointed at the correlation views.

This is the wiring the correlation work asks for (see its report): the panels' URLs resolve
to `errors.correlation` views, and `errors.correlation.urls` is included at the root.
"""

from django.urls import include, path

from console.urls import urlpatterns as site
from errors.correlation.views import context, trace

urlpatterns = [
    path("errors/<uuid:pk>/logs/", context.log_context),
    path("errors/<uuid:pk>/trace/", trace.error_trace),
    path("", include("errors.correlation.urls")),
    *site,
]
