from django.urls import path

from rpe.ateliers import views

urlpatterns = [
    # Public: the programme and its calendar feed.
    path("relais/ateliers/", views.programme, name="programme"),
    path("relais/ateliers/programme.ics", views.programme_ics, name="programme_ics"),
    path("relais/ateliers/<int:pk>/", views.atelier_detail, name="atelier_detail"),
    # Assistants maternels (and parents, for réunions d'information).
    path("relais/ateliers/<int:pk>/inscription/", views.register, name="atelier_register"),
    path("relais/ateliers/<int:pk>/desinscription/", views.unregister, name="atelier_unregister"),
    path("mes-ateliers/", views.my_ateliers, name="my_ateliers"),
    # The relais' staff.
    path("gestion/relais/ateliers/", views.staff_list, name="staff_ateliers"),
    path("gestion/relais/ateliers/nouveau/", views.staff_create, name="staff_atelier_create"),
    path("gestion/relais/ateliers/programme/", views.programme_create, name="staff_programme_create"),
    path("gestion/relais/ateliers/<int:pk>/", views.staff_detail, name="staff_atelier"),
    path("gestion/relais/ateliers/<int:pk>/presences/", views.attendance, name="staff_attendance"),
]
