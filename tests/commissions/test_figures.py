"""One source for decisions: the minutes, the transparency page, the API and the letters give the same figures.

`documents_agree` is the check; it runs on every validated session of the demo and of these tests.
"""

import datetime
import html
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from commissions import figures, sessions
from commissions.demo import SESSIONS
from commissions.enums import OfferStatus, SessionStatus
from commissions.models import Dossier, Offer, Place, Session
from commissions.pdf import letter_pdf, minutes_pdf
from portal.models import Collectivite
from tests.commissions.factories import City, staff_in
from tests.commissions.test_sessions import text_of
from tests.utils import client_for, demo_user

# Sessions other tests (browser journeys) may have committed in the demo collectivités are not the demo's.
DEMO_TITLES = [title for plan in SESSIONS.values() for title, *_rest in plan["past"]] + ["Commission d'hiver"]

# --- The contract's rule, stated on literal data -------------------------------------------------------------------


def test_cutoffs_count_places_and_the_decisions_not_declined_or_expired():
    places = [
        {"establishment": 12, "section": "bebes"},
        {"establishment": 12, "section": "bebes"},
        {"establishment": 12, "section": "bebes"},
        {"establishment": 7, "section": "grands"},
    ]
    decisions = [
        {"establishment": 12, "section": "bebes", "score": 14.5, "offer_status": "accepted"},
        {"establishment": 12, "section": "bebes", "score": 9.0, "offer_status": "declined"},
        {"establishment": 12, "section": "bebes", "score": 11.0, "offer_status": "pending"},
        {"establishment": 7, "section": "grands", "score": 3.0, "offer_status": "expired"},
    ]
    assert figures.cutoffs(places, decisions) == {
        "12/bebes": {"filled": 2, "capacity": 3, "last_admitted_score": 11.0},
        "7/grands": {"filled": 0, "capacity": 1, "last_admitted_score": None},
    }


def test_before_validation_every_proposed_decision_fills_its_group():
    places = [{"establishment": 1, "section": "moyens"}]
    decisions = [{"establishment": 1, "section": "moyens", "score": 4.0, "offer_status": None}]
    assert figures.cutoffs(places, decisions) == {"1/moyens": {"filled": 1, "capacity": 1, "last_admitted_score": 4.0}}


# --- Every document agrees -------------------------------------------------------------------------------------------


def french_number(value):
    return "—" if value is None else f"{value:g}".replace(".", ",")


def contract_cutoffs(api):
    """The cutoffs as the contract defines them, recomputed from the API's own places and decisions."""
    groups = {}
    for place in api["places"]:
        key = f"{place['establishment']}/{place['section']}"
        groups.setdefault(key, {"filled": 0, "capacity": 0, "last_admitted_score": None})["capacity"] += 1
    for decision in api["decisions"]:
        if decision["offer_status"] in ("declined", "expired"):
            continue
        group = groups[f"{decision['establishment']}/{decision['section']}"]
        group["filled"] += 1
        last = group["last_admitted_score"]
        group["last_admitted_score"] = decision["score"] if last is None else min(last, decision["score"])
    return groups


