"""Who may do what on the platform. Each app has its own perms.py of the same shape.

Predicates take the user (and optionally an object) and return a bool. Views use them through
`portal.decorators.allowed_if`, templates through the `can` filter, the API through
`portal.api.PredicatePermission`: one rule, written once.
"""

from portal.accounts.roles import STAFF_ROLES, Role

REGISTRY = {}


def predicate(func):
    """Make a predicate reachable by name from templates ("app.can_x")."""
    REGISTRY[f"{func.__module__.split('.')[0]}.{func.__name__}"] = func
    return func


def has_role(user, *roles):
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
