"""Date arithmetic the apps share: ages in months and the first day of a month (care starts on one)."""

import datetime


def months_between(birth, day):
    """Whole months of age on `day` for a child born (or due) on `birth`; negative before birth."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    return months - 1 if day.day < birth.day else months


def first_of_next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def first_of_month_from(day):
    """`day` itself when it is a first of the month, else the next first."""
    return day if day.day == 1 else first_of_next_month(day)
