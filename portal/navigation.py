"""The navigation a person sees, by role: each entry is shown only if its predicate holds."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commissions import perms as commissions_perms
from creches import perms as creches_perms
from families.perms import can_configure_guichet, can_instruct, can_read_audit_log
from observatoire import perms as observatoire_perms
from portal.accounts.roles import HOME_ORDER, Role
from portal.perms import can_manage_users, has_role

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


# Roles whose home is a page of a domain app rather than the generic role page.
ROLE_HOME_VIEWS = {Role.PARENT: "families:dashboard"}


def role_home_url(role):
    if role in ROLE_HOME_VIEWS:
        return reverse(ROLE_HOME_VIEWS[role])
    return reverse("role_home", kwargs={"slug": ROLE_HOME_SLUGS[role]})


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def navigation_for(user):
    items = [NavItem(ROLE_HOME_TITLES[role], role_home_url(role)) for role in HOME_ORDER if has_role(user, role)]
    if can_manage_users(user):
        items.append(NavItem(_("Utilisateurs et rôles"), reverse("accounts:user_list")))
    # The guichet's back-office (families app).
    if can_instruct(user):
        items.append(NavItem(_("Demandes"), reverse("families:queue")))
    if can_read_audit_log(user):
        items.append(NavItem(_("Journal des accès"), reverse("families:guichet_audit_log")))
    if can_configure_guichet(user):
        items.append(NavItem(_("Règles du guichet"), reverse("families:configuration")))
    # The offer of collective care (creches app).
    if creches_perms.can_see_place_openings(user):
        items.append(NavItem(_("Places qui s'ouvrent"), reverse("creches:opening_list")))
    if creches_perms.can_manage_establishments(user):
        items.append(NavItem(_("Établissements"), reverse("creches:establishment_list")))
    if creches_perms.can_import_establishments(user):
        items.append(NavItem(_("Import des établissements"), reverse("creches:establishment_import")))
    if creches_perms.can_manage_fee_scales(user):
        items.append(NavItem(_("Barème des participations"), reverse("creches:fee_scale_list")))
    # The règlement d'attribution and reserved places (commissions app).
    if commissions_perms.can_edit_regulation(user):
        items.append(NavItem(_("Règlement d'attribution"), reverse("commissions:regulation_list")))
    if commissions_perms.can_manage_reservations(user):
        items.append(NavItem(_("Places réservées"), reverse("commissions:reservation_list")))
    # Commission sessions and admissions (commissions app).
    if commissions_perms.can_list_sessions(user):
        items.append(NavItem(_("Commissions d'attribution"), reverse("commissions:session_list")))
    if commissions_perms.can_follow_offers(user):
        items.append(NavItem(_("Propositions en attente"), reverse("commissions:offer_pending_list")))
    if commissions_perms.can_see_admissions(user):
        items.append(NavItem(_("Admissions"), reverse("commissions:admissions")))
    # The observatoire: figures, report, guide, arrivals and departures (observatoire app).
    if observatoire_perms.can_see_observatoire(user):
        items.append(NavItem(_("Observatoire"), reverse("observatoire:dashboard")))
    if observatoire_perms.can_administer_observatoire(user):
        items.append(NavItem(_("Population INSEE"), reverse("observatoire:population_import")))
        items.append(NavItem(_("Guide petite enfance"), reverse("observatoire:guide_admin")))
    if observatoire_perms.can_record_stays(user):
        items.append(NavItem(_("Arrivées et départs"), reverse("observatoire:stays")))
    return items
