"""Who may do what with the règlement d'attribution and the reserved places.

The public transparency page (`/transparence/`) is open to anyone (`login_not_required` in views.py).
"""

from portal.accounts.roles import Role
from portal.perms import has_role, predicate


@predicate
def can_edit_regulation(user, obj=None):
    """Write, copy and adopt versions of the règlement: the collectivité's administrator records the vote."""
    return has_role(user, Role.ADMINISTRATEUR)


@predicate
def can_manage_reservations(user, obj=None):
    """Set the places reserved for priority publics: the petite-enfance service."""
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)
