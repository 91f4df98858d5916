"""The stream, the error page and its actions, and the JSON API."""

from django.urls import path

from errors import api, views

urlpatterns = [
    path("", views.stream, name="stream"),
    path("errors/counts/", views.stream_counts, name="stream-counts"),
    path("errors/bulk/", views.bulk, name="error-bulk"),
    path("errors/<uuid:pk>/", views.detail, name="error-detail"),
    path("errors/<uuid:pk>/status/", views.change_status, name="error-status"),
    path("errors/<uuid:pk>/assign/", views.assign, name="error-assign"),
    path("errors/<uuid:pk>/notes/", views.add_note, name="error-note"),
    path("errors/<uuid:pk>/delete/", views.delete, name="error-delete"),
    path("account/api-token/", views.api_token, name="api-token"),
    path("api/errors/", api.errors_list, name="api-errors"),
    path("api/errors/<uuid:pk>/", api.error_detail, name="api-error"),
]
