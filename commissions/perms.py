"""Who may do what with the règlement d'attribution and the reserved places.

The public transparency page (`/transparence/`) is open to anyone (`login_not_required` in views.py).
"""

from django.apps import apps
from django.db.models import Q

from commissions.enums import OfferStatus
from families.perms import is_family
from portal.accounts.roles import Role
from portal.perms import NOTHING, has_role, predicate


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


@predicate
def can_answer_offer(user, offer):
    """Only the family the place is offered to."""
    return bool(is_family(user) and offer.application.family.account_id == user.pk)


@predicate
def can_follow_offers(user, obj=None):
    """See the pending offers and record a family's answer given by phone or at the desk: the guichet."""
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)


@predicate
def can_read_letter(user, dossier):
    """A decision letter: the family it is addressed to, and the service."""
    if can_manage_sessions(user):
        return True
    return dossier.application is not None and is_family(user) and dossier.application.family.account_id == user.pk


def can_deliberate_on(user, dossier):
    return can_deliberate(user, dossier.session)


# --- What people may see (the querysets' `visible_to(user)`) -----------------------------------------------------
# `Q()` means everything: it is returned alone, never OR-ed (`Q() | q` is `q`).


def visible_sessions(user, prefix=""):
    """The service sees every session; the chair and members the sessions they sit in; nobody else any."""
    if can_manage_sessions(user):
        return Q()
    if not has_role(user, Role.MEMBRE_COMMISSION, Role.ELU):
        return NOTHING
    # Looked up by name: the models build their querysets from this module, which imports no model.
    sits = apps.get_model("commissions", "Session").members.through.objects.filter(user=user).values("session_id")
    return Q(**{f"{prefix}chair": user}) | Q(**{f"{prefix}pk__in": sits})


def visible_dossiers(user):
    """The dossiers of the sessions one sees (anonymised for members), and a family's own (its letters)."""
    if can_manage_sessions(user):
        return Q()
    return visible_sessions(user, prefix="session__") | owned_dossiers(user)


def visible_letters(user):
    """The decision letters, which name the family: the service, and the family itself (see `can_read_letter`)."""
    return Q() if can_manage_sessions(user) else owned_dossiers(user)


def owned_dossiers(user):
    return Q(application__family__account=user) if is_family(user) else NOTHING


def visible_offers(user):
    """The guichet every offer; a family its own; a director the places accepted in the establishments they run."""
    if can_follow_offers(user):
        return Q()
    rule = NOTHING
    if is_family(user):
        rule |= Q(application__family__account=user)
    if can_see_admissions(user):
        rule |= Q(status=OfferStatus.ACCEPTED, establishment__directors=user)
    return rule
