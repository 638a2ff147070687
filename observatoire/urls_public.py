"""The observatoire's pages on the platform itself (public schema): the départements' consolidated tables."""

from django.urls import path

from observatoire.departement import views as departement_views

urlpatterns = [
    path("departements/", departement_views.departement_list, name="departement_list"),
    path("departements/<str:code>/<int:year>/", departement_views.departement_detail, name="departement_detail"),
]
