"""URLs of a collectivité's portal (every tenant schema)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from portal import views

urlpatterns = [
    path("", views.welcome, name="welcome"),
    path("accueil/", views.home, name="home"),
    path("espace/<slug:slug>/", views.role_home, name="role_home"),
    path("espace/administration/utilisateurs/", include("portal.accounts.urls")),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript_catalog"),
    path("healthz", views.healthz, name="healthz"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("logo", views.logo, name="logo"),
]

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
