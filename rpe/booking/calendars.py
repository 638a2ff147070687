"""The relais' calendar read from the database and handed to the pure slot search (rpe.slots).

Public holidays come from the `holidays` package (the collectivité's département as subdivision when the
package knows it: Moselle adds Good Friday and 26 December); school holidays from the SchoolHoliday table,
loaded from vacances-scolaires-france and extendable by the administrator.
"""

import datetime
import functools
from dataclasses import dataclass

import holidays
from django.db import connection
from django.db.models import FloatField
from django.db.models.functions import Cast, Extract
from django.utils import timezone
from vacances_scolaires_france import SchoolHolidayDates

from portal.models import Collectivite
from rpe.booking.enums import SchoolZone
from rpe.models import Absence, Appointment, BookingSettings, Closure, Plage, SchoolHoliday
from rpe.slots import PARIS, Busy, Calendar, Motif, Opening, distinct_by_place, free_slots

DAY = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=64)
def public_holidays(departement, year):
    subdivision = departement if departement in holidays.France.subdivisions else None
    return frozenset(holidays.country_holidays("FR", subdiv=subdivision, years=year))


def departement_of(collectivite):
    """The département of the collectivité's first commune (its code INSEE's first two characters)."""
    territory = collectivite.territory() if isinstance(collectivite, Collectivite) else []
    return territory[0].code_insee[:2] if territory else ""


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


def epoch(field):
    """Seconds since 1970 as a float: thousands of them load much faster than datetimes."""
    return Cast(Extract(field, "epoch", tzinfo=datetime.UTC), FloatField())


PLAGE_FIELDS = (
    "plage__animatrice_id",
    "plage__lieu_id",
    "plage__first_day",
    "plage__start_time",
    "plage__end_time",
    "plage__recurrence",
    "plage__until",
    "plage__school_term_only",
)


@dataclass
class Loaded:
    """A relais' calendar over a window, read in a handful of queries, for any number of pure searches."""

    openings: dict  # motif id -> [Opening]
    calendar: Calendar


def load(relais_id, window_start, window_end, *, motif_ids=None, lieu=None, exclude=None):
    first, last = window_start.astimezone(PARIS).date(), window_end.astimezone(PARIS).date()
    # The plages of the motifs, through the many-to-many table: one query for plages and their motifs.
    rows = Plage.motifs.through.objects.filter(motif__relais_id=relais_id, plage__first_day__lte=last).exclude(
        plage__until__lt=first
    )
    if motif_ids is not None:
        rows = rows.filter(motif_id__in=motif_ids)
    if lieu is not None:
        rows = rows.filter(plage__lieu=lieu)
    openings = {}
    for motif_id, *plage in rows.values_list("motif_id", *PLAGE_FIELDS):
        animatrice, place, first_day, start, end, every_weeks, until, school_term_only = plage
        openings.setdefault(motif_id, []).append(
            Opening(animatrice, place, first_day, start, end, every_weeks, until, frozenset(), school_term_only)
        )
    animatrices = {opening.animatrice for group in openings.values() for opening in group}
    busy = []
    if animatrices:
        # Appointments (with their buffer) and absences reaching into the window, in one query.
        appointments = Appointment.objects.active().filter(
            animatrice__in=animatrices, start__lt=window_end + DAY, blocked_until__gt=window_start - DAY
        )
        if exclude is not None:
            appointments = appointments.exclude(pk=exclude.pk)
        absences = Absence.objects.filter(
            animatrice__in=animatrices, start__lt=window_end + DAY, end__gt=window_start - DAY
        )
        rows = (
            appointments.annotate(from_s=epoch("start"), to_s=epoch("blocked_until"))
            .values_list("animatrice_id", "from_s", "to_s")
            .union(
                absences.annotate(from_s=epoch("start"), to_s=epoch("end")).values_list(
                    "animatrice_id", "from_s", "to_s"
                ),
                all=True,
            )
        )
        busy = [Busy(*row) for row in rows]
    settings = booking_settings()
    calendar = Calendar(
        busy=busy,
        closed_days=frozenset(closed_days(relais_id, first, last, settings.departement)),
        school_holidays=frozenset(school_holiday_days(settings.school_zone, first, last)),
    )
    return Loaded(openings, calendar)


def pure_motif(motif, *, staff=False):
    """The motif as the slot search sees it; the relais booking on someone's behalf ignores the booking delays."""
    duration = datetime.timedelta(minutes=motif.duration_minutes)
    buffer = datetime.timedelta(minutes=motif.buffer_minutes)
    if staff:
        return Motif(id=motif.pk, duration=duration, buffer=buffer)
    return Motif(
        id=motif.pk,
        duration=duration,
        buffer=buffer,
        min_delay=datetime.timedelta(hours=motif.min_delay_hours),
        max_delay=datetime.timedelta(days=motif.max_delay_days),
    )


def search(motif, window_start, window_end, *, now=None, staff=False, lieu=None, exclude=None, limit=None):
    """Free slots of `motif` in the window, one per animatrice (`distinct_by_place` for families).

    `exclude` is an appointment being moved: its own time does not count as busy.
    """
    loaded = load(motif.relais_id, window_start, window_end, motif_ids=[motif.pk], lieu=lieu, exclude=exclude)
    return free_slots(
        openings=loaded.openings.get(motif.pk, []),
        motif=pure_motif(motif, staff=staff),
        calendar=loaded.calendar,
        window_start=window_start,
        window_end=window_end,
        now=now or timezone.now(),
        limit=limit,
    )


def next_free_among(motifs, *, now=None, count=3, staff=False, horizon_days=None):
    """The first `count` free slots (one per time and place) of each motif: {motif id: [Slot]}.

    The calendar is read once over the booking horizon; the pure search then looks week by week, widening.
    """
    now = now or timezone.now()
    motifs = list(motifs)
    if not motifs:
        return {}
    horizon = now + datetime.timedelta(days=horizon_days or max(motif.max_delay_days for motif in motifs))
    loaded = load(motifs[0].relais_id, now, horizon, motif_ids=[motif.pk for motif in motifs])
    found = {}
    for motif in motifs:
        slots, start, step = [], now, datetime.timedelta(days=7)
        while start < horizon and len(slots) < count:
            end = min(start + step, horizon)
            slots += distinct_by_place(
                free_slots(
                    openings=loaded.openings.get(motif.pk, []),
                    motif=pure_motif(motif, staff=staff),
                    calendar=loaded.calendar,
                    window_start=start,
                    window_end=end,
                    now=now,
                )
            )
            start, step = end, step * 2
        found[motif.pk] = slots[:count]
    return found


def next_free(motif, *, now=None, count=3, staff=False, horizon_days=None):
    """The first `count` free slots of one motif (one per time and place)."""
    return next_free_among([motif], now=now, count=count, staff=staff, horizon_days=horizon_days)[motif.pk]


def next_free_across_relais(relais, *, now=None, audiences=None):
    """The earliest free slot among the relais' active motifs (those open to `audiences`): (slot, motif) or None."""
    motifs = relais.motifs.filter(is_active=True)
    if audiences is not None:
        motifs = motifs.filter(bookable_by__in=audiences)
    motifs = {motif.pk: motif for motif in motifs}
    best = None
    for motif_id, slots in next_free_among(motifs.values(), now=now, count=1).items():
        if slots and (best is None or slots[0].start < best[0].start):
            best = (slots[0], motifs[motif_id])
    return best
