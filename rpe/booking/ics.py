"""Calendar files (RFC 5545, built with `icalendar`): one appointment for the person, a feed for the animatrice.

The UID never changes for an appointment; SEQUENCE is its `sequence`, incremented at every change the
calendar must follow; a cancelled appointment is sent with METHOD:CANCEL and STATUS:CANCELLED.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from rpe.booking.enums import Modality

PRODID = "-//Guichet unique petite enfance//Rendez-vous du relais//FR"


def event_uid(appointment):
    return f"rdv-{appointment.uid}@{settings.PLATFORM_DOMAIN}"


def appointment_event(appointment, *, for_staff=False):
    event = Event()
    event.add("uid", event_uid(appointment))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
    motif = appointment.motif
    if for_staff:
        event.add("summary", f"{motif.name} – {appointment.who}")
    else:
        event.add("summary", _("Rendez-vous au relais petite enfance : %(motif)s") % {"motif": motif.name})
    if motif.modality == Modality.ON_SITE:
        event.add("location", f"{appointment.lieu.name}, {appointment.lieu.address}".strip(", "))
    elif motif.modality == Modality.VIDEO:
        event.add("location", motif.video_link)
    else:
        event.add("location", motif.get_modality_display())
    if not for_staff and motif.instructions:
        event.add("description", motif.instructions)
    return event


def appointment_ics(appointment):
    """The person's calendar file for one appointment (REQUEST, or CANCEL once cancelled)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if appointment.is_cancelled else "REQUEST")
    calendar.add_component(appointment_event(appointment))
    return calendar.to_ical()


def feed_ics(appointments, *, name):
    """An animatrice's private feed: her appointments, cancelled ones kept as cancelled for a while."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for appointment in appointments:
        calendar.add_component(appointment_event(appointment, for_staff=True))
    return calendar.to_ical()
