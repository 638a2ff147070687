from django import template

from portal import i18n
from portal.dates import long_date
from portal.perms import REGISTRY

register = template.Library()


@register.filter
def can(user, predicate_name):
    """`{% if user|can:"portal.can_manage_users" %}`: the same predicate the view checks."""
    return REGISTRY[predicate_name](user)


register.filter("long_date", long_date, expects_localtime=True)


@register.filter
def localized(obj, field="label"):
    """`{{ criterion|localized:"explanation" }}`: a text stored in the database, in the reader's language."""
    return i18n.localized(obj, field)
