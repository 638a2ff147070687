"""Emails about appointments, queued in the outbox with the change that causes them.

Each message's `version` is the appointment's `sequence` when it was queued: a confirmation or a reminder
queued before a change (moved, cancelled) no longer applies and stays unsent (checks below). A reminder is
scheduled (`send_at`) at its time before the appointment, or now when the booking came after that time.
"""

import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.mail import absolute_url
from portal.notifications import notify
from portal.outbox.checks import register, register_attachment
from rpe.booking.enums import AppointmentStatus
from rpe.booking.ics import appointment_ics


def send(template, appointment, *, version, send_at=None, **context):
    context = {
        "appointment": appointment,
        "motif": appointment.motif,
        "collectivite": getattr(connection, "tenant", None),
        "appointments_url": absolute_url(reverse("rpe:booking:my_appointments")),
        "ics_url": absolute_url(reverse("rpe:booking:appointment_ics", args=[appointment.pk])),
        **context,
    }
    return notify(
        f"rpe/email/{template}",
        to=[appointment.email],
        context=context,
        about=appointment,
        version=version,
        send_at=send_at,
    )


def confirmation(appointment, *, moved=False):
    send("appointment_confirmed", appointment, version=f"seq{appointment.sequence}", moved=moved)


def cancellation(appointment):
    send("appointment_cancelled", appointment, version=f"seq{appointment.sequence}")


def reminder_version(appointment, hours):
    return f"{hours}h-seq{appointment.sequence}"


def schedule_reminders(appointment, *, now=None):
    """One outbox row per reminder of the motif; those whose time has passed make one reminder sent now."""
    now = now or timezone.now()
    late = []
    for hours in sorted(set(appointment.motif.reminder_hours), reverse=True):
        send_at = appointment.start - datetime.timedelta(hours=hours)
        if send_at > now:
            send("appointment_reminder", appointment, version=reminder_version(appointment, hours), send_at=send_at)
        else:
            late.append(hours)
    if late and appointment.start > now:
        # Booked after its reminder time would have been: remind once, now (the nearest reminder only).
        send("appointment_reminder", appointment, version=reminder_version(appointment, min(late)), send_at=now)


def earlier_slot(entry, slot):
    appointment = entry.appointment
    send(
        "appointment_earlier_slot",
        appointment,
        version=f"earlier-{timezone.localdate()}",
        slot=slot,
        book_url=absolute_url(reverse("rpe:booking:reschedule", args=[appointment.pk])),
    )


def current_sequence(message):
    return message.version.rpartition("seq")[2]


@register("rpe.appointment_confirmed")
def confirmation_still_applies(appointment, message):
    return not appointment.is_cancelled and current_sequence(message) == str(appointment.sequence)


@register("rpe.appointment_reminder")
def reminder_still_applies(appointment, message):
    """Never for a cancelled, moved or past appointment."""
    return (
        appointment.status == AppointmentStatus.BOOKED
        and current_sequence(message) == str(appointment.sequence)
        and appointment.start > timezone.now()
    )


@register("rpe.appointment_earlier_slot")
def earlier_slot_still_applies(appointment, message):
    return appointment.status == AppointmentStatus.BOOKED and hasattr(appointment, "waiting")


def ics_attachment(appointment, message):
    return [("rendez-vous.ics", appointment_ics(appointment), "text/calendar; charset=utf-8")]


for kind in ("rpe.appointment_confirmed", "rpe.appointment_cancelled", "rpe.appointment_reminder"):
    register_attachment(kind)(ics_attachment)
