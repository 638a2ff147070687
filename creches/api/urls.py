"""The crèches' API, mounted under /api/v1/ by portal.urls (the API answers 403 itself, no login redirect)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from creches.api.establishments import EstablishmentViewSet

urlpatterns = [
    path(
        "etablissements/",
        login_not_required(EstablishmentViewSet.as_view({"get": "list"})),
        name="establishments",
    ),
    path(
        "etablissements/<int:pk>/",
        login_not_required(EstablishmentViewSet.as_view({"get": "retrieve"})),
        name="establishment",
    ),
]
