from django.urls import path

from rpe.figures import views

urlpatterns = [
    path("gestion/relais/chiffres/", views.figures_page, name="figures"),
    path("gestion/relais/chiffres/export.xlsx", views.figures_export, name="figures_export"),
]
