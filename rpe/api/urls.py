"""The relais's API, mounted under /api/v1/rpe/ (portal.registry mounts it): each area adds ONE line to `areas`."""

from django.urls import include, path

areas = [
    path("", include("rpe.api.urls_search")),  # directory, own profile and availability, job offers
    path("", include("rpe.api.booking")),  # motifs, créneaux, rendez-vous
    path("", include("rpe.api.urls_ateliers")),  # ateliers and registrations (ateliers)
]

urlpatterns = [path("rpe/", include(areas))]
