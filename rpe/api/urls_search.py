"""/api/v1/rpe/: the directory, the AM's own profile and availability, job offers."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from rpe.api import search

urlpatterns = [
    path(
        "assistants-maternels/",
        login_not_required(search.AssistantMaternelList.as_view()),
        name="assistants_maternels",
    ),
    path(
        "assistants-maternels/<int:pk>/",
        login_not_required(search.AssistantMaternelDetail.as_view()),
        name="assistant_maternel",
    ),
    path("moi/fiche/", login_not_required(search.OwnProfile.as_view()), name="own_profile"),
    path("moi/disponibilites/", login_not_required(search.OwnAvailability.as_view()), name="own_availability"),
    path("annonces/", login_not_required(search.JobOfferList.as_view()), name="job_offers"),
    path("annonces/<int:pk>/", login_not_required(search.JobOfferDetail.as_view()), name="job_offer"),
    path(
        "annonces/<int:pk>/moderation/",
        login_not_required(search.JobOfferModeration.as_view()),
        name="job_offer_moderation",
    ),
    path(
        "annonces/<int:pk>/reponse/", login_not_required(search.JobOfferAnswerView.as_view()), name="job_offer_answer"
    ),
]
