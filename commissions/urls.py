from django.urls import path

from commissions import views

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
]
