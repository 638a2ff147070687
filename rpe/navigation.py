"""The relais petite enfance and its directory of assistants maternels in the menu (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import NavEntry
from rpe import perms

ENTRIES = [
    NavEntry(_("Assistants maternels"), "rpe:am_list", perms.can_use_relais_pages),
    NavEntry(_("Relais"), "rpe:relais_list", perms.can_manage_relais),
    NavEntry(_("Mes disponibilités"), "rpe:my_availability", perms.is_assistant_maternel),
    NavEntry(_("Mon profil"), "rpe:my_profile", perms.is_assistant_maternel),
]
