"""URLs of the relais petite enfance: each area of the app has its own module, included here."""

from django.urls import include, path

app_name = "rpe"

urlpatterns = [
    path("", include("rpe.urls_directory")),  # relais, AM directory, availability (rpecore)
    path("", include("rpe.urls_ateliers")),  # ateliers (ateliers)
    path("", include("rpe.urls_inbox")),  # inbox and contact log (ateliers)
    path("", include("rpe.urls_figures")),  # the relais' figures (ateliers)
    path("", include("rpe.urls_offers")),  # search, contacts, job offers, follow-up (rpesearch)
    path("", include("rpe.urls_booking")),  # appointments: rpe:booking:… (booking)
]
