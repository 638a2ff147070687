"""Who may do what with families' data. A family sees only its own; staff only their collectivité
(the schema guarantees that); among staff, instruction is for agents and administrators."""

from portal.accounts.roles import Role
from portal.perms import has_role, predicate


@predicate
def is_family(user, obj=None):
    return has_role(user, Role.PARENT)


@predicate
def can_instruct(user, obj=None):
    """Read dossiers with identities, validate pieces, change statuses, message families."""
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)


@predicate
def can_export_queue(user, obj=None):
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)


@predicate
def can_configure_guichet(user, obj=None):
    return has_role(user, Role.ADMINISTRATEUR)


@predicate
def can_read_audit_log(user, obj=None):
    """Who read or changed which dossier: for the collectivité's administrators (its data controller)."""
    return has_role(user, Role.ADMINISTRATEUR)
