from django.contrib.auth.decorators import login_not_required
from django.urls import path

from rpe.api.ateliers import AtelierListView, RegistrationView

# The API answers 403 itself (DRF permissions) rather than redirecting to the login page.
urlpatterns = [
    path("ateliers/", login_not_required(AtelierListView.as_view()), name="rpe_ateliers"),
    path(
        "ateliers/<int:pk>/inscription/",
        login_not_required(RegistrationView.as_view()),
        name="rpe_atelier_registration",
    ),
]
