"""The ateliers' pages: the programme's calendar feed, each person's own registrations, the staff's relais only."""

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from icalendar import Calendar

from portal.accounts.roles import Role
from rpe.ateliers.enums import AtelierKind, RecurrenceFrequency, RegistrationStatus
from rpe.models.ateliers import Registration
from tests.families.factories import UserFactory
from tests.rpe.factories import AnimatriceFactory, AssistantMaternelFactory, AtelierFactory, staff_client
from tests.utils import client_for

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def test_the_programme_feed_parses_back_with_a_stable_uid(alpha):
    """Anonymous visitors get what families may attend (réunions d'information), not the AM's matinées."""
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    with tenant_context(alpha):
        AtelierFactory(title="Matinée du flux", start=start, end=start + datetime.timedelta(hours=2))
        meeting = AtelierFactory(
            kind=AtelierKind.INFORMATION_MEETING,
            title="Réunion du flux",
            start=start,
            end=start + datetime.timedelta(hours=2),
        )

    def events():
        feed = Calendar.from_ical(client_for(alpha).get("/ateliers/programme.ics").content)
        return {str(event["SUMMARY"]): event for event in feed.walk("VEVENT")}

    first, again = events(), events()
    assert not any("Matinée du flux" in summary for summary in first)
    event = next(event for summary, event in first.items() if "Réunion du flux" in summary)
    assert event["DTSTART"].dt == meeting.start and event["DTEND"].dt == meeting.end
    assert str(event["UID"]) in {str(other["UID"]) for other in again.values()}


def test_an_am_sees_only_her_own_registrations(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(title="Matinée partagée")
        mine, other = AssistantMaternelFactory.create_batch(2, with_account=True)
        Registration.objects.create(atelier=atelier, user=mine.user, assistant=mine, children=2, status=S.REGISTERED)
        theirs = AtelierFactory(title="Matinée de l'autre")
        Registration.objects.create(atelier=theirs, user=other.user, assistant=other, status=S.REGISTERED)
    page = client_for(alpha, mine.user).get("/mes-ateliers/").content.decode()
    assert "Matinée partagée" in page and "Matinée de l&#x27;autre" not in page


def test_a_family_sees_only_its_own_registrations(alpha):
    with tenant_context(alpha):
        meeting = AtelierFactory(kind=AtelierKind.INFORMATION_MEETING, title="Réunion des parents", seats_children=0)
        parent, other = UserFactory(roles=[Role.PARENT]), UserFactory(roles=[Role.PARENT])
        Registration.objects.create(atelier=meeting, user=other, status=S.REGISTERED)
    page = client_for(alpha, parent).get("/mes-ateliers/").content.decode()
    assert "Réunion des parents" not in page
    assert client_for(alpha, parent).post(f"/ateliers/{meeting.pk}/desinscription/").status_code == 404


def test_an_am_registers_from_the_page_and_lands_on_her_registrations(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory()
        am = AssistantMaternelFactory(with_account=True)
    response = client_for(alpha, am.user).post(f"/ateliers/{atelier.pk}/inscription/", {"children": 2})
    assert response.status_code == 302 and response.url == "/mes-ateliers/"
    with tenant_context(alpha):
        assert Registration.objects.get(atelier=atelier).children == 2


def test_an_animatrice_sees_only_her_relais_ateliers(alpha):
    with tenant_context(alpha):
        mine = AtelierFactory(title="Matinée de mon relais")
        other = AtelierFactory(title="Matinée d'un autre relais")
        animatrice = AnimatriceFactory(relais=mine.relais)
    client = staff_client(alpha, animatrice)
    page = client.get("/relais/ateliers/").content.decode()
    assert "Matinée de mon relais" in page and "autre relais" not in page
    assert client.get(f"/relais/ateliers/{mine.pk}/").status_code == 200
    assert client.get(f"/relais/ateliers/{other.pk}/").status_code == 404
    assert client.post(f"/relais/ateliers/{other.pk}/presences/").status_code == 404
    assert client.get(f"/relais/ateliers/?relais={other.relais_id}").status_code == 404


def test_an_animatrice_creates_a_programme_of_sessions(alpha):
    with tenant_context(alpha):
        animatrice = AnimatriceFactory()
        relais = animatrice.relais_memberships.get().relais
    response = staff_client(alpha, animatrice).post(
        f"/relais/ateliers/programme/?relais={relais.pk}",
        {
            "kind": AtelierKind.EARLY_LEARNING,
            "title": "Matinées du mardi",
            "place_name": "Salle des fêtes",
            "code_insee": "44109",
            "seats_adults": 8,
            "seats_children": 16,
            "weekday": 1,
            "frequency": RecurrenceFrequency.WEEKLY,
            "start_time": "09:30",
            "end_time": "11:30",
            "first_date": "2027-01-04",
            "last_date": "2027-03-31",
            "term_time_only": "on",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        from rpe.models.ateliers import Atelier

        assert Atelier.objects.filter(relais=relais, title="Matinées du mardi").count() > 5
