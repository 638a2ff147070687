"""The guichet follows offers: both request pages show the place, its start, the deadline and the letter; an agent
records an answer given by phone or at the desk (history and audit); a page lists pending offers by deadline.

Built on the small collectivité of test_sessions: after validation, family 2 is offered A and family 0 is offered B.
"""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from commissions import sessions
from commissions.enums import DeclineReason, OfferStatus
from commissions.models import Offer, OfferLog, Place
from creches.models import PlaceOpening
from families.enums import Actor, ApplicationStatus, AuditAction
from families.models import Application, AuditEntry
from tests.commissions.factories import World, allocated
from tests.families.factories import application_in, child_in
from tests.utils import client_for


@pytest.fixture
def world(alpha):
    return World(alpha)


@pytest.fixture
def validated(world, django_capture_on_commit_callbacks):
    allocated(world)
    with world, django_capture_on_commit_callbacks(execute=True):
        sessions.session_validate(session=world.session, user=world.chair)
    return world


def offer_of(world, index):
    with world:
        return Offer.objects.select_related("dossier", "establishment").get(application=world.families[index][3])


def long_date(day):
    return date_format(day, "j F Y")


@pytest.mark.parametrize("who", ["agent", "family"])
def test_both_request_pages_show_the_place_its_start_the_deadline_and_the_letter(validated, who):
    world = validated
    offer = offer_of(world, 2)
    with world:
        start = PlaceOpening.objects.get(section=offer.section).available_from
    if who == "agent":
        client, url = client_for(world.collectivite, world.agent), f"/guichet/demandes/{offer.application_id}/"
    else:
        client, url = (
            client_for(world.collectivite, world.families[2][0]),
            f"/famille/demandes/{offer.application_id}/",
        )
    content = client.get(url).content.decode()
    block = re.search(r'<section aria-labelledby="propositions".*?</section>', content, re.S).group(0)
    assert "Place proposée : Multi-accueil les-lutins, section « Tous âges »" in block
    assert "1 rue de la Paix" in block
    assert re.search(rf"Place disponible à partir du</dt>\s*<dd>{long_date(start)}</dd>", block)
    assert re.search(rf"Réponse attendue avant le</dt>\s*<dd>\s*{long_date(offer.deadline)}", block)
    assert f'href="/famille/courriers/{offer.dossier_id}/"' in block
    # The family answers itself; the guichet records an answer given to it.
    assert ("Accepter la place" in block) == (who == "family")
    assert ("Enregistrer la réponse donnée par la famille" in block) == (who == "agent")


def test_the_agent_records_an_acceptance_given_by_phone_in_the_history_and_the_audit(validated):
    world = validated
    offer = offer_of(world, 2)
    client = client_for(world.collectivite, world.agent)
    response = client.post(
        f"/gestion/propositions/{offer.pk}/reponse/",
        {"answer": "accept", "channel": "phone", "note": "Appel de la mère, jeudi matin"},
    )
    assert response.status_code == 302 and response["Location"] == f"/guichet/demandes/{offer.application_id}/"
    with world:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ACCEPTED
        application = Application.objects.get(pk=offer.application_id)
        assert application.status == ApplicationStatus.ACCEPTEE
        change = application.history.get(to_status=ApplicationStatus.ACCEPTEE)
        assert (change.actor, change.user) == (Actor.STAFF, world.agent)
        assert change.note == "Place acceptée par téléphone — Appel de la mère, jeudi matin"
        # The system's words follow the reader; the family's words, relayed by the agent, stay as given.
        with translation.override("en"):
            assert change.note_text == "Place accepted by phone — Appel de la mère, jeudi matin"
        entry = AuditEntry.objects.get(application=application, action=AuditAction.UPDATE)
        assert entry.user == world.agent and "par téléphone" in entry.detail
    page = client.get(f"/guichet/demandes/{offer.application_id}/").content.decode()
    assert "Place acceptée par téléphone" in page and "Acceptée" in page


def test_a_recorded_refusal_needs_its_reason_and_the_place_goes_to_the_next_dossier(
    validated, django_capture_on_commit_callbacks
):
    world = validated
    offer = offer_of(world, 0)  # B; the second request waits for it
    client = client_for(world.collectivite, world.agent)
    url = f"/gestion/propositions/{offer.pk}/reponse/"
    refused = client.post(url, {"answer": "decline", "channel": "desk", "note": " "})
    assert refused.status_code == 400
    assert "Indiquez le motif du refus donné par la famille." in refused.content.decode()
    with world:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "decline", "channel": "desk", "note": "Déménagement à Lyon"})
    assert response.status_code == 302
    with world:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.DECLINED and offer.decline_reason == "Déménagement à Lyon"
        change = offer.application.history.get(to_status=ApplicationStatus.REFUSEE)
        assert change.actor == Actor.STAFF and change.note == "Place refusée au guichet — Déménagement à Lyon"
        reoffered = Offer.objects.get(application=world.families[1][3])
        assert reoffered.status == OfferStatus.PENDING and reoffered.establishment == world.b


