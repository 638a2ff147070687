"""The relais' API under /api/v1/rpe/: one include line per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("rpe.api.urls_ateliers")),
]
