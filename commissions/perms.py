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
def can_configure_commissions(user, obj=None):
    return has_role(user, Role.ADMINISTRATEUR)


@predicate
def can_manage_reservations(user, obj=None):
    """Set the places reserved for priority publics: the petite-enfance service."""
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)


# --- Commission sessions and offers -------------------------------------------------------------------------------


@predicate
def can_manage_sessions(user, obj=None):
    """Create and prepare sessions, see who the dossiers are: the petite-enfance service."""
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)


@predicate
def can_list_sessions(user, obj=None):
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR, Role.MEMBRE_COMMISSION, Role.ELU)


def sits_in(user, session):
    if session is None or not getattr(user, "is_authenticated", False):
        return False
    if not has_role(user, Role.MEMBRE_COMMISSION, Role.ELU):
        return False
    return session.chair_id == user.pk or session.members.filter(pk=user.pk).exists()


@predicate
def can_see_session(user, session=None):
    """The service, and the chair and members of that session (who see anonymised dossiers only)."""
    return can_manage_sessions(user) or sits_in(user, session)


@predicate
def can_see_identities(user, session=None):
    """Names and addresses behind the anonymous numbers: the service only, never the commission's members."""
    return can_manage_sessions(user)


@predicate
def can_deliberate(user, session=None):
    """Adjust points, run the engine, record derogations: the service and the session's members."""
    return can_see_session(user, session)


@predicate
def can_validate_session(user, session=None):
    """Validate the allocation: the chair, or the service on the commission's behalf."""
    if can_manage_sessions(user):
        return True
    return session is not None and session.chair_id == getattr(user, "pk", None)


@predicate
def can_see_admissions(user, obj=None):
    """The places families accepted in the establishments a director runs."""
    return has_role(user, Role.DIRECTEUR)


def can_answer_offer(user, offer):
    """Only the family the place is offered to."""
    return bool(user.is_authenticated and offer.application.family.account_id == user.pk)


@predicate
def can_follow_offers(user, obj=None):
    """See the pending offers and record a family's answer given by phone or at the desk: the guichet."""
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)
