"""Correlation URLs; include at the site root: `path("", include("errors.correlation.urls"))`."""

from django.urls import path

from errors.correlation.views import context, explorer, links, trace

app_name = "correlation"

urlpatterns = [
    path("errors/<uuid:pk>/context/", context.log_context, name="log-context"),
    path("errors/<uuid:pk>/context/more/", context.log_context_more, name="log-context-more"),
    path("errors/<uuid:pk>/context/save/", context.save_lines, name="log-context-save"),
    path("errors/<uuid:pk>/trace-panel/", trace.error_trace, name="error-trace"),
    path("traces/<str:trace_id>/", trace.trace_page, name="trace"),
    path(
        "traces/<str:trace_id>/spans/<str:span_id>/logs/",
        trace.span_logs_view,
        name="span-logs",
    ),
    path("logs/", explorer.explorer, name="explorer"),
    path("logs/tail/", explorer.explorer_tail, name="explorer-tail"),
    path("fingerprints/", links.by_fingerprint, name="by-fingerprint"),
]
