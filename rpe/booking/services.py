"""Every write about appointments: book, move, cancel, mark the day, the waiting list, the private feed.

The database decides a race for a slot: the exclusion constraints on Appointment refuse a second live
appointment of the same animatrice (or the same person) over the same time, whatever the code path. A
booking tries the animatrices free at that time and place one after the other, each in a savepoint.
"""

import datetime

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.errors import DeadlockDetected

from portal.accounts.roles import Role
from portal.perms import has_role
from portal.workflows import Actor
from rpe.booking import calendars, notifications
from rpe.booking.enums import AppointmentStatus, BookableBy
from rpe.booking.workflow import APPOINTMENT
from rpe.models import Appointment, CalendarFeed, Motif, WaitingListEntry
from rpe.perms import am_of
from rpe.slots import distinct_by_place

SLOT_TAKEN = "rpe_appointment_no_double_booking"
PERSON_BUSY = "rpe_appointment_person_once_at_a_time"


class BookingError(Exception):
    """Bad input for a booking (French message); nothing was written."""


class SlotTaken(BookingError):
    """The slot went to someone else (or was never free); `next_slots` are the next free ones."""

    def __init__(self, message, next_slots=()):
        super().__init__(message)
        self.next_slots = list(next_slots)


class PersonBusy(BookingError):
    """The person already holds an appointment at that time."""


def actor_of(user):
    if has_role(user, Role.ANIMATRICE_RPE, Role.AGENT, Role.ADMINISTRATEUR):
        return Actor.STAFF
    if has_role(user, Role.ASSISTANT_MATERNEL):
        return Actor.AM
    return Actor.FAMILY


def audiences(user):
    """The motifs' `bookable_by` values this person may book online."""
    kinds = {BookableBy.EVERYONE}
    if has_role(user, Role.PARENT):
        kinds.add(BookableBy.FAMILIES)
    if has_role(user, Role.ASSISTANT_MATERNEL):
        kinds.add(BookableBy.AM)
    if not has_role(user, Role.PARENT, Role.ASSISTANT_MATERNEL):
        return set()
    return kinds


def bookable_motifs(user):
    return Motif.objects.filter(is_active=True, bookable_by__in=audiences(user)).select_related("relais")


def constraint_of(error):
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None)


def lost_race(error):
    """Two bookings inserted over each other at the same instant: PostgreSQL may abort one of them as a deadlock
    while checking the exclusion constraint. For the one aborted, the slot is taken."""
    return isinstance(error.__cause__, DeadlockDetected)


def slots_at(motif, start, lieu, *, staff, exclude=None):
    """The free slots of `motif` starting exactly at `start` at `lieu`, one per free animatrice."""
    slots = calendars.search(
        motif, start, start + datetime.timedelta(seconds=1), staff=staff, lieu=lieu, exclude=exclude
    )
    return [slot for slot in slots if slot.start == start]


def taken(motif, *, staff):
    return SlotTaken(_("Ce créneau vient d'être pris."), calendars.next_free(motif, count=3, staff=staff))


def family_of(user):
    return getattr(user, "family", None) if user is not None and has_role(user, Role.PARENT) else None


def appointment_book(
    *,
    motif,
    start,
    lieu,
    booked_by,
    person=None,
    contact_name="",
    contact_phone="",
    contact_email="",
    accepted_restriction=False,
):
    """Book `motif` at `start` at `lieu` for `person` (online) or for someone on the phone (staff).

    Raises BookingError (nothing written) for a motif this person may not book, restrictions not accepted or
    no way to reach the person; SlotTaken when no animatrice is free then; PersonBusy when the person holds
    another appointment at that time.
    """
    staff = actor_of(booked_by) == Actor.STAFF
    if not motif.is_active:
        raise BookingError(_("Ce motif n'est plus proposé."))
    if not staff and motif.bookable_by not in audiences(booked_by):
        raise BookingError(_("Ce motif ne se réserve pas en ligne pour vous : appelez le relais."))
    if motif.restriction_text and not accepted_restriction and not staff:
        raise BookingError(_("Acceptez les conditions de ce rendez-vous pour le réserver."))
    if person is None and not (contact_email or contact_phone):
        raise BookingError(_("Indiquez un courriel ou un téléphone pour joindre la personne."))
    candidates = slots_at(motif, start, lieu, staff=staff)
    if not candidates:
        raise taken(motif, staff=staff)
    for slot in candidates:
        appointment = Appointment(
            motif=motif,
            relais_id=motif.relais_id,
            lieu=lieu,
            animatrice_id=slot.animatrice,
            start=slot.start,
            end=slot.end,
            blocked_until=slot.end + datetime.timedelta(minutes=motif.buffer_minutes),
            person=person,
            family=family_of(person),
            assistant=am_of(person) if person is not None else None,
            contact_name=contact_name,
            contact_phone=contact_phone,
            contact_email=contact_email,
            booked_by=booked_by,
        )
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError as error:
            if constraint_of(error) == PERSON_BUSY:
                raise PersonBusy(_("Vous avez déjà un rendez-vous à cette heure-là.")) from error
            if constraint_of(error) == SLOT_TAKEN:
                continue  # that animatrice was taken meanwhile: the next one at the same time, if any
            raise
        except OperationalError as error:
            if lost_race(error):
                continue
            raise
        notifications.confirmation(appointment)
        notifications.schedule_reminders(appointment)
        return appointment
    raise taken(motif, staff=staff)


