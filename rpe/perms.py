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


# --- Search, contact requests, job offers, follow-up of families without a place (rpesearch) -------------------


@predicate
def can_contact_am(user, obj=None):
    """Families write to assistants maternels through the portal."""
    return has_role(user, Role.PARENT)


@predicate
def can_save_searches(user, obj=None):
    return has_role(user, Role.PARENT)


@predicate
def can_post_job_offer(user, obj=None):
    """A parent-employer posts job offers (petites annonces)."""
    return has_role(user, Role.PARENT)


@predicate
def can_answer_contacts(user, obj=None):
    """An AM reads and answers the contact requests families send her."""
    return has_role(user, Role.ASSISTANT_MATERNEL)


@predicate
def can_answer_job_offers(user, obj=None):
    return has_role(user, Role.ASSISTANT_MATERNEL)


@predicate
def can_moderate_job_offers(user, offer=None):
    """The relais validates the job offers of its communes: its animatrices, the service, the administrator."""
    if offer is None:
        return can_use_relais_pages(user)
    return works_for(user, offer.relais)


@predicate
def can_follow_up(user, followup=None):
    """The follow-up of families without a place: the staff of their relais."""
    if followup is None:
        return can_use_relais_pages(user)
    return works_for(user, followup.relais)


def own_contacts(user):
    ContactRequest = _models().ContactRequest
    return ContactRequest.objects.filter(author=user) if can_contact_am(user) else ContactRequest.objects.none()


def own_saved_searches(user):
    SavedSearch = _models().SavedSearch
    return SavedSearch.objects.filter(owner=user) if can_save_searches(user) else SavedSearch.objects.none()


def own_job_offers(user):
    JobOffer = _models().JobOffer
    return JobOffer.objects.filter(author=user) if can_post_job_offer(user) else JobOffer.objects.none()


def moderatable_job_offers(user):
    JobOffer = _models().JobOffer
    return (
        JobOffer.objects.filter(relais__in=relais_of(user)) if can_use_relais_pages(user) else JobOffer.objects.none()
    )


def followups_visible_to(user):
    FollowUp = _models().FollowUp
    return (
        FollowUp.objects.filter(relais__in=relais_of(user)) if can_use_relais_pages(user) else FollowUp.objects.none()
    )


# --- booking: appointments --------------------------------------------------------------------------------------


@predicate
def can_book_online(user, obj=None):
    """Families and AM book their own appointments online (motifs open to them)."""
    return has_role(user, Role.PARENT, Role.ASSISTANT_MATERNEL)


@predicate
def can_run_agenda(user, relais=None):
    """The agenda, bookings on someone's behalf, marks and notes: the relais' animatrices and the service."""
    if relais is None:
        return has_role(user, Role.ANIMATRICE_RPE, *SERVICE_ROLES)
    return works_for(user, relais)


@predicate
def can_manage_appointment(user, appointment=None):
    return appointment is not None and works_for(user, appointment.relais)


@predicate
def can_configure_calendar(user, obj=None):
    """The school holidays table and the calendar's département and zone: the collectivité's administrator."""
    return has_role(user, Role.ADMINISTRATEUR)


# --- Ateliers, inbox, contact log and figures (engineer ateliers) ------------------------------------------------


@predicate
def can_register_to_ateliers(user, obj=None):
    """AM register to every atelier; parents to those open to families (réunions d'information)."""
    return has_role(user, Role.ASSISTANT_MATERNEL, Role.PARENT)


def sees_every_atelier(user):
    """Families and visitors see the ateliers open to families only; AM and the relais' staff see them all."""
    return has_role(user, Role.ASSISTANT_MATERNEL, Role.ANIMATRICE_RPE, *SERVICE_ROLES)


@predicate
def can_run_ateliers(user, relais=None):
    """Plan ateliers, see who registered, note attendance: the staff of that relais (of one at least, without)."""
    return works_for(user, relais) if relais is not None else can_use_relais_pages(user)


@predicate
def can_use_inbox(user, relais=None):
    """Read and answer the relais' requests, log contacts: the staff of that relais."""
    return works_for(user, relais) if relais is not None else can_use_relais_pages(user)


@predicate
def can_see_relais_figures(user, relais=None):
    """Activity figures (aggregates only): the relais' staff, and the élus for every relais."""
    if has_role(user, Role.ELU):
        return True
    return works_for(user, relais) if relais is not None else can_use_relais_pages(user)


def relais_for_figures(user):
    Relais = _models().Relais
    return Relais.objects.all() if has_role(user, Role.ELU) else relais_of(user)
