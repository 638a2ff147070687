"""What the search side of the relais adds to other apps' pages: a request's matching AM and the relais's
proposals (on the family's request page)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from families.enums import ApplicationStatus
from portal.models import Collectivite
from rpe.enums_offers import FollowUpContactKind
from rpe.models import FollowUpContact, Relais
from rpe.publication import am_data
from rpe.search import Criteria, half_days_of, search_page

register = template.Library()

MATCHING_SHOWN = 6
CLOSED = {ApplicationStatus.BROUILLON, ApplicationStatus.ANNULEE, ApplicationStatus.ADMISE}


def application_criteria(application):
    return Criteria(
        code_insee=application.family.code_insee,
        date=application.desired_start,
        age_months=max(application.age_at_start_months, 0),
        half_days=tuple(half_days_of(application.planning or {})),
    )


def search_url(criteria):
    query = [("commune", criteria.code_insee), ("age_months", criteria.age_months)]
    if criteria.date:
        query.append(("start_date", criteria.date.isoformat()))
    query += [("half_days", value) for value in criteria.half_days]
    return f"{reverse('rpe:am_search')}?{urlencode(query)}"


@register.inclusion_tag("rpe/includes/application_am.html", takes_context=True)
def application_am(context, application):
    """The AM matching a request that wants one (or that a commission left without a place), and the AM its
    relais proposed. Published fields only: the family reads what anyone may read."""
    proposals = list(
        FollowUpContact.objects.filter(followup__application=application, kind=FollowUpContactKind.PROPOSAL)
        .select_related("am", "followup__relais")
        .prefetch_related("am__places__availability")
    )
    shown = application.status not in CLOSED and (application.wants_individual_care or proposals)
    if not shown:
        return {"shown": False}
    names = Collectivite.current_commune_names()
    user = context.get("user")
    criteria = application_criteria(application)
    matching = list(search_page(criteria)[:MATCHING_SHOWN]) if criteria.code_insee else []
    relais = Relais.objects.filter(communes__contains=[criteria.code_insee]).first() if criteria.code_insee else None
    return {
        "shown": True,
        "relais": relais,
        "matching": [am_data(am, user, commune_name=lambda code: names.get(code, code)) for am in matching],
        "proposals": [
            (proposal, am_data(proposal.am, user, commune_name=lambda code: names.get(code, code)))
            for proposal in proposals
            if proposal.am is not None
        ],
        "search_url": search_url(criteria),
    }
