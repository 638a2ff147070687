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


@register.filter
def tel_href(phone):
    """`tel:` link of a phone number as written ("02 51 00 00 00" → "tel:+33251000000")."""
    digits = "".join(character for character in str(phone) if character.isdigit() or character == "+")
    if len(digits) == 10 and digits.startswith("0"):
        digits = "+33" + digits[1:]
    return f"tel:{digits}"
