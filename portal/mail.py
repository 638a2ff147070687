"""Who an email comes from and where its links lead: the collectivité's own name, sender and domain.

Emails leave through the worker, often outside any request, so links are built from the
collectivité's primary domain and the platform's public scheme and port (settings), not from a
request's host.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

NO_REPLY = "ne-pas-repondre"


@dataclass(frozen=True)
class Site:
    """What allauth's templates read as `current_site` (name and domain), without the Sites framework."""

    name: str
    domain: str


def current_collectivite():
    """The collectivité whose schema is active, or None on the platform."""
    if connection.schema_name == get_public_schema_name():
        return None
    return getattr(connection, "tenant", None)


def primary_domain(collectivite):
    if collectivite is None:
        return settings.PLATFORM_DOMAIN
    # Read once per tenant object (one request or task): a session's emails would each query it.
    if not hasattr(collectivite, "_mail_primary_domain"):
        collectivite._mail_primary_domain = collectivite.get_primary_domain().domain
    return collectivite._mail_primary_domain


def host(collectivite):
    """The domain with the public port when the platform is served on a non-default one (development)."""
    port = str(settings.PUBLIC_PORT or "")
    default = {"http": "80", "https": "443"}[settings.PUBLIC_URL_SCHEME]
    domain = primary_domain(collectivite)
    return f"{domain}:{port}" if port and port != default else domain


def absolute_url(path, collectivite=None):
    collectivite = collectivite or current_collectivite()
    return f"{settings.PUBLIC_URL_SCHEME}://{host(collectivite)}{path}"


def site_name(collectivite=None):
    collectivite = collectivite or current_collectivite()
    return collectivite.name if collectivite is not None else _("Guichet petite enfance")


def site(collectivite=None):
    collectivite = collectivite or current_collectivite()
    return Site(name=site_name(collectivite), domain=host(collectivite))


def sender(collectivite=None):
    """`"Name" <address>`: the collectivité's own sending address, else a no-reply one on its own domain."""
    collectivite = collectivite or current_collectivite()
    if collectivite is None:
        return settings.DEFAULT_FROM_EMAIL  # the platform's own (operators), set per deployment
    address = collectivite.sender_email or f"{NO_REPLY}@{primary_domain(collectivite)}"
    # Quoted, not encoded: Django encodes the header itself when it sends.
    name = site_name(collectivite).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{address}>'


def reply_to(collectivite=None):
    """Answers go to the guichet's contact address, never to the no-reply sender."""
    collectivite = collectivite or current_collectivite()
    contact = getattr(collectivite, "contact_email", "")
    return [contact] if contact else []
