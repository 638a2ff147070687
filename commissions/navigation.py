"""The règlement, reserved places, sessions and admissions in the menu (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from commissions import perms
from portal.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Règlement d'attribution"), "commissions:regulation_list", perms.can_edit_regulation),
    NavEntry(_("Places réservées"), "commissions:reservation_list", perms.can_manage_reservations),
    NavEntry(_("Commissions d'attribution"), "commissions:session_list", perms.can_list_sessions),
    NavEntry(_("Propositions en attente"), "commissions:offer_pending_list", perms.can_follow_offers),
    NavEntry(_("Admissions"), "commissions:admissions", perms.can_see_admissions),
]
