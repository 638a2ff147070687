"""The dates of a recurring programme ("every Tuesday in term time"): pure functions, no ORM."""

from dateutil.rrule import MONTHLY, WEEKLY, rrule

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