def documents_agree(collectivite, session, staff, letters=8):
    """The API, the minutes (PDF read back), the transparency page and the letters give the same figures."""
    api = client_for(collectivite, staff).get(f"/api/v1/commissions/seances/{session.pk}/").json()
    assert api["cutoffs"] == contract_cutoffs(api)
    places_by_id = {place["id"]: place for place in api["places"]}
    assert len(places_by_id) == len(api["places"])
    live = [d["place"] for d in api["decisions"] if d["offer_status"] in ("pending", "accepted")]
    assert len(live) == len(set(live)), "a place has at most one live decision"
    capacity = len(api["places"])
    given = sum(group["filled"] for group in api["cutoffs"].values())
    with tenant_context(collectivite):
        examined = Dossier.objects.filter(session=session).count()
        names = {
            place.pk: (place.section.establishment.name, place.section.name)
            for place in Place.objects.filter(pk__in=places_by_id).select_related("section__establishment")
        }
        minutes = text_of(minutes_pdf(session, collectivite))
    groups = {}
    for place in api["places"]:
        groups[f"{place['establishment']}/{place['section']}"] = names[place["id"]]
    sentence = f"{capacity} places, {examined} dossiers examinés, {given} places attribuées"
    assert sentence in minutes, minutes[:900]
    page = html.unescape(client_for(collectivite).get("/transparence/").content.decode())
    assert sentence in " ".join(page.split())
    for key, (establishment, section) in groups.items():
        cutoff = api["cutoffs"][key]
        score = french_number(cutoff["last_admitted_score"])
        assert f"{establishment} — {section} {cutoff['capacity']} {cutoff['filled']} {score}" in minutes
        assert re.search(
            rf"<td[^>]*>{re.escape(establishment)}</td>\s*<td[^>]*>{re.escape(section)}</td>\s*"
            rf"<td[^>]*>{cutoff['filled']} / {cutoff['capacity']}</td>\s*<td[^>]*>\s*{re.escape(score)}\s*</td>",
            page,
        ), (establishment, section)
    # Letters: the place offered is the API's pending decision; each examined wish shows its group's cutoff.
    with tenant_context(collectivite):
        dossiers = list(
            Dossier.objects.filter(session=session).select_related("application__child").order_by("number")
        )
        decisions = {d["dossier"]: d for d in api["decisions"]}
        sample = [d for d in dossiers if d.number in decisions][: letters // 2]
        sample += [d for d in dossiers if d.number not in decisions][: letters - len(sample)]
        for dossier in sample:
            offer = (
                dossier.offers.filter(status=OfferStatus.PENDING).select_related("establishment", "section").first()
            )
            text = text_of(letter_pdf(dossier, offer, collectivite))
            assert "Voies et délais de recours" in text
            if offer is not None:
                decision = decisions[dossier.number]
                assert decision["offer_status"] == "pending" and decision["establishment"] == offer.establishment_id
            for wish in dossier.wishes:
                if not wish["section"] or wish["name"] not in text:
                    continue
                cutoff = api["cutoffs"].get(f"{wish['establishment']}/{wish['section']}")
                if cutoff is None or (offer is not None and offer.establishment_id == wish["establishment"]):
                    continue
                expected = f"{french_number(cutoff['last_admitted_score'])} points"
                if cutoff["last_admitted_score"] is not None:
                    assert expected in text, (dossier.number, wish["name"], expected)
    connection.set_schema_to_public()
    return api


@pytest.mark.parametrize("slug", ["metz", "vie-et-boulogne"])
def test_every_demo_session_s_minutes_transparency_api_and_letters_agree(db, slug):
    collectivite = Collectivite.objects.get(slug=slug)
    agent = demo_user(collectivite, "agent")
    with tenant_context(collectivite):
        validated = list(Session.objects.filter(status=SessionStatus.VALIDATED))
    connection.set_schema_to_public()
    assert validated
    for session in validated:
        documents_agree(collectivite, session, agent)


def test_the_documents_of_two_sessions_in_sequence_agree_after_refusals_and_reoffers(
    alpha, django_capture_on_commit_callbacks
):
    city = City(alpha, families=6)
    staff = staff_in(alpha, "agent-figures@alpha.test", ["agent"])
    with tenant_context(alpha):
        first = city.session("Commission 1")
        sessions.session_prepare(session=first, user=city.agent)
        sessions.session_allocate(session=first)
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=first, user=city.chair)
        offers = list(Offer.objects.filter(session=first).order_by("dossier__number"))
        sessions.offer_accept(offer=offers[0], user=None)
        with django_capture_on_commit_callbacks(execute=True):
            sessions.offer_decline(offer=offers[1], user=None, reason="Déménagement")
    connection.set_schema_to_public()
    api = documents_agree(alpha, first, staff)
    assert {d["origin"] for d in api["decisions"]} == {"engine", "reoffer"}
    assert sorted(d["offer_status"] for d in api["decisions"]) == ["accepted", "declined", *["pending"] * 4]
    for _ in range(2):
        city.family()
    city.open_places(city.a, 1, days=40)
    with tenant_context(alpha):
        second = city.session("Commission 2")
        sessions.session_prepare(session=second, user=city.agent)
        sessions.session_allocate(session=second)
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=second, user=city.chair)
    connection.set_schema_to_public()
    documents_agree(alpha, second, staff)


# --- The read-only API -------------------------------------------------------------------------------------------


