"""Ateliers. Audiences: `ateliers/…` anyone (the programme; registering needs an AM's or a parent's account),
`mes-ateliers/` the AM or parent's own registrations, `relais/ateliers/…` the relais' staff."""

from django.urls import path

from rpe.ateliers import views

urlpatterns = [
    path("ateliers/", views.programme, name="programme"),
    path("ateliers/programme.ics", views.programme_ics, name="programme_ics"),
    path("ateliers/<int:pk>/", views.atelier_detail, name="atelier_detail"),
    path("ateliers/<int:pk>/inscription/", views.register, name="atelier_register"),
    path("ateliers/<int:pk>/desinscription/", views.unregister, name="atelier_unregister"),
    path("mes-ateliers/", views.my_ateliers, name="my_ateliers"),
    path("relais/ateliers/", views.staff_list, name="staff_ateliers"),
    path("relais/ateliers/nouveau/", views.staff_create, name="staff_atelier_create"),
    path("relais/ateliers/programme/", views.programme_create, name="staff_programme_create"),
    path("relais/ateliers/<int:pk>/", views.staff_detail, name="staff_atelier"),
    path("relais/ateliers/<int:pk>/presences/", views.attendance, name="staff_attendance"),
]
