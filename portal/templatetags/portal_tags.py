from django import template
from django.conf import settings
from django.utils import formats, translation

from portal import i18n
from portal.perms import REGISTRY

register = template.Library()


@register.filter
def can(user, predicate_name):
    """`{% if user|can:"portal.can_manage_users" %}`: the same predicate the view checks."""
    return REGISTRY[predicate_name](user)


@register.filter(expects_localtime=True)
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


@register.filter
def localized(obj, field="label"):
    """`{{ criterion|localized:"explanation" }}`: a text stored in the database, in the reader's language."""
    return i18n.localized(obj, field)
