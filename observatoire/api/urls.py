"""The observatoire's API, mounted under /api/v1/ by portal.urls (the API answers 403 itself)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from observatoire.api.indicators import IndicatorsView

urlpatterns = [
    path("observatoire/indicateurs/", login_not_required(IndicatorsView.as_view()), name="observatoire_indicators"),
]