def appointment_move(*, appointment, start, lieu, user):
    """Reschedule to another free slot of the same motif: same UID, next SEQUENCE, reminders again."""
    staff = actor_of(user) == Actor.STAFF
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("Seul un rendez-vous à venir peut être déplacé."))
    candidates = slots_at(appointment.motif, start, lieu, staff=staff, exclude=appointment)
    for slot in candidates:
        try:
            with transaction.atomic():
                locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
                if locked.status != AppointmentStatus.BOOKED:
                    raise BookingError(_("Seul un rendez-vous à venir peut être déplacé."))
                locked.animatrice_id, locked.lieu = slot.animatrice, lieu
                locked.start, locked.end = slot.start, slot.end
                locked.blocked_until = slot.end + datetime.timedelta(minutes=appointment.motif.buffer_minutes)
                locked.sequence += 1
                locked.save()
        except IntegrityError as error:
            if constraint_of(error) == PERSON_BUSY:
                raise PersonBusy(_("Vous avez déjà un rendez-vous à cette heure-là.")) from error
            if constraint_of(error) == SLOT_TAKEN:
                continue
            raise
        except OperationalError as error:
            if lost_race(error):
                continue
            raise
        WaitingListEntry.objects.filter(appointment=locked).delete()  # moved: the wait for an earlier slot stops
        notifications.confirmation(locked, moved=True)
        notifications.schedule_reminders(locked)
        return locked
    raise taken(appointment.motif, staff=staff)


def appointment_cancel(*, appointment, user, target=None, note="", notes=None):
    """Cancelled by the person (online, up to the motif's delay) or by the relais; the slot is free again.

    The relais records either a person's cancellation (a phone call) or its own (`target`).
    """

    actor = actor_of(user)
    if actor != Actor.STAFF or target is None:
        target = (
            AppointmentStatus.CANCELLED_BY_PERSON if actor != Actor.STAFF else AppointmentStatus.CANCELLED_BY_SERVICE
        )
    changes = {"sequence": appointment.sequence + 1}
    if notes is not None and actor == Actor.STAFF:
        changes["notes"] = notes
    return APPOINTMENT.transition(appointment, target, actor=actor, user=user, note=note, changes=changes)


def appointment_mark(*, appointment, status, user, notes=None):
    """The animatrice's day: seen, absent, excused, with the relais' private notes."""

    changes = {} if notes is None else {"notes": notes}
    return APPOINTMENT.transition(appointment, status, actor=Actor.STAFF, user=user, changes=changes)


def appointment_notes_save(*, appointment, notes):
    Appointment.objects.filter(pk=appointment.pk).update(notes=notes)
    appointment.notes = notes


# --- the waiting list for an earlier slot ----------------------------------------------------------------------


def waiting_list_join(*, appointment):
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("Seul un rendez-vous à venir peut attendre un créneau plus tôt."))
    return WaitingListEntry.objects.get_or_create(appointment=appointment)[0]


def waiting_list_leave(*, appointment):
    WaitingListEntry.objects.filter(appointment=appointment).delete()


def waiting_list_notify_motif(motif, *, now=None):
    """Tell each person waiting on `motif` of a free slot earlier than theirs: once a day at most, three times in all."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    entries = (
        WaitingListEntry.objects.filter(
            appointment__motif=motif,
            appointment__status=AppointmentStatus.BOOKED,
            appointment__start__gt=now,
            notices_sent__lt=WaitingListEntry.MAX_NOTICES,
        )
        .exclude(last_notice_on=today)
        .select_related("appointment__motif", "appointment__person")
        .order_by("created_at")
    )
    sent = 0
    for entry in entries:
        slots = distinct_by_place(calendars.search(motif, now, entry.appointment.start, now=now, limit=1))
        if not slots:
            continue
        with transaction.atomic():
            updated = WaitingListEntry.objects.filter(
                pk=entry.pk, notices_sent__lt=WaitingListEntry.MAX_NOTICES
            ).exclude(last_notice_on=today)
            if updated.update(notices_sent=entry.notices_sent + 1, last_notice_on=today):
                notifications.earlier_slot(entry, slots[0])
                sent += 1
    return sent


# --- the animatrice's private calendar feed --------------------------------------------------------------------


def calendar_feed_of(animatrice):
    return CalendarFeed.objects.get_or_create(animatrice=animatrice)[0]


def calendar_feed_revoke(animatrice):
    """A new secret address; the old one answers 404 from now on."""
    CalendarFeed.objects.filter(animatrice=animatrice).delete()
    return CalendarFeed.objects.create(animatrice=animatrice)
