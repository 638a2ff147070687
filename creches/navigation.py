"""The offer of collective care in the menu (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from creches import perms
from portal.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Places qui s'ouvrent"), "creches:opening_list", perms.can_see_place_openings),
    NavEntry(_("Établissements"), "creches:establishment_list", perms.can_manage_establishments),
    NavEntry(_("Import des établissements"), "creches:establishment_import", perms.can_import_establishments),
    NavEntry(_("Barème des participations"), "creches:fee_scale_list", perms.can_manage_fee_scales),
]
