"""Offer deadlines: counted from the day the family is told, public holidays not counted (national and local)."""

import datetime

import pytest

from commissions.calendar import deadline_after, subdivision_of


@pytest.mark.parametrize(
    ("notified", "days", "subdivision", "deadline"),
    [
        # No holiday in between: eight days later.
        (datetime.date(2026, 10, 1), 8, None, datetime.date(2026, 10, 9)),
        # Christmas is not counted.
        (datetime.date(2026, 12, 17), 8, None, datetime.date(2026, 12, 26)),
        # In Moselle, Saint-Étienne (26 December) is a holiday too.
        (datetime.date(2026, 12, 17), 8, "57", datetime.date(2026, 12, 27)),
        # 1 and 8 May are skipped.
        (datetime.date(2026, 4, 30), 8, None, datetime.date(2026, 5, 10)),
        # Easter Monday (6 April 2026) everywhere, Good Friday (3 April) only in Alsace-Moselle.
        (datetime.date(2026, 4, 1), 5, None, datetime.date(2026, 4, 7)),
        (datetime.date(2026, 4, 1), 5, "6AE", datetime.date(2026, 4, 8)),
    ],
)
def test_a_deadline_skips_public_holidays(notified, days, subdivision, deadline):
    assert deadline_after(notified, days, subdivision) == deadline


def test_the_subdivision_is_the_departement_shared_by_every_commune():
    assert subdivision_of(["57463"]) == "57"  # Metz
    assert subdivision_of(["67482", "67218"]) == "6AE"  # Strasbourg, Haguenau
    assert subdivision_of(["97411"]) == "974"  # Saint-Denis (La Réunion)
    assert subdivision_of(["86001"]) is None  # no local holiday: the national calendar
    assert subdivision_of(["57463", "54395"]) is None  # two départements: national calendar
    assert subdivision_of([]) is None
