from django.urls import path

from commissions.views import offers, regulation, sessions

app_name = "commissions"

urlpatterns = [
    # Public pages.
    path("transparence/", regulation.transparency, name="transparency"),
    path("transparence/version-<int:version>/", regulation.transparency_version, name="transparency_version"),
    # The règlement d'attribution (administrator).
    path("gestion/reglement/", regulation.regulation_list, name="regulation_list"),
    path("gestion/reglement/<int:version>/", regulation.regulation_detail, name="regulation_detail"),
    path("gestion/reglement/<int:version>/modifier/", regulation.regulation_edit, name="regulation_edit"),
    path("gestion/reglement/<int:version>/supprimer/", regulation.regulation_remove, name="regulation_delete"),
    path("gestion/reglement/<int:version>/adopter/", regulation.regulation_adopt_view, name="regulation_adopt"),
    path("gestion/reglement/<int:version>/criteres/nouveau/", regulation.criterion_create, name="criterion_create"),
    path("gestion/reglement/<int:version>/criteres/<int:pk>/", regulation.criterion_edit, name="criterion_edit"),
    path(
        "gestion/reglement/<int:version>/criteres/<int:pk>/supprimer/",
        regulation.criterion_remove,
        name="criterion_delete",
    ),
    # Reserved places (agents and administrators).
    path("gestion/places-reservees/", regulation.reservation_list, name="reservation_list"),
    path("gestion/places-reservees/<int:pk>/", regulation.reservation_edit, name="reservation_edit"),
    path("gestion/places-reservees/<int:pk>/supprimer/", regulation.reservation_remove, name="reservation_delete"),
    # Commission sessions (service, chair and members).
    path("gestion/commissions/", sessions.session_list, name="session_list"),
    path("gestion/commissions/reglages/", sessions.commission_settings, name="settings"),
    path("gestion/commissions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("gestion/commissions/<int:pk>/preparer/", sessions.session_prepare_view, name="session_prepare"),
    path("gestion/commissions/<int:pk>/presences/", sessions.session_attendance, name="session_attendance"),
    path("gestion/commissions/<int:pk>/repartir/", sessions.session_allocate_view, name="session_allocate"),
    path("gestion/commissions/<int:pk>/valider/", sessions.session_validate_view, name="session_validate"),
    path("gestion/commissions/<int:pk>/proces-verbal/", sessions.session_minutes, name="session_minutes"),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/ajuster/",
        sessions.dossier_adjust,
        name="dossier_adjust",
    ),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/attribuer/",
        sessions.dossier_assign,
        name="dossier_assign",
    ),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/retirer/",
        sessions.dossier_unassign,
        name="dossier_unassign",
    ),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/echanger/",
        sessions.dossier_swap,
        name="dossier_swap",
    ),
    # The guichet follows offers: pending ones, answers given by phone or at the desk.
    path("gestion/propositions/", offers.offer_pending_list, name="offer_pending_list"),
    path("gestion/propositions/<int:pk>/reponse/", offers.offer_answer, name="offer_answer"),
    # Directors: the places families accepted in their establishments.
    path("gestion/admissions/", sessions.admissions, name="admissions"),
    # Families: their offers and decision letters.
    path("famille/propositions/<int:pk>/accepter/", sessions.offer_accept_view, name="offer_accept"),
    path("famille/propositions/<int:pk>/refuser/", sessions.offer_decline_view, name="offer_decline"),
    path("famille/courriers/<int:pk>/", sessions.letter_download, name="letter_download"),
]
