"""Every write about ateliers: programmes, registrations (seats under a row lock), waiting list, attendance."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.roles import Role
from portal.enums import Actor
from portal.perms import has_role
from rpe.ateliers import notifications
from rpe.ateliers.enums import FAMILY_KINDS, SEAT_STATUSES, RegistrationStatus
from rpe.ateliers.recurrence import programme_dates
from rpe.ateliers.workflow import REGISTRATION
from rpe.booking.calendars import booking_settings, public_holidays, school_holiday_days
from rpe.models.ateliers import Atelier, Registration, RegistrationLog
from rpe.perms import am_of

S = RegistrationStatus
CANCELLABLE = frozenset({S.REGISTERED, S.WAITING})
MAX_CHILDREN = 6  # an agrément covers at most 4 children under 3, 6 in all


class RegistrationRefused(Exception):
    """A registration the rules refuse (atelier past or cancelled, not open to families, too many children)."""


class AlreadyRegistered(RegistrationRefused):
    """The person already holds a live registration to this atelier."""


@dataclass(frozen=True)
class Registrant:
    """Who registers: an assistant maternel (with her directory profile when she has one) or a parent."""

    user: object
    assistant: object
    actor: str

    @classmethod
    def of(cls, user):
        if has_role(user, Role.ASSISTANT_MATERNEL):
            return cls(user=user, assistant=am_of(user), actor=Actor.AM)
        return cls(user=user, assistant=None, actor=Actor.FAMILY)

    def registrations(self):
        mine = Q(user=self.user) | Q(assistant=self.assistant) if self.assistant else Q(user=self.user)
        return Registration.objects.filter(mine)


def term_time_skips(first, last):
    """Dates a term-time programme skips: the school holidays of the collectivité's zone (the relais' table,
    which the administrator extends) and the public holidays of its département (Moselle's included)."""
    settings = booking_settings()
    public = {
        day
        for year in range(first.year, last.year + 1)
        for day in public_holidays(settings.departement, year)
        if first <= day <= last
    }
    return school_holiday_days(settings.school_zone, first, last) | public


@transaction.atomic
def programme_generate(programme):
    """Create the programme's dated ateliers (skipping school and public holidays in term time); idempotent."""
    skipped = term_time_skips(programme.first_date, programme.last_date) if programme.term_time_only else frozenset()
    dates = programme_dates(
        first=programme.first_date,
        last=programme.last_date,
        weekday=programme.weekday,
        frequency=programme.frequency,
        skipped=skipped,
    )
    zone_info = timezone.get_current_timezone()
    shared = {
        field: getattr(programme, field)
        for field in (
            "relais_id",
            "kind",
            "title",
            "description",
            "lieu_id",
            "place_name",
            "code_insee",
            "animatrice_id",
            "seats_adults",
            "seats_children",
        )
    }
    existing = set(programme.ateliers.values_list("start", flat=True))
    ateliers = [
        Atelier(
            programme=programme,
            start=datetime.datetime.combine(day, programme.start_time, tzinfo=zone_info),
            end=datetime.datetime.combine(day, programme.end_time, tzinfo=zone_info),
            **shared,
        )
        for day in dates
    ]
    missing = [atelier for atelier in ateliers if atelier.start not in existing]
    # The unique (programme, start) constraint keeps a concurrent second run from adding a session twice.
    Atelier.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _refusal(atelier, *, family, children, now):
    if atelier.cancelled_at is not None:
        return _("Cet atelier est annulé.")
    if atelier.start <= now:
        return _("Cet atelier a déjà commencé : les inscriptions sont closes.")
    if family and atelier.kind not in FAMILY_KINDS:
        return _("Cet atelier est réservé aux assistants maternels.")
    if children < 0 or children > MAX_CHILDREN:
        return _("Le nombre d'enfants doit être compris entre 0 et %(max)s.") % {"max": MAX_CHILDREN}
    if children > atelier.seats_children:
        return _("Cet atelier n'accueille pas autant d'enfants (%(seats)s places enfants).") % {
            "seats": atelier.seats_children
        }
    return None


def registration_create(*, atelier_id, user=None, assistant=None, children=0, actor=Actor.AM, by=None, now=None):
    """Register a person (an AM with `children`, or a parent) to an atelier: a seat if one is left, else the
    waiting list. The atelier's row is locked for the count, so the last seat goes to one person only.

    Raises Atelier.DoesNotExist, AlreadyRegistered or RegistrationRefused (nothing written).
    """
    now = now or timezone.now()
    with transaction.atomic():
        atelier = Atelier.objects.select_for_update().get(pk=atelier_id)
        refusal = _refusal(atelier, family=actor == Actor.FAMILY, children=children, now=now)
        if refusal:
            raise RegistrationRefused(refusal)
        live = atelier.registrations.live()
        if (user is not None and live.filter(user=user).exists()) or (
            assistant is not None and live.filter(assistant=assistant).exists()
        ):
            raise AlreadyRegistered(_("Vous êtes déjà inscrit·e à cet atelier (ou sur sa liste d'attente)."))
        adults_taken, children_taken = atelier.seats_taken()
        # Nobody overtakes the waiting list: with people waiting, a newcomer waits too.
        fits = (
            adults_taken + 1 <= atelier.seats_adults
            and children_taken + children <= atelier.seats_children
            and not atelier.registrations.filter(status=S.WAITING).exists()
        )
        status = S.REGISTERED if fits else S.WAITING
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    atelier=atelier, user=user, assistant=assistant, children=children, status=status, created_at=now
                )
        except IntegrityError as error:  # the same person's other request won the lock first
            raise AlreadyRegistered(
                _("Vous êtes déjà inscrit·e à cet atelier (ou sur sa liste d'attente).")
            ) from error
        RegistrationLog.objects.create(subject=registration, from_status="", to_status=status, actor=actor, user=by)
        if status == S.REGISTERED:
            notifications.registered(registration)
        else:
            notifications.waiting(registration)
    return registration


