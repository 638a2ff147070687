from django.urls import path

from creches import views

app_name = "creches"

urlpatterns = [
    # Public pages.
    path("creches/", views.catalogue, name="catalogue"),
    path("creches/carte/", views.map_view, name="map"),
    path("creches/<slug:slug>/", views.establishment_detail, name="establishment"),
    path("parcours/", views.parcours, name="parcours"),
    path("simulateur/", views.simulator, name="simulator"),
    # Staff pages.
    path("gestion/etablissements/", views.establishment_list, name="establishment_list"),
    path("gestion/etablissements/nouveau/", views.establishment_create, name="establishment_create"),
    path("gestion/etablissements/import/", views.establishment_import, name="establishment_import"),
    path(
        "gestion/etablissements/export.<str:file_format>",
        views.establishment_export,
        name="establishment_export",
    ),
    path("gestion/etablissements/<slug:slug>/", views.establishment_edit, name="establishment_edit"),
    path("gestion/places/", views.opening_list, name="opening_list"),
    path("gestion/places/<slug:slug>/", views.opening_declare, name="opening_declare"),
    path("gestion/bareme/", views.fee_scale_list, name="fee_scale_list"),
    path("gestion/bareme/<int:pk>/", views.fee_scale_edit, name="fee_scale_edit"),
]
