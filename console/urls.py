"""URL wiring."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from console import health
from errors import source_pages

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("sources/", source_pages.sources, name="sources"),
    path("", include("errors.urls")),
    path("", include("errors.correlation.urls")),
]