def registration_cancel(registration, *, actor, user=None, note=""):
    """Cancel a registration (or leave the waiting list) and give the freed seats to the waiting list, in order."""
    with transaction.atomic():
        atelier = Atelier.objects.select_for_update().get(pk=registration.atelier_id)
        if actor != Actor.STAFF and atelier.start <= timezone.now():
            raise RegistrationRefused(_("Cet atelier a déjà commencé : l'inscription ne peut plus être annulée."))
        held_a_seat = registration.status in SEAT_STATUSES
        REGISTRATION.transition(registration, S.CANCELLED, actor=actor, user=user, note=note)
        promoted = waiting_list_promote(atelier) if held_a_seat else []
    return promoted


def waiting_list_promote(atelier, *, now=None):
    """Give free seats to the waiting list in order; stops at the first person who does not fit (no overtaking).

    The caller holds the atelier's row lock. Each person promoted is told by email.
    """
    now = now or timezone.now()
    if atelier.cancelled_at is not None or atelier.start <= now:
        return []
    adults_taken, children_taken = atelier.seats_taken()
    promoted = []
    for registration in atelier.registrations.waiting_in_order().select_related("atelier", "user", "assistant"):
        if (
            adults_taken + registration.adults > atelier.seats_adults
            or children_taken + registration.children > atelier.seats_children
        ):
            break
        REGISTRATION.transition(
            registration, S.REGISTERED, actor=Actor.SYSTEM, note=_("Place libérée : inscription confirmée.")
        )
        notifications.promoted(registration)
        adults_taken += registration.adults
        children_taken += registration.children
        promoted.append(registration)
    return promoted


@transaction.atomic
def attendance_record(atelier, *, present, user=None, now=None):
    """Record who came: `present` maps a registration id to the number of children she brought.

    Everyone else holding a seat is marked absent. Refused before the atelier's day.
    """
    now = now or timezone.now()
    if timezone.localdate(atelier.start) > timezone.localdate(now):
        raise RegistrationRefused(_("La présence se note le jour de l'atelier ou après."))
    for registration in atelier.registrations.filter(status__in=SEAT_STATUSES).order_by("pk"):
        came = registration.pk in present
        target = S.ATTENDED if came else S.ABSENT
        changes = {"children_present": present[registration.pk] if came else 0}
        if registration.status == target:
            Registration.objects.filter(pk=registration.pk).update(**changes)
            continue
        REGISTRATION.transition(registration, target, actor=Actor.STAFF, user=user, changes=changes)
