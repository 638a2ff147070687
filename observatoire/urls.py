from django.urls import path

from observatoire import views

app_name = "observatoire"

urlpatterns = [
    path("observatoire/", views.dashboard, name="dashboard"),
    path("observatoire/actualiser/", views.refresh, name="refresh"),
    path("observatoire/export/<slug:key>.<str:fmt>", views.table_export, name="export"),
    path("observatoire/rapport-<int:year>.pdf", views.report_pdf, name="report_pdf"),
    path("observatoire/rapport/", views.report_edit, name="report_edit"),
    path("observatoire/population/", views.population_import_view, name="population_import"),
    path("observatoire/guide/", views.guide_admin, name="guide_admin"),
    path("observatoire/partage/", views.sharing, name="sharing"),
    path("guide-petite-enfance.pdf", views.guide_pdf, name="guide_pdf"),
    # Directors: the arrivals and departures of their établissements.
    path("gestion/accueils/", views.stays, name="stays"),
    path("gestion/accueils/arrivee/<int:offer_pk>/", views.stay_arrival, name="stay_arrival"),
    path("gestion/accueils/<int:stay_pk>/depart/", views.stay_departure, name="stay_departure"),
]
