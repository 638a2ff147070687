"""Dates of offers: deadlines counted in days that are not French public holidays (pure, no ORM).

The `holidays` package knows the national days and the local ones (Alsace-Moselle's Good Friday and
Saint-Étienne, the overseas departments' abolition days): the subdivision is the collectivité's département
when all its communes share one, else France's national calendar.
"""

import datetime

import holidays

# INSEE département codes whose subdivision in `holidays.France` differs from the code itself.
ALSACE = {"67", "68"}


def subdivision_of(codes_insee):
    """The `holidays.France` subdivision of the communes' département, or None (national calendar)."""
    departements = {_departement(code) for code in codes_insee if code}
    if len(departements) != 1:
        return None
    departement = departements.pop()
    if departement in ALSACE:
        return "6AE"
    return departement if departement in holidays.France.subdivisions else None


def _departement(code_insee):
    code = str(code_insee)
    return code[:3] if code.startswith("97") else code[:2]


def public_holidays(start, end, subdivision=None):
    years = range(start.year, end.year + 2)
    return holidays.France(subdiv=subdivision, years=years)


def deadline_after(notified_on, days, subdivision=None):
    """The last day to answer: `days` days after `notified_on`, public holidays not counted."""
    off = public_holidays(notified_on, notified_on + datetime.timedelta(days=days * 2), subdivision)
    day, counted = notified_on, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day not in off:
            counted += 1
    return day
