"""Who may see and do what in the observatoire.

Élus, agents and administrators read the aggregates (never a name or a dossier); directors record the arrivals
and departures of their own établissements; the administrator comments the report and imports the INSEE file.
The guide petite enfance is public.
"""

from portal.accounts.roles import Role
from portal.perms import has_role, predicate


@predicate
def can_see_observatoire(user, obj=None):
    return has_role(user, Role.ELU, Role.AGENT, Role.ADMINISTRATEUR)


@predicate
def can_refresh_figures(user, obj=None):
    """Ask the worker to compute the figures now (on demand): the service."""
    return has_role(user, Role.AGENT, Role.ADMINISTRATEUR)


@predicate
def can_administer_observatoire(user, obj=None):
    """Comments of the annual report, INSEE import, guide builds: the collectivité's administrator."""
    return has_role(user, Role.ADMINISTRATEUR)


@predicate
def can_record_stays(user, establishment=None):
    """Confirm arrivals and record departures: the directors, of their own établissements."""
    if not has_role(user, Role.DIRECTEUR):
        return False
    return establishment is None or establishment.directors.filter(pk=user.pk).exists()
