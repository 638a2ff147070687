"""The relais' figures: its staff, and the élus (aggregates only)."""

from django.urls import path

from rpe.figures import views

urlpatterns = [
    path("relais/chiffres/", views.figures_page, name="figures"),
    path("relais/chiffres/export.xlsx", views.figures_export, name="figures_export"),
]
