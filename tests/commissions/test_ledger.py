"""Places as a ledger: a place is given by one session at a time, and a freed place only once more.

A small city is built in a collectivité: crèche A opens 3 places, crèche B 2, and families wish A then B.
"""

import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from commissions import sessions
from commissions.calendar import deadline_after
from commissions.enums import OfferStatus, SessionStatus
from commissions.models import CommissionSettings, Offer, Place, Session, SessionPlace
from families.enums import ApplicationStatus
from families.models import Application
from portal.models import Collectivite
from portal.tenancy import collectivite_create
from tests.commissions.factories import City
from tests.utils import client_for


def given_places(session):
    return set(Offer.objects.filter(session=session).values_list("place_id", flat=True))


def run_session(city, title, django_capture_on_commit_callbacks):
    session = city.session(title)
    sessions.session_prepare(session=session, user=city.agent)
    sessions.session_allocate(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_validate(session=session, user=city.chair)
    return session


def test_a_second_session_never_offers_a_place_the_first_gave_except_declined_or_expired_ones_once_each(
    alpha, django_capture_on_commit_callbacks
):
    city = City(alpha, families=6)
    with tenant_context(alpha):
        first = run_session(city, "Commission 1", django_capture_on_commit_callbacks)
        offers = list(Offer.objects.filter(session=first).order_by("dossier__number"))
        assert len(offers) == 5 and len(given_places(first)) == 5
        accepted, declined, expired = offers[0], offers[1], offers[2]
        sessions.offer_accept(offer=accepted, user=None)
        with django_capture_on_commit_callbacks(execute=True):
            _offer, reoffered = sessions.offer_decline(offer=declined, user=None, reason="Déménagement")
        # The sixth family had no place: it receives the declined one, the same place of the ledger.
        assert reoffered is not None and reoffered.place_id == declined.place_id
        Offer.objects.filter(pk=expired.pk).update(deadline=city.today - datetime.timedelta(days=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert sessions.offers_expire() == 1
        # Nobody of the first session is left for the expired place: it is free for the next session.
        assert not Offer.objects.filter(place=expired.place, status=OfferStatus.PENDING).exists()
        connection.set_schema_to_public()
        for _ in range(3):
            city.family()
        city.open_places(city.a, 1, days=40)
        with tenant_context(alpha):
            second = run_session(city, "Commission 2", django_capture_on_commit_callbacks)
            offered_by_second = set(second.session_places.values_list("place_id", flat=True))
            new_place = Place.objects.filter(opening__available_from=city.today + datetime.timedelta(days=40)).get()
            # Only the expired place and the new one: not the accepted, pending or re-offered ones.
            assert offered_by_second == {expired.place_id, new_place.pk}
            assert given_places(second) <= offered_by_second
            assert given_places(second).isdisjoint(given_places(first) - {expired.place_id})
            # A place has at most one live offer across all sessions.
            live = Offer.objects.filter(status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED])
            places = list(live.values_list("place_id", flat=True))
            assert len(places) == len(set(places))
            # A third session finds nothing free: every place is held.
            third = city.session("Commission 3")
            plan = sessions.session_preview(third)
            assert plan.places == []
            assert {item.reason for item in plan.left_out} == {"offered", "accepted"}
            with pytest.raises(ValidationError, match="Aucune place libre"):
                sessions.session_prepare(session=third, user=city.agent)


def test_preparation_shows_the_places_it_takes_and_those_it_leaves_out_and_why(alpha):
    city = City(alpha, families=2)
    late = city.open_places(city.b, 4, days=200)
    with tenant_context(alpha):
        other = city.session("Autre commission")
        sessions.session_prepare(session=other, user=city.agent)
        connection.set_schema_to_public()
    city.open_places(city.a, 2, days=10)
    with tenant_context(alpha):
        session = city.session("Commission")
        plan = sessions.session_preview(session)
        assert len(plan.places) == 2
        assert {item.place.opening_id for item in plan.outside_window} == {late.pk}
        assert len(plan.held_elsewhere) == 5 and {item.session for item in plan.held_elsewhere} == {other}
        assert plan.dossiers == [] and plan.renewal_overdue == []
    client = client_for(alpha, city.agent)
    page = client.get(f"/gestion/commissions/{session.pk}/preparer/").content.decode().replace("&#x27;", "'")
    assert "2 places retenues" in page and "4 places s'ouvrent après le" in page
    assert "5 places sont tenues par une autre commission" in page
    assert "Autre commission" in page
    with tenant_context(alpha):
        # Nothing was taken by looking.
        assert Session.objects.get(pk=session.pk).status == SessionStatus.PREPARATION
        assert not SessionPlace.objects.filter(session=session).exists()


def test_a_request_past_its_renewal_date_is_not_eligible_and_is_shown_as_such(alpha):
    city = City(alpha, families=2)
    overdue = city.applications[1]
    with tenant_context(alpha):
        Application.objects.filter(pk=overdue.pk).update(renewal_due_on=city.today - datetime.timedelta(days=1))
        session = city.session("Commission")
        plan = sessions.session_preview(session)
        assert [application.pk for application in plan.renewal_overdue] == [overdue.pk]
        assert [application.pk for application, _code, _wishes in plan.dossiers] == [city.applications[0].pk]
        sessions.session_prepare(session=session, user=city.agent)
        assert list(session.dossiers.values_list("application", flat=True)) == [city.applications[0].pk]
        assert Application.objects.get(pk=overdue.pk).status == ApplicationStatus.COMPLETE


def test_validation_before_the_meeting_date_is_refused(alpha):
    city = City(alpha, families=2)
    with tenant_context(alpha):
        session = city.session("Commission de décembre", date=city.today + datetime.timedelta(days=14))
        sessions.session_prepare(session=session, user=city.agent)
        sessions.session_allocate(session=session)
        with pytest.raises(ValidationError, match="ne peut pas être validée avant cette date"):
            sessions.session_validate(session=session, user=city.chair)
        assert Session.objects.get(pk=session.pk).status == SessionStatus.OPEN
        assert not Offer.objects.filter(session=session).exists()


# --- Two preparations racing for the same places (real connections, committed data) -----------------------------


@pytest.fixture
def race_city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        collectivite = collectivite_create(
            schema="course", name="Course", domain="course.localhost", communes=[{"code_insee": "44109", "nom": "N"}]
        )
        try:
            yield City(collectivite, families=3)
        finally:
            connection.set_schema_to_public()
            Collectivite.objects.get(pk=collectivite.pk).delete(force_drop=True)


def test_two_preparations_racing_for_the_same_places_one_gets_them(race_city):
    city = race_city
    with tenant_context(city.collectivite):
        sessions.places_sync()
        rivals = [city.session("Commission A"), city.session("Commission B")]
    connection.set_schema_to_public()
    barrier = threading.Barrier(2)
    outcomes = {}

    def prepare(session):
        try:
            with tenant_context(city.collectivite):
                barrier.wait()
                try:
                    sessions.session_prepare(session=session, user=city.agent)
                    outcomes[session.pk] = "prepared"
                except ValidationError as error:
                    outcomes[session.pk] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=prepare, args=(session,)) for session in rivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values(), key=len)[0] == "prepared"
    loser = next(pk for pk, outcome in outcomes.items() if outcome != "prepared")
    assert "Aucune place libre" in outcomes[loser]
    with tenant_context(city.collectivite):
        assert SessionPlace.objects.filter(held=True).count() == Place.objects.count() == 5
        assert not SessionPlace.objects.filter(session_id=loser).exists()
        assert Session.objects.get(pk=loser).status == SessionStatus.PREPARATION
        assert not Session.objects.get(pk=loser).dossiers.exists()


