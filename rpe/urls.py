"""The relais' pages: one include line per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("rpe.urls_booking")),
]
