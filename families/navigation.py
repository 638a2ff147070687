"""The guichet's back-office in the menu (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from families.perms import can_configure_guichet, can_instruct, can_read_audit_log
from portal.accounts.roles import Role
from portal.navigation import NavEntry

# A parent's home is the family's dashboard, not the generic role page.
ROLE_HOMES = {Role.PARENT: "families:dashboard"}

ENTRIES = [
    NavEntry(_("Demandes"), "families:queue", can_instruct),
    NavEntry(_("Journal des accès"), "families:guichet_audit_log", can_read_audit_log),
    NavEntry(_("Règles du guichet"), "families:configuration", can_configure_guichet),
]
