from django import template

from portal.perms import REGISTRY

register = template.Library()


@register.filter
def can(user, predicate_name):
    """`{% if user|can:"portal.can_manage_users" %}`: the same predicate the view checks."""
    return REGISTRY[predicate_name](user)
