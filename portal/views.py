import json

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.i18n import LANGUAGE_QUERY_PARAMETER, set_language

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.caching import public_page
from portal.decorators import allowed_if
from portal.downloads import file_response
from portal.models import Collectivite, Domain
from portal.navigation import ROLE_HOME_SLUGS, ROLE_HOME_TITLES, role_home_url, role_home_views
from portal.perms import can_manage_users, can_see_role_home, is_signed_in

ROLES_BY_SLUG = {slug: role for role, slug in ROLE_HOME_SLUGS.items()}


@public_page
@login_not_required
@require_GET
def welcome(request):
    """A collectivité's front page, open to everyone."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "portal/welcome.html")


@allowed_if(is_signed_in)
@require_GET
def home(request):
    """Send each person to the home of their main role."""
    role = request.user.home_role
    if role is None:
        return render(request, "portal/homes/no_role.html")
    return redirect(role_home_url(role))


def role_by_slug(request, slug):
    if slug not in ROLES_BY_SLUG:
        raise Http404
    return ROLES_BY_SLUG[slug]


@require_GET
@allowed_if(can_see_role_home, obj=role_by_slug)
def role_home(request, role):
    if role in role_home_views():
        return redirect(role_home_url(role))
    return render(
        request,
        f"portal/homes/{role}.html",
        {
            "role": Role(role),
            "page_title": ROLE_HOME_TITLES[role],
            "mfa_enabled": is_mfa_enabled(request.user),
            "can_manage_users": can_manage_users(request.user),
        },
    )


role_home.permission_predicate = can_see_role_home


@login_not_required
@require_GET
def caddy_domain(request):
    """Caddy asks before it requests a TLS certificate: yes (200) only for a domain the platform serves.

    Open to anyone, as DNS is: it says whether a domain is served, nothing else. Without this check
    anyone pointing a name at the proxy would make it ask Let's Encrypt for certificates in a loop.
    """
    domain = request.GET.get("domain", "").strip().lower().rstrip(".")
    if domain and Domain.objects.filter(domain=domain).exists():
        return HttpResponse("ok", content_type="text/plain")
    return HttpResponse("inconnu", content_type="text/plain", status=404)


@login_not_required
@require_GET
def healthz(request):
    """Liveness of what this collectivité needs: its schema in PostgreSQL and Redis."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - a probe reports any failure, it does not raise
        checks["database"] = "erreur"
    try:
        cache.set("healthz", "1", timeout=10)
        checks["redis"] = "ok" if cache.get("healthz") == "1" else "erreur"
    except Exception:  # noqa: BLE001
        checks["redis"] = "erreur"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "erreur", "schema": connection.schema_name, **checks},
        status=200 if healthy else 503,
    )


@login_not_required
@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request):
    """The collectivité's colour as CSS custom properties (no inline style: the CSP forbids it)."""
    colour = getattr(request.tenant, "main_colour", None) or "#000091"
    return HttpResponse(f":root {{ --couleur-principale: {colour}; }}\n", content_type="text/css")


@login_not_required
@require_GET
@cache_control(max_age=3600, public=True)
def logo(request):
    tenant = request.tenant
    if not getattr(tenant, "logo", None):
        raise Http404
    return FileResponse(tenant.logo.open("rb"))


@allowed_if(is_signed_in)
@require_GET
def my_data(request):
    """Everything the account holds about its owner, as JSON (RGPD art. 15 and 20)."""
    user = request.user
    data = {
        "adresse_electronique": user.email,
        "prenom": user.first_name,
        "nom": user.last_name,
        "roles": user.roles,
        "langue_des_messages": user.language,
        "inscrit_le": user.date_joined.isoformat(),
        "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        "adresses_electroniques": list(user.emailaddress_set.values("email", "verified", "primary")),
        "changements_de_roles": [
            {"date": change.changed_at.isoformat(), "ajoutes": change.added, "retires": change.removed}
            for change in user.role_changes.all()
        ],
    }
    return file_response(
        json.dumps(data, ensure_ascii=False, indent=2),
        filename="mes-donnees.json",
        content_type="application/json; charset=utf-8",
    )


@login_not_required
@require_GET
def platform_index(request):
    """The platform's front page: every collectivité, with a link to its portal."""
    collectivites = Collectivite.objects.exclude(schema_name="public").prefetch_related("domains")
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    entries = []
    for collectivite in collectivites:
        domain = next((d.domain for d in collectivite.domains.all() if d.is_primary), None)
        if domain:
            entries.append({"collectivite": collectivite, "url": f"{request.scheme}://{domain}{suffix}/"})
    return render(request, "portal/platform_index.html", {"entries": entries, "debug": settings.DEBUG})


@login_not_required
def language_set(request):
    """Django's `set_language` (the language cookie); for a signed-in person, also the language of the
    emails the portal sends them (`User.language`). Anyone may choose; a person changes only their own."""
    response = set_language(request)
    chosen = request.POST.get(LANGUAGE_QUERY_PARAMETER)
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and chosen in dict(settings.LANGUAGES)
        and chosen != request.user.language
    ):
        User.objects.filter(pk=request.user.pk).update(language=chosen)
    return response
