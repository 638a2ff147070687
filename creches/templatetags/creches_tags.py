from django import template
from django.utils.translation import ngettext

from creches import fees

register = template.Library()


@register.filter
def euros(value):
    """`{{ amount|euros }}`: "1 234,50 €" in French, whole amounts without decimals."""
    if value in (None, ""):
        return ""
    return fees.euros(value)


@register.filter
def months(value):
    """An age in months, read by people: "18 mois", "3 ans"."""
    if value is None:
        return ""
    if value and value % 12 == 0:
        years = value // 12
        return ngettext("%(count)s an", "%(count)s ans", years) % {"count": years}
    return ngettext("%(count)s mois", "%(count)s mois", value) % {"count": value}
