"""The dates of a recurring programme ("every Tuesday in term time"): pure functions, no ORM."""

import datetime

import holidays
from dateutil.rrule import MONTHLY, WEEKLY, rrule
from vacances_scolaires_france import SchoolHolidayDates

from rpe.ateliers.enums import RecurrenceFrequency

RRULE_OF = {
    RecurrenceFrequency.WEEKLY: {"freq": WEEKLY, "interval": 1},
    RecurrenceFrequency.FORTNIGHTLY: {"freq": WEEKLY, "interval": 2},
    RecurrenceFrequency.MONTHLY: {"freq": MONTHLY, "interval": 1},
}


def programme_dates(*, first, last, weekday, frequency=RecurrenceFrequency.WEEKLY, skipped=frozenset()):
    """Every `weekday` (0 = Monday) from `first` to `last` at `frequency`, minus the `skipped` dates.

    Monthly means the first such weekday of each month. A skipped date is not moved: the session is simply
    not held that week (the relais' practice in school holidays).
    """
    rule = dict(RRULE_OF[RecurrenceFrequency(frequency)])
    if rule["freq"] == MONTHLY:
        rule["bysetpos"] = 1
    dates = rrule(dtstart=first, until=last, byweekday=weekday, **rule)
    return [day.date() for day in dates if day.date() not in skipped]


def school_holiday_dates(first, last, *, zone="B"):
    """The school holidays of `zone` between two dates (official data of the vacances-scolaires-france package).

    Until the relais' calendar table (school holidays the administrator can extend) is merged, the package
    is read directly here and only here. Vendée and Moselle are both in zone B.
    """
    calendar = SchoolHolidayDates()
    days = set()
    for year in range(first.year, last.year + 1):
        try:
            days.update(day for day in calendar.holidays_for_year_and_zone(year, zone) if first <= day <= last)
        except Exception:  # noqa: BLE001, S112 - a year the package does not know yet has no holidays listed
            continue
    return days


def public_holiday_dates(first, last, *, subdivision=None):
    """French public holidays (`holidays` package; Moselle, "57", adds Good Friday and 26 December)."""
    years = range(first.year, last.year + 1)
    return {day for day in holidays.France(years=years, subdiv=subdivision) if first <= day <= last}


def term_time_skips(first, last, *, zone="B", subdivision=None):
    """Dates a term-time programme skips: school holidays and public holidays."""
    return school_holiday_dates(first, last, zone=zone) | public_holiday_dates(first, last, subdivision=subdivision)


def dates_between(first, last):
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
