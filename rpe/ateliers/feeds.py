"""The programme as an iCalendar feed (icalendar package): one VEVENT per atelier, with a stable UID."""

from django.utils import timezone
from icalendar import Calendar, Event

from rpe.ateliers.enums import AtelierKind


def atelier_uid(atelier, domain):
    return f"atelier-{atelier.pk}@{domain}"


def programme_calendar(ateliers, *, name, domain, commune_names):
    calendar = Calendar()
    calendar.add("prodid", "-//Guichet unique petite enfance//Ateliers du relais//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    for atelier in ateliers:
        event = Event()
        event.add("uid", atelier_uid(atelier, domain))
        event.add("dtstamp", atelier.created_at)
        event.add("dtstart", atelier.start)
        event.add("dtend", atelier.end)
        event.add("summary", f"{AtelierKind(atelier.kind).label.capitalize()} — {atelier.title}")
        where = ", ".join(part for part in (atelier.where, commune_names.get(atelier.code_insee, "")) if part)
        if where:
            event.add("location", where)
        if atelier.description:
            event.add("description", atelier.description)
        event.add("status", "CANCELLED" if atelier.cancelled_at else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
