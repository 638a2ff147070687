"""The observatoire in the menu (portal.navigation): figures, population, guide, arrivals and departures."""

from django.utils.translation import gettext_lazy as _

from observatoire import perms
from portal.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Observatoire"), "observatoire:dashboard", perms.can_see_observatoire),
    NavEntry(_("Population INSEE"), "observatoire:population_import", perms.can_administer_observatoire),
    NavEntry(_("Guide petite enfance"), "observatoire:guide_admin", perms.can_administer_observatoire),
    NavEntry(_("Arrivées et départs"), "observatoire:stays", perms.can_record_stays),
]
