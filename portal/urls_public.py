"""URLs of the platform itself (public schema): the list of collectivités and the operators' admin."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from portal import views
from portal.registry import url_includes

# Operators sign in through allauth (and its TOTP step), never through the admin's own form.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Guichet unique petite enfance — plateforme"

urlpatterns = [
    path("", views.platform_index, name="platform_index"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("_caddy/domaine", views.caddy_domain, name="caddy_domain"),
    path("theme.css", views.theme_css, name="theme_css"),
    *url_includes("urls_public"),  # each domain app's platform pages (portal.registry)
]

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
