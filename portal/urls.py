"""URLs of a collectivité's portal (every tenant schema)."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from portal import views
from portal.api import MeView
from portal.registry import url_includes
from portal.sitemaps import sitemaps

# The API answers 403 itself (DRF permissions) rather than redirecting to the login page.
api_v1 = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("moi/", login_not_required(MeView.as_view()), name="me"),
    *url_includes("api.urls"),  # each domain app's api/urls.py (portal.registry)
]

urlpatterns = [
    path("", views.welcome, name="welcome"),
    path("accueil/", views.home, name="home"),
    path("espace/<slug:slug>/", views.role_home, name="role_home"),
    path("espace/administration/utilisateurs/", include("portal.accounts.urls")),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    *url_includes("urls"),  # each domain app's pages: the path's prefix says the audience
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("api/v1/", include((api_v1, "api"))),
    path(
        "sitemap.xml",
        login_not_required(sitemap),
        {"sitemaps": sitemaps()},
        name="sitemap",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("logo", views.logo, name="logo"),
]

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
