"""The commissions' API, mounted under /api/v1/ by portal.urls (the API answers 403 itself)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from commissions.api.sessions import SessionDetailView, SessionListView

urlpatterns = [
    path("commissions/seances/", login_not_required(SessionListView.as_view()), name="sessions"),
    path("commissions/seances/<int:pk>/", login_not_required(SessionDetailView.as_view()), name="session"),
]
