"""The relais, their assistants maternels and their availability.

Audiences: `relais/…` the animatrices and the service, `gestion/relais/…` the administrator,
`assistant-maternel/…` the AM herself, `disponibilites/…` the reminder's link (no login).
"""

from django.urls import path

from rpe.views import am_space, availability, imports, relais_admin, staff

urlpatterns = [
    # The relais's pages.
    path("relais/", staff.relais_home, name="relais_home"),
    path("relais/assistants-maternels/", staff.am_list, name="am_list"),
    path("relais/assistants-maternels/<int:pk>/", staff.am_detail, name="am_detail"),
    path("relais/assistants-maternels/<int:pk>/profil/", staff.am_edit, name="am_edit"),
    path("relais/assistants-maternels/<int:pk>/disponibilites/", staff.am_availability, name="am_availability"),
    path("relais/assistants-maternels/<int:pk>/activite/", staff.am_activity, name="am_activity"),
    path("relais/assistants-maternels/<int:pk>/compte/", staff.am_account, name="am_account"),
    path("relais/disponibilites/", staff.availability_board, name="availability_board"),
    path("relais/demandes/", staff.family_requests, name="family_requests"),
    path("relais/import-agrements/", imports.agrement_import, name="agrement_import"),
    # The administrator's configuration of the relais.
    path("gestion/relais/", relais_admin.relais_list, name="relais_list"),
    path("gestion/relais/nouveau/", relais_admin.relais_edit, name="relais_create"),
    path("gestion/relais/<int:pk>/", relais_admin.relais_edit, name="relais_edit"),
    path("gestion/relais/<int:relais_pk>/lieux/nouveau/", relais_admin.lieu_edit, name="lieu_create"),
    path("gestion/relais/<int:relais_pk>/lieux/<int:pk>/", relais_admin.lieu_edit, name="lieu_edit"),
    # The assistant maternel's own space.
    path("assistant-maternel/profil/", am_space.my_profile, name="my_profile"),
    path("assistant-maternel/activite/", am_space.my_activity, name="my_activity"),
    path("assistant-maternel/disponibilites/", am_space.my_availability, name="my_availability"),
    path("assistant-maternel/ma-fiche-publique/", am_space.my_public_card, name="my_public_card"),
    path("assistant-maternel/mes-donnees.json", am_space.my_data, name="my_data"),
    # The reminder's one-click link (no login: the signed link is its own key).
    path(
        "disponibilites/rien-n-a-change/<str:token>/",
        availability.availability_unchanged,
        name="availability_unchanged",
    ),
]
