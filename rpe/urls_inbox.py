from django.urls import path

from rpe.inbox import views

urlpatterns = [
    path("relais/ecrire/", views.request_new, name="inbox_new"),
    path("gestion/relais/demandes/", views.inbox, name="inbox"),
    path("gestion/relais/demandes/<int:pk>/", views.request_detail, name="inbox_request"),
    path("gestion/relais/demandes/<int:pk>/repondre/", views.request_reply, name="inbox_reply"),
    path("gestion/relais/demandes/<int:pk>/attribuer/", views.request_assign, name="inbox_assign"),
    path("gestion/relais/demandes/<int:pk>/statut/", views.request_status, name="inbox_status"),
    path("gestion/relais/contacts/", views.contacts, name="contacts"),
]
