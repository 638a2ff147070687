from urllib.parse import urlsplit

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_tenants.middleware.main import TenantMainMiddleware

from portal.caching import PublicPageCache, tenant_for_host, visitor_language
from portal.perms import is_staff_member


def map_tiles_origin(url):
    """The origin of the map tiles, as a CSP source ("{s}" subdomains become a wildcard); "" if none."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


# Map tiles (creches' map) are the only third-party images, and only when MAP_TILES_URL is set.
MAP_TILES_ORIGIN = map_tiles_origin(getattr(settings, "MAP_TILES_URL", ""))

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: {MAP_TILES_ORIGIN}".strip(),
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: a strict CSP holds on every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


# Paths a staff member without TOTP may still reach: the account pages (to set it up), assets, probes.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/theme.css", "/logo")


class StaffMFARequiredMiddleware:
    """Staff and platform operators set up TOTP before they reach any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and (is_staff_member(user) or user.is_staff)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not is_mfa_enabled(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the person chose another language (the language cookie), whatever the browser says.

    A public service answers in French by default; the browser's Accept-Language is not a choice.
    """

    def process_request(self, request):
        translation.activate(visitor_language(request))
        request.LANGUAGE_CODE = translation.get_language()


class RequestBodyLimitMiddleware:
    """A body announced larger than REQUEST_BODY_MAX_SIZE is refused (413) before a byte of it is read.

    First in the chain: not even the collectivité is looked up. The reverse proxy applies the same cap;
    this one holds when the portal is reached without it. Django refuses bodies sent without a length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_SIZE:
            limit = settings.REQUEST_BODY_MAX_SIZE // (1024 * 1024)
            return HttpResponse(
                translation.gettext("La requête dépasse %(limit)d Mo : elle n'a pas été lue.") % {"limit": limit},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# Account pages (email confirmation, password reset keys) show an address even to a visitor signed out.
PRIVATE_PREFIXES = ("/accounts/",)


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on whatever a signed-in person receives, and on account pages.

    What a signed-in person reads may carry personal data (their foyer, a dossier, an export, an
    attestation, the API's answers): no shared cache keeps it, no browser stores it on disk. A view
    that declares its answer public (`Cache-Control: public`) keeps its own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = (user is not None and user.is_authenticated) or request.path.startswith(PRIVATE_PREFIXES)
        if private and "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' routing by domain, with the domain → collectivité lookup kept in Redis (no query)."""

    def get_tenant(self, domain_model, hostname):
        def lookup(host):
            domain = domain_model.objects.select_related("tenant").filter(domain=host).first()
            return domain.tenant if domain else None

        tenant = tenant_for_host(hostname, lookup)
        if tenant is None:
            raise domain_model.DoesNotExist
        return tenant


class PublicPageCacheMiddleware(PublicPageCache):
    """Right after routing: an anonymous visitor's public page from the cache (portal.caching)."""