def test_an_answer_is_recorded_once_only(validated):
    world = validated
    offer = offer_of(world, 2)
    client = client_for(world.collectivite, world.agent)
    url = f"/gestion/propositions/{offer.pk}/reponse/"
    form_page = client.get(url).content.decode()
    assert "Enregistrer la réponse de la famille" in form_page and offer.establishment.name in form_page
    assert client.post(url, {"answer": "accept", "channel": "phone"}).status_code == 302
    again = client.post(url, {"answer": "decline", "channel": "phone", "note": "Finalement non"})
    assert again.status_code == 400 and "déjà reçu une réponse" in again.content.decode()
    with world:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ACCEPTED


def test_the_generic_status_form_cannot_answer_an_offer_for_the_family(validated):
    world = validated
    offer = offer_of(world, 2)
    client = client_for(world.collectivite, world.agent)
    page = client.get(f"/guichet/demandes/{offer.application_id}/").content.decode()
    status_select = re.search(r'<select name="to_status".*?</select>', page, re.S).group(0)
    assert f'value="{ApplicationStatus.ACCEPTEE}"' not in status_select
    assert f'value="{ApplicationStatus.REFUSEE}"' not in status_select
    response = client.post(
        f"/guichet/demandes/{offer.application_id}/statut", {"to_status": ApplicationStatus.ACCEPTEE, "reason": ""}
    )
    assert response.status_code == 400
    with world:
        assert Application.objects.get(pk=offer.application_id).status == ApplicationStatus.PROPOSITION


@pytest.mark.parametrize("who", ["member", "chair", "director", "family"])
def test_only_agents_and_administrators_follow_offers(validated, who):
    world = validated
    offer = offer_of(world, 2)
    user = world.families[2][0] if who == "family" else getattr(world, who)
    client = client_for(world.collectivite, user)
    assert client.get("/gestion/propositions/").status_code == 403
    assert client.get(f"/gestion/propositions/{offer.pk}/reponse/").status_code == 403
    assert (
        client.post(f"/gestion/propositions/{offer.pk}/reponse/", {"answer": "accept", "channel": "phone"}).status_code
        == 403
    )
    with world:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.PENDING


def test_pending_offers_are_listed_by_deadline_and_reached_from_the_agent_s_home(validated):
    world = validated
    first, second = offer_of(world, 2), offer_of(world, 0)
    today = timezone.localdate()
    with world:
        Offer.objects.filter(pk=first.pk).update(deadline=today + datetime.timedelta(days=5))
        Offer.objects.filter(pk=second.pk).update(deadline=today - datetime.timedelta(days=1))
    client = client_for(world.collectivite, world.agent)
    content = client.get("/gestion/propositions/").content.decode()
    rows = re.findall(r'<a href="/guichet/demandes/(\d+)/">', content)
    assert rows == [str(second.application_id), str(first.application_id)]
    assert content.count("délai dépassé") == 1
    assert f'href="/gestion/propositions/{first.pk}/reponse/"' in content
    home = client.get("/espace/agent/").content.decode()
    assert "2 propositions en attente de réponse des familles" in home
    assert 'href="/gestion/propositions/"' in home


def test_the_pending_offers_list_takes_a_bounded_number_of_queries(validated):
    world = validated
    client = client_for(world.collectivite, world.agent)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/gestion/propositions/").status_code == 200
        return len(captured)

    queries()  # the first request also reads the route to the collectivité, then kept in the cache
    before = queries()
    model = offer_of(world, 2)
    for index in range(4):
        _user, family, _child, _application = world.families[index % 3]
        child = child_in(world.collectivite, family, first_name=f"Cadet {index}")  # one live request per child
        application = application_in(world.collectivite, family, child, status=ApplicationStatus.PROPOSITION)
        with world:
            Offer.objects.create(
                application=application,
                session=model.session,
                dossier=model.dossier,
                section=model.section,
                establishment=model.establishment,
                deadline=model.deadline,
            )
    assert queries() == before


def test_the_start_shown_is_the_offered_place_s_own_date_in_the_ledger(validated):
    """Not a guess from the section's openings: the place the family is offered has its own date."""
    world = validated
    offer = offer_of(world, 2)
    with world:
        assert offer.place_id is not None
        later = offer.session.places_until  # still inside the window, but not the section's first opening
        Place.objects.filter(pk=offer.place_id).update(starts_on=later)
    content = client_for(world.collectivite, world.agent).get(f"/guichet/demandes/{offer.application_id}/").content
    block = re.search(r'<section aria-labelledby="propositions".*?</section>', content.decode(), re.S).group(0)
    assert re.search(rf"Place disponible à partir du</dt>\s*<dd>{long_date(later)}</dd>", block)


def test_an_offer_expired_before_the_migration_keeps_its_kind_as_reason_not_french_words(validated):
    world = validated
    offer = offer_of(world, 2)
    migration = importlib.import_module("commissions.migrations.0010_system_notes_translated_when_read")
    with world:
        Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.EXPIRED, decline_reason="délai dépassé")
        OfferLog.objects.create(
            subject=offer, from_status=OfferStatus.PENDING, to_status=OfferStatus.EXPIRED, note="délai dépassé"
        )
        migration.notes_to_messages(apps, None)
        offer.refresh_from_db()
        assert (offer.decline_reason, offer.decline_kind) == ("", DeclineReason.EXPIRED)
        with translation.override("en"):
            assert OfferLog.objects.get(subject=offer).note_text == "no answer within the deadline"