def test_offer_deadlines_count_from_the_day_the_family_is_told_with_the_departement_s_holidays(metz):
    """Metz is in Moselle: its deadlines skip the national holidays and Moselle's own."""
    with tenant_context(metz):
        days = CommissionSettings.current().offer_response_days
        offers = list(Offer.objects.all())
        assert offers
        for offer in offers:
            assert offer.notified_on is not None
            assert offer.deadline == deadline_after(offer.notified_on, days, "57")
            assert offer.notified_on >= offer.session.date


def test_bulk_preparation_logs_every_move_and_its_queries_do_not_grow_with_dossiers(alpha):
    """One statement per kind of row: the same log entry for each request, and a constant number of queries."""

    def prepare(families):
        city = City(alpha, families=families)
        with tenant_context(alpha):
            session = city.session(f"Commission de {families}")
            with CaptureQueriesContext(connection) as captured:
                sessions.session_prepare(session=session, user=city.agent)
            for dossier in session.dossiers.select_related("application"):
                change = dossier.application.history.get(to_status=ApplicationStatus.EN_COMMISSION)
                assert (change.from_status, change.actor, change.user, change.note) == (
                    ApplicationStatus.COMPLETE,
                    "staff",
                    city.agent,
                    session.title,
                )
                assert dossier.application.status == ApplicationStatus.EN_COMMISSION
            count = session.dossiers.count()
            transaction.set_rollback(True)
        connection.set_schema_to_public()
        return count, len(captured)

    with transaction.atomic():
        small = prepare(2)
    with transaction.atomic():
        large = prepare(9)
    assert (small[0], large[0]) == (2, 9)
    assert small[1] == large[1]


def test_the_demo_s_coming_session_shows_what_its_preparation_would_take(metz):
    from tests.utils import demo_user

    with tenant_context(metz):
        coming = Session.objects.get(title="Commission d'hiver")
    connection.set_schema_to_public()
    response = client_for(metz, demo_user(metz, "agent")).get(f"/gestion/commissions/{coming.pk}/preparer/")
    assert response.status_code == 200
    page = response.content.decode()
    # Its places (those a browser journey's session did not take first) and what is left out, and why.
    assert re.search(r"\d+ places? retenues?", page) and "Places laissées de côté, et pourquoi" in page
    assert "dossiers retenus" in page or "dossier retenu" in page
