"""Writes of the directory: profiles, availability (logged), activity, reminders. Plain values in."""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.perms import has_role
from rpe import notifications
from rpe.campaigns import current_step, previous_deadline
from rpe.contacts import saved_searches_alert
from rpe.enums import ActivityStatus, AvailabilityChangeKind, AvailabilityStatus, ChangedBy, HalfDay
from rpe.models import AssistantMaternel, Availability, AvailabilityChange
from rpe.workflows import ACTIVITY

# What the AM (or her relais) may change on her profile; agrément data come from the département's list.
PROFILE_FIELDS = (
    "phone",
    "email",
    "address",
    "postal_code",
    "languages",
    "early_hours",
    "late_hours",
    "saturday",
    "sunday",
    "night",
    "disability",
    "periscolaire",
    "school_holidays",
    "emergency_cover",
    "publish_phone",
    "publish_email",
    "publish_address",
)


def availability_snapshot(am):
    """Place by place, what is declared (kept in the log)."""
    rows = []
    for place in am.places.all().select_related("availability"):
        availability = getattr(place, "availability", None)
        rows.append(
            {
                "place": place.pk,
                "places": place.count,
                "status": availability.status if availability else AvailabilityStatus.NONE.value,
                "from": str(availability.available_from) if availability and availability.available_from else None,
                "count": availability.count if availability else 0,
                "half_days": list(availability.half_days) if availability else [],
                "age_min_months": availability.age_min_months if availability else place.age_min_months,
                "age_max_months": availability.age_max_months if availability else place.age_max_months,
            }
        )
    return rows


def _locked(am):
    return AssistantMaternel.objects.select_for_update().get(pk=am.pk)


def _log(am, kind, changed_by, user):
    return AvailabilityChange.objects.create(
        am=am, kind=kind, changed_by=changed_by, user=user, snapshot=availability_snapshot(am)
    )


def _check_declaration(place, row, today):
    status = row["status"]
    if status not in AvailabilityStatus.values:
        raise ValidationError(_("Disponibilité inconnue."))
    if status == AvailabilityStatus.NONE:
        return
    start = row.get("available_from")
    if status == AvailabilityStatus.FROM_DATE and not start:
        raise ValidationError(_("Indiquez à partir de quelle date la place est libre."))
    if start and start < today - datetime.timedelta(days=1) and status == AvailabilityStatus.FROM_DATE:
        raise ValidationError(_("La date de disponibilité est passée : choisissez « libre dès maintenant »."))
    count = row.get("count") or 1
    if not 1 <= count <= place.count:
        raise ValidationError(
            _("Au plus %(count)s place(s) libre(s) pour cette ligne de l'agrément.") % {"count": place.count}
        )
    unknown = set(row.get("half_days") or []) - set(HalfDay.values)
    if unknown:
        raise ValidationError(_("Demi-journée inconnue."))
    if not row.get("half_days"):
        raise ValidationError(_("Cochez au moins une demi-journée pour une place libre."))
    low, high = row.get("age_min_months", place.age_min_months), row.get("age_max_months", place.age_max_months)
    if low >= high:
        raise ValidationError(_("L'âge minimum doit être inférieur à l'âge maximum."))


@transaction.atomic
def availability_declare(*, am, declarations, user=None, changed_by=ChangedBy.AM, today=None):
    """Record what is free, place by place; the whole declaration or nothing.

    `declarations` maps an agrément place id to {"status", "available_from", "count", "half_days",
    "age_min_months", "age_max_months"}. Confirms the profile for today and logs who declared.
    """
    today = today or timezone.localdate()
    am = _locked(am)
    places = {place.pk: place for place in am.places.all()}
    if set(declarations) - set(places):
        raise ValidationError(_("Cette place ne fait pas partie de l'agrément."))
    for place_id, row in declarations.items():
        _check_declaration(places[place_id], row, today)
    for place_id, row in declarations.items():
        place = places[place_id]
        free = row["status"] != AvailabilityStatus.NONE
        Availability.objects.update_or_create(
            place=place,
            defaults={
                "status": row["status"],
                "available_from": row.get("available_from") if row["status"] == AvailabilityStatus.FROM_DATE else None,
                "count": (row.get("count") or 1) if free else 1,
                "half_days": sorted(set(row.get("half_days") or []), key=HalfDay.values.index) if free else [],
                "age_min_months": row.get("age_min_months", place.age_min_months),
                "age_max_months": row.get("age_max_months", place.age_max_months),
                "updated_by": user,
                "updated_on": timezone.now(),
            },
        )
    am.availability_confirmed_on = today
    am.save(update_fields=["availability_confirmed_on", "updated_at"])
    change = _log(am, AvailabilityChangeKind.DECLARED, changed_by, user)
    # Families whose saved search she now matches are told (rpesearch: rpe.contacts).
    saved_searches_alert(am, today=today)
    return change


