"""Who may do what with families' data. A family sees only its own; staff only their collectivité
(the schema guarantees that); among staff, instruction is for agents and administrators."""

from django.db.models import Q

from families.enums import ApplicationStatus
from portal.accounts.roles import Role
from portal.perms import NOTHING, has_role, predicate


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


# --- What people may see (the querysets' `visible_to(user)` and the per-object predicates below) ----------------
# A family sees its own foyer, children, requests and pieces; the guichet every filed request (never a family's
# draft); nobody else reads them here (commissions read anonymised dossiers, directors their admissions).


def visible_applications(user, prefix=""):
    """Which requests `user` may read, as a filter on Application (or on a model reaching it by `prefix`)."""
    rule = owned_applications(user, prefix)
    if can_instruct(user):
        rule |= ~Q(**{f"{prefix}status": ApplicationStatus.BROUILLON})
    return rule


def owned_applications(user, prefix=""):
    """A family's own requests (the family's pages and API list these, even for a parent who is also staff)."""
    return Q(**{f"{prefix}family__account": user}) if is_family(user) else NOTHING


def visible_families(user, prefix=""):
    """Which foyers `user` may read, as a filter on Family (or on a model reaching it by `prefix`): their own;
    the guichet every foyer of its collectivité (it reads them through the dossiers)."""
    if can_instruct(user):
        return Q()  # everything (never OR-ed: `Q() | q` is `q`)
    if is_family(user):
        return Q(**{f"{prefix}account": user})
    return NOTHING


def visible_audit_entries(user):
    return Q() if can_read_audit_log(user) else NOTHING


@predicate
def can_view_application(user, application):
    """The same rule as `visible_applications`, for one request already in hand."""
    if can_instruct(user) and application.status != ApplicationStatus.BROUILLON:
        return True
    return is_family(user) and application.family.account_id == user.pk


@predicate
def is_own_application(user, application):
    """The family reads and acts on its own request only (the guichet works through its own pages)."""
    return is_family(user) and application.family.account_id == user.pk


@predicate
def is_own_document(user, document):
    return is_own_application(user, document.application)
