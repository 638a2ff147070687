"""Pages of the search side of the relais: find an AM, contact her, job offers, the follow-up list."""

from django.urls import path

from rpe import views_followup, views_offers, views_search

urlpatterns = [
    # Public.
    path("assistants-maternels/", views_search.am_search, name="am_search"),
    path("assistants-maternels/<int:pk>/", views_search.am_detail, name="am_public"),
    # Families.
    path("assistants-maternels/<int:pk>/contact/", views_search.am_contact, name="am_contact"),
    path("famille/assistants-maternels/contacts/", views_search.family_contact_list, name="family_contact_list"),
    path("famille/assistants-maternels/recherches/", views_search.saved_search_list, name="saved_search_list"),
    path(
        "famille/assistants-maternels/recherches/<int:pk>/supprimer/",
        views_search.saved_search_delete,
        name="saved_search_delete",
    ),
    path("famille/annonces/", views_offers.family_job_offer_list, name="family_job_offer_list"),
    path("famille/annonces/nouvelle/", views_offers.family_job_offer_create, name="family_job_offer_create"),
    path("famille/annonces/<int:pk>/", views_offers.family_job_offer, name="family_job_offer"),
    path(
        "famille/annonces/<int:pk>/<slug:action>/",
        views_offers.family_job_offer_action,
        name="family_job_offer_action",
    ),
    # Assistants maternels.
    path("assistant-maternel/demandes-de-contact/", views_search.am_contact_list, name="am_contact_list"),
    path(
        "assistant-maternel/demandes-de-contact/<int:pk>/repondre/",
        views_search.am_contact_answer,
        name="am_contact_answer",
    ),
    path("assistant-maternel/annonces/", views_offers.am_job_offer_list, name="am_job_offer_list"),
    path("assistant-maternel/annonces/<int:pk>/", views_offers.am_job_offer, name="am_job_offer"),
    # The relais.
    path("relais/annonces/", views_offers.job_offer_moderation_list, name="job_offer_moderation_list"),
    path("relais/annonces/<int:pk>/", views_offers.job_offer_moderation, name="job_offer_moderation"),
    path("relais/familles-sans-solution/", views_followup.followup_list, name="followup_list"),
    path("relais/familles-sans-solution/<int:pk>/", views_followup.followup_detail, name="followup_detail"),
]
