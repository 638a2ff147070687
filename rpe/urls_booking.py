"""Appointments: families' and AM's pages under /rendez-vous/, the relais' under /relais/."""

from django.urls import path

from rpe.booking import views, views_config, views_staff

app_name = "booking"

urlpatterns = [
    path("rendez-vous/", views.my_appointments, name="my_appointments"),
    path("rendez-vous/prendre/", views.choose_motif, name="choose_motif"),
    path("rendez-vous/prendre/<int:motif_pk>/", views.book, name="book"),
    path("rendez-vous/<int:pk>/", views.appointment_detail, name="appointment"),
    path("rendez-vous/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("rendez-vous/<int:pk>/deplacer/", views.reschedule, name="reschedule"),
    path("rendez-vous/<int:pk>/plus-tot/", views.waiting_list, name="waiting_list"),
    path("rendez-vous/<int:pk>/calendrier.ics", views.appointment_ics_download, name="appointment_ics"),
    path("relais/agenda/", views_staff.agenda, name="agenda"),
    path("relais/agenda/rendez-vous/<int:pk>/", views_staff.appointment_manage, name="manage"),
    path("relais/agenda/prendre/", views_staff.book_for_choose, name="book_for_choose"),
    path("relais/agenda/prendre/<int:motif_pk>/", views_staff.book_for, name="book_for"),
    path("relais/agenda/agenda-prive/", views_staff.calendar_feed, name="calendar_feed"),
    path("relais/agenda/reglages/", views_config.settings_home, name="settings"),
    path(
        "relais/agenda/reglages/<int:relais_pk>/<str:kind>/nouveau/", views_config.settings_edit, name="settings_new"
    ),
    path(
        "relais/agenda/reglages/<int:relais_pk>/<str:kind>/<int:pk>/", views_config.settings_edit, name="settings_edit"
    ),
    path("relais/agenda/vacances-scolaires/", views_config.school_holidays, name="school_holidays"),
    path("agenda-prive/<str:token>.ics", views_staff.calendar_feed_ics, name="calendar_feed_ics"),
]
