from django.urls import path

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("inviter/", views.user_invite_view, name="user_invite"),
    path("<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("historique/", views.role_history, name="role_history"),
]
