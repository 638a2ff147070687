"""The navigation a person sees, by role: each entry is shown only if its predicate holds.

The domain apps declare their entries in their own `navigation.py` (`ENTRIES`, read by portal.registry).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import HOME_ORDER, Role
from portal.perms import can_manage_users, has_role
from portal.registry import declared

ROLE_HOME_SLUGS = {
    Role.PARENT: "famille",
    Role.ASSISTANT_MATERNEL: "assistant-maternel",
    Role.ANIMATRICE_RPE: "relais",
    Role.AGENT: "agent",
    Role.DIRECTEUR: "etablissement",
    Role.MEMBRE_COMMISSION: "commission",
    Role.ELU: "elu",
    Role.ADMINISTRATEUR: "administration",
}
ROLE_HOME_TITLES = {
    Role.PARENT: _("Espace famille"),
    Role.ASSISTANT_MATERNEL: _("Espace assistant·e maternel·le"),
    Role.ANIMATRICE_RPE: _("Espace relais petite enfance"),
    Role.AGENT: _("Espace agent petite enfance"),
    Role.DIRECTEUR: _("Espace établissement"),
    Role.MEMBRE_COMMISSION: _("Espace commission d'attribution"),
    Role.ELU: _("Espace élu·e"),
    Role.ADMINISTRATEUR: _("Administration de la collectivité"),
}


def role_home_views():
    """Roles whose home is a page of a domain app rather than the generic role page (apps' `ROLE_HOMES`)."""
    return {role: url_name for homes in declared("navigation", "ROLE_HOMES") for role, url_name in homes.items()}


def role_home_url(role):
    url_name = role_home_views().get(role)
    if url_name is not None:
        return link(url_name)
    return link("role_home", ROLE_HOME_SLUGS[role])


def link(url_name, slug=None):
    """The menu's URLs, reversed once per process (every signed-in page shows the menu)."""
    return reversed_once(url_name, slug, get_urlconf(), get_script_prefix())


@cache
def reversed_once(url_name, slug, urlconf, _prefix):
    return reverse(url_name, urlconf=urlconf, kwargs={"slug": slug} if slug else None)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


@dataclass(frozen=True)
class NavEntry:
    """A link an app adds to the menu: `url_name` shown to those for whom `predicate(user)` holds."""

    label: str
    url_name: str
    predicate: Callable


def app_entries():
    return [entry for entries in declared("navigation", "ENTRIES") for entry in entries]


def navigation_for(user):
    items = [NavItem(ROLE_HOME_TITLES[role], role_home_url(role)) for role in HOME_ORDER if has_role(user, role)]
    if can_manage_users(user):
        items.append(NavItem(_("Utilisateurs et rôles"), link("accounts:user_list")))
    items.extend(NavItem(entry.label, link(entry.url_name)) for entry in app_entries() if entry.predicate(user))
    return items
