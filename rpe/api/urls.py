"""The relais's API, mounted under /api/v1/rpe/: each area adds ONE include line here."""

from django.urls import include, path

urlpatterns = [
    path("", include("rpe.api.urls_ateliers")),  # ateliers and registrations (ateliers)
]
