from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value, kind="count"):
    """A published value as people read it: 1 234, 61,2 %; nothing known is a dash (secret cells are marked apart)."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{number_format(value, decimal_pos=1, use_l10n=True)}"
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    return number_format(int(value), use_l10n=True, force_grouping=True)


@register.simple_tag
def cell(column, value, hidden):
    """One published cell: « s » with its explanation when secret (a simple tag: pages have thousands of cells)."""
    if hidden:
        return format_html(
            '<abbr title="{}">s</abbr>',
            _("secret statistique : effectif de 1 à 4, ou qui permettrait de le retrouver"),
        )
    return figure(value, column.kind)


@register.inclusion_tag("observatoire/includes/headline.html", takes_context=True)
def observatoire_headline(context):
    """The élu home's headline figures (this year's snapshot; computed now if there is none yet)."""
    from django.utils import timezone

    from observatoire import services

    published = services.for_year(timezone.localdate().year)
    return {"published": published, "headline": published.headline, "request": context.get("request")}


@register.inclusion_tag("observatoire/includes/session_synthesis.html")
def session_synthesis(session):
    """The period's synthesis (demand, offer, entries, exits) for a commission session, secrecy applied."""
    from observatoire.synthesis import session_synthesis as build

    return {"table": build(session), "session": session, "title": _("Synthèse de la période")}
