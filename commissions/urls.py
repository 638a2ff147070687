from django.urls import path

from commissions import views, views_offers, views_sessions

app_name = "commissions"

urlpatterns = [
    # Public pages.
    path("transparence/", views.transparency, name="transparency"),
    path("transparence/version-<int:version>/", views.transparency_version, name="transparency_version"),
    # The règlement d'attribution (administrator).
    path("gestion/reglement/", views.regulation_list, name="regulation_list"),
    path("gestion/reglement/<int:version>/", views.regulation_detail, name="regulation_detail"),
    path("gestion/reglement/<int:version>/modifier/", views.regulation_edit, name="regulation_edit"),
    path("gestion/reglement/<int:version>/supprimer/", views.regulation_remove, name="regulation_delete"),
    path("gestion/reglement/<int:version>/adopter/", views.regulation_adopt_view, name="regulation_adopt"),
    path("gestion/reglement/<int:version>/criteres/nouveau/", views.criterion_create, name="criterion_create"),
    path("gestion/reglement/<int:version>/criteres/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path(
        "gestion/reglement/<int:version>/criteres/<int:pk>/supprimer/",
        views.criterion_remove,
        name="criterion_delete",
    ),
    # Reserved places (agents and administrators).
    path("gestion/places-reservees/", views.reservation_list, name="reservation_list"),
    path("gestion/places-reservees/<int:pk>/", views.reservation_edit, name="reservation_edit"),
    path("gestion/places-reservees/<int:pk>/supprimer/", views.reservation_remove, name="reservation_delete"),
    # Commission sessions (service, chair and members).
    path("gestion/commissions/", views_sessions.session_list, name="session_list"),
    path("gestion/commissions/reglages/", views_sessions.commission_settings, name="settings"),
    path("gestion/commissions/<int:pk>/", views_sessions.session_detail, name="session_detail"),
    path("gestion/commissions/<int:pk>/preparer/", views_sessions.session_prepare_view, name="session_prepare"),
    path("gestion/commissions/<int:pk>/presences/", views_sessions.session_attendance, name="session_attendance"),
    path("gestion/commissions/<int:pk>/repartir/", views_sessions.session_allocate_view, name="session_allocate"),
    path("gestion/commissions/<int:pk>/valider/", views_sessions.session_validate_view, name="session_validate"),
    path("gestion/commissions/<int:pk>/proces-verbal/", views_sessions.session_minutes, name="session_minutes"),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/ajuster/",
        views_sessions.dossier_adjust,
        name="dossier_adjust",
    ),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/attribuer/",
        views_sessions.dossier_assign,
        name="dossier_assign",
    ),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/retirer/",
        views_sessions.dossier_unassign,
        name="dossier_unassign",
    ),
    path(
        "gestion/commissions/<int:pk>/dossiers/<str:number>/echanger/",
        views_sessions.dossier_swap,
        name="dossier_swap",
    ),
    # The guichet follows offers: pending ones, answers given by phone or at the desk.
    path("gestion/propositions/", views_offers.offer_pending_list, name="offer_pending_list"),
    path("gestion/propositions/<int:pk>/reponse/", views_offers.offer_answer, name="offer_answer"),
    # Directors: the places families accepted in their establishments.
    path("gestion/admissions/", views_sessions.admissions, name="admissions"),
    # Families: their offers and decision letters.
    path("famille/propositions/<int:pk>/accepter/", views_sessions.offer_accept_view, name="offer_accept"),
    path("famille/propositions/<int:pk>/refuser/", views_sessions.offer_decline_view, name="offer_decline"),
    path("famille/courriers/<int:pk>/", views_sessions.letter_download, name="letter_download"),
]
