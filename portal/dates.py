"""Date arithmetic the apps share: ages in months and the first day of a month (care starts on one)."""

import datetime

from django.conf import settings
from django.utils import formats, translation


def months_between(birth, day):
    """Whole months of age on `day` for a child born (or due) on `birth`; negative before birth."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    return months - 1 if day.day < birth.day else months


def first_of_next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def first_of_month_from(day):
    """`day` itself when it is a first of the month, else the next first."""
    return day if day.day == 1 else first_of_next_month(day)


def long_date(value, style=""):
    """A date as people read it: "1er septembre 2025" in French, "Sept. 1, 2025" in English.

    Django's French formats have no ordinal for the first of the month ("1 septembre"): this adds it.
    `style`: "weekday" puts the day's name first, "time" adds the hour.
    """
    if not value:
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language.startswith("fr"):
        day = "1er" if value.day == 1 else str(value.day)
        text = f"{day} {formats.date_format(value, 'F Y')}"
        if style == "weekday":
            text = f"{formats.date_format(value, 'l')} {text}"
    else:
        text = formats.date_format(value, "DATE_FORMAT")
        if style == "weekday":
            text = f"{formats.date_format(value, 'l')}, {text}"
    if style == "time" and hasattr(value, "hour"):
        text = f"{text}, {formats.time_format(value, 'H:i')}"
    return text
