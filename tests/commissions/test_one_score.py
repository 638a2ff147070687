"""One score: the family reads the score the commission used, with its date, and today's when it changed;
a refusal costs what the grid says, announced before, and only for the refusals the grid names."""

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from commissions import scoring, sessions
from commissions.enums import OfferStatus
from commissions.models import Dossier, Offer
from commissions.scoring import Facts, Rule
from commissions.services import facts_for
from tests.commissions.factories import City
from tests.utils import client_for

PENALTY = Rule(
    code="offre-refusee",
    label="Offre de place refusée",
    kind="negative",
    parameters=scoring.clean_parameters(
        "negative", {"measure": "refused_offers", "points": 5, "max_points": None, "exempt": ["moving"]}
    ),
)


@pytest.mark.parametrize(
    ("refused", "reasons", "total"),
    [
        (0, (), 0),
        (1, ("moving",), 0),  # the grid exempts moving away
        (1, ("personal",), -5),
        (2, ("moving", "unsuitable"), -5),
        (2, ("unsuitable",), -10),  # one refusal of unknown reason (before reasons were asked) still counts
    ],
)
def test_a_refusal_costs_points_only_when_the_grid_does_not_exempt_its_reason(refused, reasons, total):
    facts = Facts(refused_offers=refused, refusal_reasons=reasons)
    assert scoring.score(facts, [PENALTY]).total == total


def test_the_grid_refuses_an_unknown_exempt_reason_and_says_which_ones_it_exempts():
    with pytest.raises(scoring.ParameterError):
        scoring.clean_parameters("negative", {"measure": "refused_offers", "points": 5, "exempt": ["vacances"]})
    assert scoring.describe(PENALTY)[-1] == "Ne comptent pas les refus pour : déménagement hors du territoire."


def test_the_refusal_form_announces_the_penalty_before_the_family_refuses(alpha, django_capture_on_commit_callbacks):
    offer, family_user = offered(alpha, django_capture_on_commit_callbacks)
    client = client_for(alpha, family_user)
    page = " ".join(client.get(f"/famille/propositions/{offer.pk}/refuser/").content.decode().split())
    page = page.replace("&#x27;", "'")
    assert "un refus retire 5 point(s) à votre demande" in page
    assert "Ne retirent pas de points les refus pour : déménagement hors du territoire." in page
    # The reason is asked and recorded; moving away costs nothing.
    assert client.post(f"/famille/propositions/{offer.pk}/refuser/", {"reason": "Mutation"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/famille/propositions/{offer.pk}/refuser/", {"kind": "moving", "reason": "Mutation"})
    assert response.status_code == 302
    with tenant_context(alpha):
        offer.refresh_from_db()
        assert (offer.status, offer.decline_kind) == (OfferStatus.DECLINED, "moving")
        facts = facts_for(offer.application)
        assert facts.refused_offers == 1 and facts.refusal_reasons == ("moving",)
        lines = scoring.score(facts, offer.session.regulation.rules()).lines
        assert "offre-refusee" not in {line.code for line in lines}


def test_a_refusal_for_a_reason_the_grid_names_costs_its_points(alpha, django_capture_on_commit_callbacks):
    offer, family_user = offered(alpha, django_capture_on_commit_callbacks)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        sessions.offer_decline(offer=offer, user=family_user, reason="Horaires", kind="unsuitable")
        facts = facts_for(offer.application)
        lines = {line.code: line.points for line in scoring.score(facts, offer.session.regulation.rules()).lines}
        assert lines["offre-refusee"] == -5


def offered(alpha, django_capture_on_commit_callbacks):
    """A grid with the refusal penalty (moving exempt), one session validated, one offer to the family."""
    city = City(
        alpha,
        families=1,
        criteria=[
            {"code": PENALTY.code, "label": PENALTY.label, "kind": "negative", "parameters": PENALTY.parameters}
        ],
    )
    with tenant_context(alpha):
        session = city.session("Commission")
        sessions.session_prepare(session=session, user=city.agent)
        sessions.session_allocate(session=session)
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=session, user=city.chair)
        offer = Offer.objects.select_related("application__family__account", "session__regulation").get()
    connection.set_schema_to_public()
    return offer, offer.application.family.account


def test_the_family_reads_the_commission_s_score_with_its_date_and_today_s_when_it_changed(
    alpha, django_capture_on_commit_callbacks
):
    offer, family_user = offered(alpha, django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        dossier = Dossier.objects.get(application=offer.application)
        used = dossier.effective_score
    client = client_for(alpha, family_user)
    url = f"/famille/demandes/{offer.application_id}/"
    page = " ".join(client.get(url).content.decode().split()).replace("&#x27;", "'")
    points = f"{used} points" if used > 1 else f"{used} point"
    date = dossier.session.date
    assert f"Score retenu par la commission « Commission » du {date.day}" in page and points in page
    assert "C'est aussi le score de la demande aujourd'hui." in page
    # Four months later the seniority criterion gives more: both scores, both explained.
    with tenant_context(alpha):
        type(offer.application).objects.filter(pk=offer.application_id).update(
            submitted_at=offer.application.submitted_at - datetime.timedelta(days=120)
        )
    page = " ".join(client.get(url).content.decode().split()).replace("&#x27;", "'")
    assert "Le score a changé depuis" in page
    assert f"Score retenu par la commission « Commission » du {date.day}" in page
    assert "Votre demande a" in page and "aujourd'hui" in page


def test_scoring_many_requests_at_once_gives_each_the_score_it_gets_alone():
    rules = [
        Rule("mono", "Famille monoparentale", "situation", {"situation": "monoparentalite", "points": 5}),
        Rule(
            "qf",
            "Quotient familial",
            "bands",
            scoring.clean_parameters(
                "bands",
                {"measure": "quotient_familial", "bands": [{"from": 0, "points": 6}, {"from": 800, "points": 2}]},
            ),
        ),
        Rule(
            "anciennete",
            "Ancienneté",
            "per_unit",
            scoring.clean_parameters("per_unit", {"measure": "months_waiting", "points": 1, "max_points": 6}),
        ),
        PENALTY,
    ]
    facts_list = [
        Facts(situations=frozenset({"monoparentalite"}), quotient_familial=500, months_waiting=3),
        Facts(quotient_familial=500, months_waiting=3, refused_offers=1, refusal_reasons=("personal",)),
        Facts(quotient_familial=None, months_waiting=9, refused_offers=1, refusal_reasons=("moving",)),
        Facts(quotient_familial=900, months_waiting=3),
    ]
    together = scoring.score_many(facts_list, rules)
    assert together == [scoring.score(facts, rules) for facts in facts_list]
    assert [score.total for score in together] == [14, 4, 6, 5]
