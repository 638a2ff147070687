"""The families' and guichet's API, mounted under /api/v1/ by portal.urls (the API answers 403 itself)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from families.api.applications import FamilyApplicationViewSet
from families.api.queue import QueueView

urlpatterns = [
    path(
        "demandes/",
        login_not_required(FamilyApplicationViewSet.as_view({"get": "list", "post": "create"})),
        name="family_applications",
    ),
    path(
        "demandes/<int:pk>/",
        login_not_required(
            FamilyApplicationViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})
        ),
        name="family_application",
    ),
    path("guichet/demandes/", login_not_required(QueueView.as_view()), name="queue"),
]
