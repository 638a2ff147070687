"""Who may do what with the offer of collective care. The catalogue, the map, the establishment pages,
the parcours and the fee simulator are public (`login_not_required` in views.py); everything else is here.
"""

from django.db.models import Q

from portal.accounts.roles import Role
from portal.perms import NOTHING, has_role, predicate

# The petite-enfance service runs the offer for the whole territory.
OFFER_MANAGERS = (Role.AGENT, Role.ADMINISTRATEUR)


@predicate
def can_manage_establishments(user, obj=None):
    """Create and edit establishments and their sections."""
    return has_role(user, *OFFER_MANAGERS)


@predicate
def can_import_establishments(user, obj=None):
    return has_role(user, *OFFER_MANAGERS)


@predicate
def can_declare_places(user, obj=None):
    """Declare places that open. A director only for the establishments they direct.

    Without an establishment, says whether the person may declare places somewhere (menus, entry page).
    """
    if has_role(user, *OFFER_MANAGERS):
        return True
    if not has_role(user, Role.DIRECTEUR):
        return False
    if obj is None:
        return True
    return obj.directors.filter(pk=user.pk).exists()


@predicate
def can_see_place_openings(user, obj=None):
    """The declared openings are the input of commissions: their members read them too."""
    if has_role(user, Role.MEMBRE_COMMISSION):
        return True
    return can_declare_places(user, obj)


@predicate
def can_manage_fee_scales(user, obj=None):
    return has_role(user, Role.ADMINISTRATEUR)


# --- What people may see or act on (the querysets' `declarable_by(user)` and `visible_to(user)`) ------------------
# `Q()` means everything: it is returned alone, never OR-ed (`Q() | q` is `q`).


def declarable_establishments(user, prefix=""):
    """The establishments where `user` may declare places, as a filter on Establishment (or through `prefix`)."""
    if has_role(user, *OFFER_MANAGERS):
        return Q()
    if has_role(user, Role.DIRECTEUR):
        return Q(**{f"{prefix}directors": user})
    return NOTHING


def visible_openings(user):
    """The declared openings `user` may read (the same rule as `can_see_place_openings`)."""
    if has_role(user, *OFFER_MANAGERS, Role.MEMBRE_COMMISSION):
        return Q()
    return declarable_establishments(user, prefix="section__establishment__")
