"""URLs of a collectivité's portal (every tenant schema)."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from commissions.api import SessionDetailView, SessionListView
from creches.api import EstablishmentViewSet
from families.api_family import FamilyApplicationViewSet
from families.views.api import QueueView
from observatoire.api import IndicatorsView
from portal import views
from portal.api import MeView
from portal.sitemaps import EstablishmentSitemap, PublicPagesSitemap

# The API answers 403 itself (DRF permissions) rather than redirecting to the login page.
api_v1 = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("moi/", login_not_required(MeView.as_view()), name="me"),
    path(
        "etablissements/",
        login_not_required(EstablishmentViewSet.as_view({"get": "list"})),
        name="establishments",
    ),
    path(
        "etablissements/<int:pk>/",
        login_not_required(EstablishmentViewSet.as_view({"get": "retrieve"})),
        name="establishment",
    ),
    path(
        "demandes/",
        login_not_required(FamilyApplicationViewSet.as_view({"get": "list", "post": "create"})),
        name="family_applications",
    ),
    path(
        "demandes/<int:pk>/",
        login_not_required(
            FamilyApplicationViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})
        ),
        name="family_application",
    ),
    path("guichet/demandes/", login_not_required(QueueView.as_view()), name="queue"),
    path("commissions/seances/", login_not_required(SessionListView.as_view()), name="sessions"),
    path("commissions/seances/<int:pk>/", login_not_required(SessionDetailView.as_view()), name="session"),
    path("observatoire/indicateurs/", login_not_required(IndicatorsView.as_view()), name="observatoire_indicators"),
]

urlpatterns = [
    path("", views.welcome, name="welcome"),
    path("accueil/", views.home, name="home"),
    path("espace/<slug:slug>/", views.role_home, name="role_home"),
    path("espace/administration/utilisateurs/", include("portal.accounts.urls")),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("", include("creches.urls")),
    path("", include("families.urls")),
    path("", include("commissions.urls")),
    path("", include("observatoire.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include((api_v1, "api"))),
    path(
        "sitemap.xml",
        login_not_required(sitemap),
        {"sitemaps": {"pages": PublicPagesSitemap, "etablissements": EstablishmentSitemap}},
        name="sitemap",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("logo", views.logo, name="logo"),
]

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
