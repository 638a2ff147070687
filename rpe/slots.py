"""Free appointment slots: a pure function of the relais' calendar (no ORM, no clock).

Facts in (opening hours, absences, closures, holidays, appointments already booked), slots out. The
database's exclusion constraint is the judge of a booking; this module only proposes slots it would accept:
an appointment blocks its animatrice from its start until its end plus its motif's buffer, and so does a
proposed slot.
"""

import bisect
import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Opening:
    """A plage d'ouverture: an animatrice receives at a place on a weekday, from `first_day` to `until`.

    `every_weeks` 0 means on `first_day` only; 1 every week; 2 every other week.
    """

    animatrice: int
    place: int
    first_day: datetime.date
    start: datetime.time
    end: datetime.time
    every_weeks: int = 1
    until: datetime.date | None = None
    motifs: frozenset = frozenset()
    school_term_only: bool = False

    def days(self, first, last):
        """The days of this plage between `first` and `last` (inclusive), by dateutil's rrule."""
        if self.every_weeks == 0:
            return [self.first_day] if first <= self.first_day <= last else []
        until = min(self.until, last) if self.until else last
        if until < max(first, self.first_day):
            return []
        rule = rrule(WEEKLY, interval=self.every_weeks, dtstart=self.first_day, until=until)
        return [moment.date() for moment in rule.between(_midnight(first), _midnight(until), inc=True)]


@dataclass(frozen=True)
class Motif:
    duration: datetime.timedelta
    buffer: datetime.timedelta = datetime.timedelta(0)
    min_delay: datetime.timedelta = datetime.timedelta(0)
    max_delay: datetime.timedelta | None = None
    id: int | None = None


@dataclass(frozen=True)
class Busy:
    """An animatrice unavailable from `start` to `end` (an appointment with its buffer, an absence).

    Aware datetimes, or POSIX timestamps (what the database hands over fastest).
    """

    animatrice: int
    start: datetime.datetime
    end: datetime.datetime


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime.datetime
    end: datetime.datetime
    place: int
    animatrice: int = field(compare=True)


@dataclass
class Calendar:
    """Everything that is not an opening: what makes an opening unavailable."""

    busy: list = field(default_factory=list)
    closed_days: frozenset = frozenset()  # closures of the relais and public holidays
    school_holidays: frozenset = frozenset()


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time())


def _seconds(moment):
    return moment if isinstance(moment, int | float) else moment.timestamp()


class _BusyIndex:
    """Each animatrice's busy intervals as POSIX timestamps sorted by start, with the running maximum of their ends.

    Timestamps, not datetimes: comparing datetimes of different time zones (UTC from the database, Paris for
    the plages) costs an offset lookup each time, and the search compares thousands of times.
    """

    def __init__(self, busy):
        by_animatrice = {}
        for interval in busy:
            by_animatrice.setdefault(interval.animatrice, []).append(
                (_seconds(interval.start), _seconds(interval.end))
            )
        self.starts, self.max_ends = {}, {}
        for animatrice, intervals in by_animatrice.items():
            intervals.sort()
            self.starts[animatrice] = [start for start, _end in intervals]
            running, ends = None, []
            for _start, end in intervals:
                running = end if running is None or end > running else running
                ends.append(running)
            self.max_ends[animatrice] = ends

    def overlaps(self, animatrice, start, end):
        starts = self.starts.get(animatrice)
        if not starts:
            return False
        # Intervals starting before `end`: the latest end among them decides.
        position = bisect.bisect_left(starts, end)
        return position > 0 and self.max_ends[animatrice][position - 1] > start


def free_slots(*, openings, motif, calendar, window_start, window_end, now, tz=PARIS, limit=None):
    """Free slots for `motif` starting in [window_start, window_end), sorted by start then place.

    A slot starts at its plage's start plus a whole number of durations, ends within the plage, starts at
    least `min_delay` and at most `max_delay` after `now`, falls on no closed day (nor in school holidays
    for a plage closed then), and its animatrice is free from its start to its end plus the buffer.
    """
    earliest = max(window_start, now + motif.min_delay)
    latest = window_end
    if motif.max_delay is not None:
        latest = min(window_end, now + motif.max_delay + datetime.timedelta.resolution)
    if earliest >= latest:
        return []
    earliest_ts, latest_ts = earliest.timestamp(), latest.timestamp()
    duration, blocked = motif.duration.total_seconds(), (motif.duration + motif.buffer).total_seconds()
    index = _BusyIndex(calendar.busy)
    first_day = earliest.astimezone(tz).date()
    last_day = latest.astimezone(tz).date()
    found = []
    for opening in openings:
        if opening.motifs and motif.id not in opening.motifs:
            continue
        for day in opening.days(first_day, last_day):
            if day in calendar.closed_days or (opening.school_term_only and day in calendar.school_holidays):
                continue
            opens = datetime.datetime.combine(day, opening.start, tzinfo=tz)
            closes = datetime.datetime.combine(day, opening.end, tzinfo=tz)
            # Plages are daytime hours: no change of offset within one, so seconds add up on the wall clock.
            opens_ts, length = opens.timestamp(), (closes - opens).total_seconds()
            offset = 0.0
            while offset + duration <= length:
                start_ts = opens_ts + offset
                if earliest_ts <= start_ts < latest_ts and not index.overlaps(
                    opening.animatrice, start_ts, start_ts + blocked
                ):
                    found.append((start_ts, opening.place, opening.animatrice, opens, offset))
                offset += duration
    found.sort()  # on plain tuples: much cheaper than comparing Slot objects
    if limit:
        found = found[:limit]
    slots = []
    for _ts, place, animatrice, opens, offset in found:
        start = opens + datetime.timedelta(seconds=offset)
        slots.append(Slot(start, start + motif.duration, place, animatrice))
    return slots


def distinct_by_place(slots):
    """One slot per (start, place): the families' view, where the animatrice is chosen at booking time."""
    seen, kept = set(), []
    for slot in slots:
        if (slot.start, slot.place) not in seen:
            seen.add((slot.start, slot.place))
            kept.append(slot)
    return kept
