"""No family without a solution: families a commission left without a place, followed by their relais."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rpe import notifications_search as notifications
from rpe.booking.enums import BookableBy
from rpe.enums_offers import SOLVED_OUTCOMES, FollowUpContactKind, FollowUpOutcome
from rpe.models import FollowUp, FollowUpContact, Motif, Relais
from rpe.search import Criteria, half_days_of

# The figure kept: the share of followed families with a solution this long after their session.
FIGURE_WEEKS = (4, 12)


def _relais_by_commune():
    mapping = {}
    for relais in Relais.objects.order_by("pk"):
        for code in relais.communes:
            mapping.setdefault(code, relais)
    return mapping


def open_followups_of_session(sender, *, session, unplaced, **kwargs):
    """Receiver of commissions.signals.session_validated."""
    followups_open(session, unplaced)


def followups_open(session, applications):
    """Put each application left without a place in its relais's list, with its needs (once per session).

    Called when a commission session is validated (commissions.signals), in its transaction; a commune no relais covers is skipped.
    """
    relais_of = _relais_by_commune()
    rows = []
    for application in applications:
        code = application.family.code_insee
        relais = relais_of.get(code)
        if relais is None:
            continue
        rows.append(
            FollowUp(
                application=application,
                session=session,
                relais=relais,
                code_insee=code,
                start_date=application.desired_start,
                child_age_months=max(application.age_at_start_months, 0),
                half_days=half_days_of(application.planning or {}),
                wishes=", ".join(str(mode.label) for mode in application.modes),
            )
        )
    return FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


def criteria_of(followup):
    return Criteria(
        code_insee=followup.code_insee,
        date=followup.start_date,
        age_months=followup.child_age_months,
        half_days=tuple(followup.half_days),
    )


@transaction.atomic
def followup_record(*, followup, user, kind, outcome, am=None, note="", on=None):
    """One contact with the family (an AM proposed, a call…) and where it stands after it."""
    if kind not in FollowUpContactKind.values or outcome not in FollowUpOutcome.values:
        raise ValidationError(_("Choisissez la nature du contact et la situation de la famille."))
    if kind == FollowUpContactKind.PROPOSAL and am is None:
        raise ValidationError(_("Choisissez l'assistante maternelle proposée."), code="am")
    locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
    on = on or timezone.localdate()
    contact = FollowUpContact.objects.create(
        followup=locked,
        kind=kind,
        am=am,
        note=note.strip(),
        outcome=outcome,
        user=user,
        created_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(12))),
    )
    if outcome != locked.outcome:
        locked.outcome = outcome
        locked.outcome_on = on if outcome != FollowUpOutcome.STILL_SEARCHING else None
        locked.save(update_fields=["outcome", "outcome_on"])
    followup.outcome, followup.outcome_on = locked.outcome, locked.outcome_on
    if kind == FollowUpContactKind.PROPOSAL:
        notifications.followup_proposal(contact)
    return contact


def solution_shares(followups=None, today=None):
    """Per session: followed families, and the share with a solution 4 and 12 weeks after it.

    A share is given only once its date has passed (None before).
    """
    today = today or timezone.localdate()
    followups = FollowUp.objects.all() if followups is None else followups
    sessions = {}
    for followup in followups.select_related("session").order_by("session__date", "pk"):
        row = sessions.setdefault(
            followup.session_id,
            {"session": followup.session, "families": 0, **{f"solved_{w}w": 0 for w in FIGURE_WEEKS}},
        )
        row["families"] += 1
        for weeks in FIGURE_WEEKS:
            limit = followup.session.date + datetime.timedelta(weeks=weeks)
            if followup.outcome in SOLVED_OUTCOMES and followup.outcome_on and followup.outcome_on <= limit:
                row[f"solved_{weeks}w"] += 1
    for row in sessions.values():
        for weeks in FIGURE_WEEKS:
            due = row["session"].date + datetime.timedelta(weeks=weeks) <= today
            row[f"share_{weeks}w"] = round(100 * row[f"solved_{weeks}w"] / row["families"]) if due else None
    return list(sessions.values())


def letter_guidance(application, collectivite):
    """What the letter of a family left without a place says of the relais: its name and contact, and the
    address of the AM matching its need, and where to book an appointment with the relais."""
    from portal.mail import absolute_url
    from rpe.templatetags.rpe_search import application_criteria, search_url

    code = application.family.code_insee
    relais = Relais.objects.filter(communes__contains=[code]).order_by("pk").first() if code else None
    # Families book an appointment online when their relais has a motif open to them.
    bookable = (
        relais is not None
        and Motif.objects.filter(
            relais=relais, is_active=True, bookable_by__in=[BookableBy.EVERYONE, BookableBy.FAMILIES]
        ).exists()
    )
    return {
        "relais": relais,
        "am_search_url": absolute_url(search_url(application_criteria(application)), collectivite),
        "booking_url": absolute_url(reverse("rpe:booking:choose_motif"), collectivite) if bookable else "",
    }
