from django import template

from rpe import geo
from rpe.enums import AvailabilityStatus, HalfDay, Language

register = template.Library()


@register.simple_tag(takes_context=True)
def commune(context, code_insee):
    collectivite = context.get("collectivite")
    return geo.commune_name(collectivite, code_insee) if collectivite is not None else code_insee


@register.simple_tag
def free_places(am):
    """Places declared free (now or from a date), from the prefetched places."""
    total = 0
    for place in am.places.all():
        availability = getattr(place, "availability", None)
        if availability is not None and availability.status != AvailabilityStatus.NONE:
            total += availability.count
    return total


@register.filter
def half_days(values):
    labels = dict(HalfDay.choices)
    return ", ".join(str(labels.get(value, value)) for value in values or [])


@register.filter
def languages(values):
    labels = dict(Language.choices)
    return ", ".join(str(labels.get(value, value)) for value in values or [])