@transaction.atomic
def availability_confirm_unchanged(*, am, user=None, changed_by=ChangedBy.AM, today=None):
    """ "Nothing has changed": the declared availability stands, confirmed today."""
    am = _locked(am)
    am.availability_confirmed_on = today or timezone.localdate()
    am.save(update_fields=["availability_confirmed_on", "updated_at"])
    return _log(am, AvailabilityChangeKind.UNCHANGED, changed_by, user)


class LinkRefused(Exception):
    """A one-click link that is forged, expired or already used; the message says which, in French."""


def _link_am(token, *, lock=False):
    """The AM a valid, unused link is for, or raise LinkRefused with the French reason."""
    invalid = _("Ce lien n'est pas valide. Vérifiez qu'il est complet, ou connectez-vous à votre espace.")
    try:
        data = notifications.read_unchanged_token(token)
    except signing.SignatureExpired as error:
        raise LinkRefused(
            _("Ce lien a expiré. Connectez-vous à votre espace pour confirmer ou mettre à jour vos disponibilités.")
        ) from error
    except signing.BadSignature as error:
        raise LinkRefused(invalid) from error
    ams = AssistantMaternel.objects.listed()
    am = (ams.select_for_update() if lock else ams).filter(pk=data.get("am")).first()
    if am is None:
        raise LinkRefused(invalid)
    last = am.availability_changes.order_by("-pk").values_list("pk", flat=True).first() or 0
    if last != data.get("last"):
        raise LinkRefused(
            _("Ce lien a déjà servi, ou vos disponibilités ont été déclarées depuis : il n'y a plus rien à confirmer.")
        )
    return am


def unchanged_link_target(token):
    """The AM a link is for (the page shows what she confirms before she does), or raise LinkRefused."""
    return _link_am(token)


@transaction.atomic
def availability_confirm_by_link(*, token, today=None):
    """Confirm "nothing has changed" from a reminder's signed link, without logging in (single use:
    the link names her last declaration, and confirming adds one)."""
    am = _link_am(token, lock=True)
    return am, availability_confirm_unchanged(am=am, changed_by=ChangedBy.LINK, today=today)


@transaction.atomic
def am_profile_update(*, am, changes):
    """Change what the AM may change herself (or her relais for her); anything else is refused."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Ces informations ne se modifient pas ici : %(fields)s.") % {"fields": sorted(unknown)}
        )
    am = _locked(am)
    for field, value in changes.items():
        setattr(am, field, value)
    am.full_clean(exclude=["user", "relais", "mam"])
    am.save()
    return am


@transaction.atomic
def am_account_link(*, am, email):
    """Tie an AM's profile to her account on the portal (an account with the AM role, not tied to another)."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not has_role(user, Role.ASSISTANT_MATERNEL):
        raise ValidationError(
            _("Aucun compte d'assistant·e maternel·le n'a cette adresse : invitez-la d'abord (Utilisateurs et rôles).")
        )
    if AssistantMaternel.objects.filter(user=user).exclude(pk=am.pk).exists():
        raise ValidationError(_("Ce compte est déjà relié à une autre fiche."))
    am = _locked(am)
    am.user = user
    am.save(update_fields=["user", "updated_at"])
    return am


def activity_changes(status, today):
    """The dates kept with an activity status: since when, and the archiving date (kept for the observatoire)."""
    return {"activity_status_on": today, "archived_on": today if status == ActivityStatus.ARCHIVED else None}


def am_activity_set(*, am, status, actor, user=None, today=None):
    """Suspend, resume or archive an AM's activity through its workflow (TransitionError in French if refused)."""
    ACTIVITY.transition(
        am, status, actor=actor, user=user, changes=activity_changes(status, today or timezone.localdate())
    )
    return am


def reminders_send(today=None):
    """Send today's availability reminders (J-30 or J-7 of the next deadline) in this collectivité.

    Only to listed AM who have not declared since the previous deadline. Safe to run twice or
    concurrently: each (AM, deadline, step) is one outbox row (unique key), whoever writes it first.
    """
    today = today or timezone.localdate()
    step = current_step(today)
    if step is None:
        return 0
    deadline, days = step
    start = previous_deadline(deadline)
    due = AssistantMaternel.objects.remindable().not_confirmed_since(start).select_related("user", "relais")
    count = 0
    for am in due.iterator(chunk_size=200):
        with transaction.atomic():
            notifications.availability_reminder(am, deadline, days)
        count += 1
    return count
