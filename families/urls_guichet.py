"""The guichet's back-office: instruction of requests (agents and administrators)."""

from django.urls import path

from families.views import configuration, guichet

urlpatterns = [
    path("guichet/demandes/", guichet.queue, name="queue"),
    path("guichet/demandes/export.<str:fmt>", guichet.queue_export, name="queue_export"),
    path("guichet/demandes/<int:pk>/", guichet.dossier, name="dossier"),
    path("guichet/demandes/<int:pk>/pieces-manquantes", guichet.pieces_request_view, name="guichet_pieces_request"),
    path("guichet/demandes/<int:pk>/quotient-familial", guichet.qf_verify_view, name="guichet_qf_verify"),
    path("guichet/demandes/<int:pk>/complete", guichet.mark_complete_view, name="guichet_mark_complete"),
    path("guichet/demandes/<int:pk>/message", guichet.message_view, name="guichet_message"),
    path("guichet/demandes/<int:pk>/note", guichet.note_view, name="guichet_note"),
    path("guichet/demandes/<int:pk>/statut", guichet.transition_view, name="guichet_transition"),
    path("guichet/pieces/<int:pk>/", guichet.document_page, name="guichet_document"),
    path("guichet/pieces/<int:pk>/fichier", guichet.document_file, name="guichet_document_file"),
    path("guichet/pieces/<int:pk>/verification", guichet.document_review_view, name="guichet_document_review"),
    path("guichet/journal/", guichet.audit_log, name="guichet_audit_log"),
    path("guichet/configuration/", configuration.configuration, name="configuration"),
]