def test_the_api_gives_the_contract_s_shape(metz):
    response = client_for(metz, demo_user(metz, "agent")).get("/api/v1/commissions/seances/")
    assert response.status_code == 200
    sessions_json = response.json()["results"]
    with tenant_context(metz):
        demo = set(Session.objects.filter(title__in=DEMO_TITLES).values_list("pk", flat=True))
    connection.set_schema_to_public()
    statuses = [s["status"] for s in sessions_json if s["id"] in demo]
    assert sorted(statuses) == ["preparation", "validated", "validated"]
    validated = next(s for s in sessions_json if s["status"] == "validated" and s["id"] in demo)
    assert set(validated) == {"id", "date", "status", "validated_at", "places", "decisions", "cutoffs"}
    assert set(validated["places"][0]) == {
        "id",
        "establishment",
        "establishment_name",
        "section",
        "starts_on",
        "reserved_for",
    }
    assert set(validated["decisions"][0]) == {
        "dossier",
        "place",
        "establishment",
        "section",
        "score",
        "origin",
        "offer_status",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", validated["validated_at"])
    # No name of a family anywhere: dossiers are anonymous numbers.
    assert all(re.fullmatch(r"S\d+-\d{4}", d["dossier"]) for s in sessions_json for d in s["decisions"])


def test_the_demo_s_second_session_never_lists_a_place_the_first_gave_unless_declined_or_expired(metz):
    api = client_for(metz, demo_user(metz, "agent")).get("/api/v1/commissions/seances/").json()["results"]
    with tenant_context(metz):
        demo = set(Session.objects.filter(title__in=DEMO_TITLES).values_list("pk", flat=True))
    connection.set_schema_to_public()
    first, second = sorted((s for s in api if s["status"] == "validated" and s["id"] in demo), key=lambda s: s["date"])
    kept = {d["place"] for d in first["decisions"] if d["offer_status"] in ("pending", "accepted")}
    freed = {d["place"] for d in first["decisions"] if d["offer_status"] in ("declined", "expired")} - kept
    second_places = {place["id"] for place in second["places"]}
    assert second_places.isdisjoint(kept)
    assert freed <= second_places
    statuses = {d["offer_status"] for s in (first, second) for d in s["decisions"]}
    assert {"accepted", "declined", "expired", "pending"} <= statuses
    assert "reoffer" in {d["origin"] for s in (first, second) for d in s["decisions"]}


@pytest.mark.parametrize(
    ("local_part", "status"),
    [("agent", 200), ("admin", 200), ("commission", 200), ("elu", 200), ("parent", 403), ("directrice", 403)],
)
def test_only_staff_and_the_commission_read_the_sessions_api(metz, local_part, status):
    client = client_for(metz, demo_user(metz, local_part))
    assert client.get("/api/v1/commissions/seances/").status_code == status
    with tenant_context(metz):
        session = Session.objects.filter(status=SessionStatus.VALIDATED, title__in=DEMO_TITLES).first()
    connection.set_schema_to_public()
    assert client.get(f"/api/v1/commissions/seances/{session.pk}/").status_code == status


def test_anonymous_visitors_cannot_read_the_sessions_api(metz):
    assert client_for(metz).get("/api/v1/commissions/seances/").status_code == 403


def test_a_member_reads_only_the_sessions_they_sit_in(alpha):
    city = City(alpha, families=1)
    outsider = staff_in(alpha, "membre-ailleurs@alpha.test", ["membre_commission"])
    with tenant_context(alpha):
        session = city.session("Commission")
    client = client_for(alpha, outsider)
    assert client.get("/api/v1/commissions/seances/").json()["results"] == []
    assert client.get(f"/api/v1/commissions/seances/{session.pk}/").status_code == 404
    chair = client_for(alpha, city.chair)
    assert [s["id"] for s in chair.get("/api/v1/commissions/seances/").json()["results"]] == [session.pk]


def test_the_sessions_api_query_count_does_not_grow_with_sessions(alpha, django_capture_on_commit_callbacks):
    city = City(alpha, families=3)
    staff = staff_in(alpha, "agent-requetes@alpha.test", ["agent"])
    client = client_for(alpha, staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/commissions/seances/").status_code == 200
        return len(captured)

    with tenant_context(alpha):
        first = city.session("Commission 1")
        sessions.session_prepare(session=first, user=city.agent)
        sessions.session_allocate(session=first)
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=first, user=city.chair)
    connection.set_schema_to_public()
    queries()  # the first request also reads the route to the collectivité, then kept in the cache
    before = queries()
    city.open_places(city.b, 2, days=50)
    for _ in range(2):
        city.family()
    with tenant_context(alpha):
        for index in range(3):
            city.session(f"Commission {index + 2}", date=city.today + datetime.timedelta(days=index + 1))
        second = city.session("Commission 5")
        sessions.session_prepare(session=second, user=city.agent)
        sessions.session_allocate(session=second)
    connection.set_schema_to_public()
    assert queries() == before


def test_seed_demo_is_idempotent(metz):
    with tenant_context(metz):
        before = (Session.objects.count(), Offer.objects.count(), Place.objects.count())
    connection.set_schema_to_public()
    call_command("seed_demo", allow_demo=True, verbosity=0)
    with tenant_context(metz):
        assert (Session.objects.count(), Offer.objects.count(), Place.objects.count()) == before
