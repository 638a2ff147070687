"""The relais' pages: one include line per area."""

from django.urls import include, path

app_name = "rpe"

urlpatterns = [
    path("", include("rpe.urls_ateliers")),
    path("", include("rpe.urls_inbox")),
    path("", include("rpe.urls_figures")),
]
