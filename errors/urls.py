from django.urls import path

from errors import views

urlpatterns = [
    path("", views.stream, name="stream"),
]
