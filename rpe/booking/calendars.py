"""The relais' calendar read from the database and handed to the pure slot search (rpe.slots).

Public holidays come from the `holidays` package (the collectivité's département as subdivision when the
package knows it: Moselle adds Good Friday and 26 December); school holidays from the SchoolHoliday table,
loaded from vacances-scolaires-france and extendable by the administrator.
"""

import datetime
import functools

import holidays
from django.db import connection
from django.utils import timezone
from vacances_scolaires_france import SchoolHolidayDates

from rpe.booking.enums import BookableBy, SchoolZone
from rpe.models import Absence, Appointment, BookingSettings, Closure, Plage, SchoolHoliday
from rpe.slots import PARIS, Busy, Calendar, Motif, Opening, distinct_by_place, free_slots

DAY = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=64)
def public_holidays(departement, year):
    subdivision = departement if departement in holidays.France.subdivisions else None
    return frozenset(holidays.country_holidays("FR", subdiv=subdivision, years=year))


def departement_of(collectivite):
    """The département of the collectivité's first commune (its code INSEE's first two characters)."""
    communes = getattr(collectivite, "communes", None) or []
    code = communes[0].get("code_insee", "") if communes else ""
    return code[:2]


def booking_settings():
    settings = BookingSettings.current()
    if not settings.departement:
        settings.departement = departement_of(getattr(connection, "tenant", None))
    return settings


def school_holidays_load(*, zones=SchoolZone.values, model=SchoolHoliday):
    """Store the package's official school holidays as date ranges (idempotent); returns how many were added.

    The administrator adds the years after the package's last one in the admin.
    """
    data = SchoolHolidayDates().data
    added = 0
    for zone in zones:
        key = f"vacances_zone_{zone.lower()}"
        ranges = []
        for day in sorted(data):
            if not data[day][key]:
                continue
            name = data[day]["nom_vacances"]
            if ranges and ranges[-1][2] == name and ranges[-1][1] == day - DAY:
                ranges[-1][1] = day
            else:
                ranges.append([day, day, name])
        for first, last, name in ranges:
            _row, created = model.objects.get_or_create(
                zone=zone, first_day=first, defaults={"last_day": last, "name": name}
            )
            added += created
    return added


def school_holiday_days(zone, first, last):
    days = set()
    for holiday in SchoolHoliday.objects.filter(zone=zone, first_day__lte=last, last_day__gte=first):
        day = max(holiday.first_day, first)
        while day <= min(holiday.last_day, last):
            days.add(day)
            day += DAY
    return days


def closed_days(relais_id, first, last, departement):
    days = set()
    for year in range(first.year, last.year + 1):
        days |= {day for day in public_holidays(departement, year) if first <= day <= last}
    for closure in Closure.objects.filter(relais_id=relais_id, first_day__lte=last, last_day__gte=first):
        day = max(closure.first_day, first)
        while day <= min(closure.last_day, last):
            days.add(day)
            day += DAY
    return days


def as_motif(motif):
    return Motif(
        id=motif.pk,
        duration=datetime.timedelta(minutes=motif.duration_minutes),
        buffer=datetime.timedelta(minutes=motif.buffer_minutes),
        min_delay=datetime.timedelta(hours=motif.min_delay_hours),
        max_delay=datetime.timedelta(days=motif.max_delay_days),
    )


def openings_of(plages):
    return [
        Opening(
            animatrice=plage.animatrice_id,
            place=plage.lieu_id,
            first_day=plage.first_day,
            start=plage.start_time,
            end=plage.end_time,
            every_weeks=plage.recurrence,
            until=plage.until,
            school_term_only=plage.school_term_only,
        )
        for plage in plages
    ]


def search(motif, window_start, window_end, *, now=None, staff=False, lieu=None, exclude=None, limit=None):
    """Free slots of `motif` in the window, one per animatrice (`distinct_by_place` for families).

    Staff booking on someone's behalf ignore the motif's booking delays. `exclude` is an appointment
    being moved: its own time does not count as busy.
    """
    now = now or timezone.now()
    first, last = window_start.astimezone(PARIS).date(), window_end.astimezone(PARIS).date()
    plages = Plage.objects.filter(motifs=motif, first_day__lte=last).exclude(until__lt=first)
    if lieu is not None:
        plages = plages.filter(lieu=lieu)
    plages = list(
        plages.only(
            "animatrice_id",
            "lieu_id",
            "first_day",
            "start_time",
            "end_time",
            "recurrence",
            "until",
            "school_term_only",
        )
    )
    if not plages:
        return []
    animatrices = {plage.animatrice_id for plage in plages}
    # Appointments and absences reaching into the window (the longest buffer is two hours).
    appointments = Appointment.objects.active().filter(
        animatrice__in=animatrices, start__lt=window_end + DAY, blocked_until__gt=window_start - DAY
    )
    if exclude is not None:
        appointments = appointments.exclude(pk=exclude.pk)
    busy = [Busy(*row) for row in appointments.values_list("animatrice_id", "start", "blocked_until")]
    absences = Absence.objects.filter(
        animatrice__in=animatrices, start__lt=window_end + DAY, end__gt=window_start - DAY
    )
    busy += [Busy(*row) for row in absences.values_list("animatrice_id", "start", "end")]
    settings = booking_settings()
    calendar = Calendar(
        busy=busy,
        closed_days=frozenset(closed_days(motif.relais_id, first, last, settings.departement)),
        school_holidays=frozenset(school_holiday_days(settings.school_zone, first, last)),
    )
    pure_motif = as_motif(motif)
    if staff:
        pure_motif = Motif(id=motif.pk, duration=pure_motif.duration, buffer=pure_motif.buffer)
    return free_slots(
        openings=openings_of(plages),
        motif=pure_motif,
        calendar=calendar,
        window_start=window_start,
        window_end=window_end,
        now=now,
        limit=limit,
    )


def next_free(motif, *, now=None, count=3, staff=False, horizon_days=None):
    """The first `count` free slots (one per time and place), searched week by week up to the booking horizon."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=horizon_days or motif.max_delay_days)
    found, start = [], now
    step = datetime.timedelta(days=7)
    while start < horizon and len(found) < count:
        end = min(start + step, horizon)
        found += distinct_by_place(search(motif, start, end, now=now, staff=staff))
        start, step = end, step * 2
    return found[:count]


def next_free_across_relais(relais, *, now=None, for_user_kind=None):
    """The earliest free slot among the relais' bookable motifs: (slot, motif) or None."""
    motifs = relais.motifs.filter(is_active=True)
    if for_user_kind is not None:
        motifs = motifs.filter(bookable_by__in=[BookableBy.EVERYONE, for_user_kind])
    best = None
    for motif in motifs:
        slots = next_free(motif, now=now, count=1)
        if slots and (best is None or slots[0].start < best[0].start):
            best = (slots[0], motif)
    return best
