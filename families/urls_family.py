"""The family's pages: its foyer, children, requests, pieces and messages."""

from django.urls import path

from families.views import family

urlpatterns = [
    path("famille/", family.dashboard, name="dashboard"),
    path("famille/foyer/", family.family_edit, name="family_edit"),
    path("famille/mes-donnees/", family.family_data_export, name="family_data_export"),
    path("famille/enfants/ajouter/", family.child_edit, name="child_create"),
    path("famille/enfants/<int:pk>/", family.child_edit, name="child_edit"),
    path("famille/enfants/<int:child_pk>/demande/", family.application_create, name="application_create"),
    path("famille/demandes/<int:pk>/", family.application_detail, name="application_detail"),
    path("famille/demandes/<int:pk>/modifier/", family.application_edit, name="application_edit"),
    path("famille/demandes/<int:pk>/pieces/", family.document_upload, name="document_upload"),
    path("famille/demandes/<int:pk>/deposer/", family.application_submit, name="application_submit"),
    path("famille/demandes/<int:pk>/relancer/", family.application_resubmit, name="application_resubmit"),
    path("famille/demandes/<int:pk>/annuler/", family.application_cancel, name="application_cancel"),
    path("famille/demandes/<int:pk>/reprendre/", family.application_reopen, name="application_reopen"),
    path("famille/demandes/<int:pk>/messages/", family.message_post, name="message_post"),
    path("famille/demandes/<int:pk>/attestation.pdf", family.attestation_download, name="attestation"),
    path("famille/pieces/<int:pk>/", family.document_download, name="document_download"),
    path("famille/pieces/<int:pk>/retirer/", family.document_withdraw, name="document_withdraw"),
    path("renouvellement/<str:token>/", family.renewal_confirm, name="renewal_confirm"),
]
