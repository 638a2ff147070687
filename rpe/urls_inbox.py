"""The relais' inbox and contact log. Audiences: `ecrire-au-relais/` anyone, `relais/…` the relais' staff."""

from django.urls import path

from rpe.inbox import views

urlpatterns = [
    path("ecrire-au-relais/", views.request_new, name="inbox_new"),
    path("relais/boite/", views.inbox, name="inbox"),
    path("relais/boite/<int:pk>/", views.request_detail, name="inbox_request"),
    path("relais/boite/<int:pk>/repondre/", views.request_reply, name="inbox_reply"),
    path("relais/boite/<int:pk>/attribuer/", views.request_assign, name="inbox_assign"),
    path("relais/boite/<int:pk>/statut/", views.request_status, name="inbox_status"),
    path("relais/contacts/", views.contacts, name="contacts"),
]
