"""Who may do what in the relais petite enfance (the directory, its relais and their animatrices).

Scope: an animatrice works for the relais she is a member of (`RelaisMembership`); the
petite-enfance service (agent) and the administrator see every relais of their collectivité.
Families and anonymous visitors see listed AM through `rpe.publication` only.
"""

from portal.accounts.roles import Role
from portal.perms import has_role, predicate

# Roles that work on every relais of the collectivité.
SERVICE_ROLES = (Role.AGENT, Role.ADMINISTRATEUR)


def _models():
    from rpe import models

    return models


def relais_of(user):
    """The relais whose work this user may see: her memberships for an animatrice, all for the service."""
    Relais = _models().Relais
    if has_role(user, *SERVICE_ROLES):
        return Relais.objects.all()
    if has_role(user, Role.ANIMATRICE_RPE):
        return Relais.objects.filter(memberships__user=user).distinct()
    return Relais.objects.none()


def is_animatrice_of(user, relais):
    """A member of that relais with the animatrice role."""
    if relais is None or not has_role(user, Role.ANIMATRICE_RPE):
        return False
    return relais.memberships.filter(user=user).exists()


def works_for(user, relais):
    """An animatrice of that relais, or the service and administrator (every relais)."""
    return relais is not None and (has_role(user, *SERVICE_ROLES) or is_animatrice_of(user, relais))


def am_of(user):
    """The AM profile behind this account, or None."""
    if not has_role(user, Role.ASSISTANT_MATERNEL):
        return None
    return _models().AssistantMaternel.objects.filter(user=user).first()


def visible_to(user):
    """AM this user may open in full: her relais's for staff, her own for an AM, none otherwise.

    (Anonymous visitors and families see listed AM through rpe.publication, never this queryset's rows.)
    """
    AssistantMaternel = _models().AssistantMaternel
    if has_role(user, *SERVICE_ROLES, Role.ANIMATRICE_RPE):
        return AssistantMaternel.objects.filter(relais__in=relais_of(user))
    if has_role(user, Role.ASSISTANT_MATERNEL):
        return AssistantMaternel.objects.filter(user=user)
    return AssistantMaternel.objects.none()


def is_relais_staff_for(user, am):
    """Sees every field of this AM, with her publication choices: the staff of her relais."""
    return am is not None and works_for(user, am.relais)


@predicate
def can_use_relais_pages(user, obj=None):
    """The animatrice's pages: animatrices, the service and the administrator."""
    return has_role(user, Role.ANIMATRICE_RPE, *SERVICE_ROLES)


@predicate
def can_manage_relais(user, obj=None):
    """Create relais, their communes and lieux, attach animatrices: the collectivité's administrator."""
    return has_role(user, Role.ADMINISTRATEUR)


@predicate
def can_import_agrements(user, obj=None):
    """Import the département's agrément list: the administrator and the service (and animatrices)."""
    return has_role(user, Role.ANIMATRICE_RPE, *SERVICE_ROLES)


@predicate
def is_assistant_maternel(user, obj=None):
    return has_role(user, Role.ASSISTANT_MATERNEL)


@predicate
def can_see_am(user, am=None):
    return am is not None and (is_relais_staff_for(user, am) or (am.user_id is not None and am.user_id == user.pk))


@predicate
def can_edit_am_profile(user, am=None):
    """The AM herself, or an animatrice of her relais (on her behalf, logged)."""
    return can_see_am(user, am)


@predicate
def can_update_availability(user, am=None):
    return can_edit_am_profile(user, am)
