"""Who may do what on the platform. Each app has its own perms.py of the same shape.

Predicates take the user (and optionally an object) and return a bool. Views use them through
`portal.decorators.allowed_if`, templates through the `can` filter, the API through
`portal.api.PredicatePermission`: one rule, written once.
"""

from django.db.models import Q

from portal.accounts.roles import STAFF_ROLES, Role

REGISTRY = {}

# A filter no row matches (Django answers it without a query): what a person with no right to a list sees.
NOTHING = Q(pk__in=[])


def predicate(func):
    """Make a predicate reachable by name from templates ("app.can_x")."""
    REGISTRY[f"{func.__module__.split('.')[0]}.{func.__name__}"] = func
    return func


def has_role(user, *roles):
    """The one role helper: does `user` hold one of `roles`? (False for an anonymous visitor.)"""
    return bool(user is not None and user.is_authenticated and set(roles).intersection(getattr(user, "roles", ())))


@predicate
def is_signed_in(user, obj=None):
    return bool(user is not None and user.is_authenticated)


@predicate
def is_staff_member(user, obj=None):
    return has_role(user, *STAFF_ROLES)


@predicate
def can_manage_users(user, obj=None):
    return has_role(user, Role.ADMINISTRATEUR)


@predicate
def can_see_role_home(user, role):
    return has_role(user, role)


@predicate
def can_use_platform_admin(user, obj=None):
    # Platform operators exist only in the public schema; they are Django staff there.
    return bool(user.is_authenticated and user.is_active and user.is_staff)


# --- What people may see (each model's `QuerySet.visible_to(user)` is built from these) -----------------------------


def visible_users(user):
    """Accounts of the collectivité: all of them for its administrators, one's own for anyone else."""
    if can_manage_users(user):
        return Q()
    if is_signed_in(user):
        return Q(pk=user.pk)
    return NOTHING


def visible_role_changes(user):
    """The history of roles: for administrators only (who granted what to whom)."""
    return Q() if can_manage_users(user) else NOTHING
