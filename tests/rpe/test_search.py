"""The assistant-maternel search: the directory API per contracts/rpe.md, the public pages, distances, ranking,
query counts, contact requests and saved searches."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal.accounts.roles import Role
from portal.outbox.models import OutboxMessage
from rpe import contacts
from rpe.distance import haversine_km
from rpe.enums import WEEKDAY_HALF_DAYS, AvailabilityStatus
from rpe.enums_offers import ContactStatus
from rpe.models import AgrementPlace, Availability, ContactRequest, SavedSearchAlert
from rpe.publication import unpublished_values
from rpe.search import Criteria, search
from rpe.services import availability_declare
from tests.families.factories import UserFactory
from tests.rpe.factories import AnimatriceFactory, AssistantMaternelFactory, RelaisFactory
from tests.utils import client_for

NANTES = (47.2184, -1.5536)


class Directory:
    """A relais at Nantes with AM around it: some refuse publication of a field, one is suspended."""

    def __init__(self, collectivite):
        self.collectivite = collectivite
        with tenant_context(collectivite):
            self.relais = RelaisFactory(communes=["44109", "44143"])
            self.other_relais = RelaisFactory(communes=["44184"])
            self.animatrice = AnimatriceFactory(relais=self.relais)
            self.outsider = AnimatriceFactory(relais=self.other_relais)
            self.parent = UserFactory(roles=[Role.PARENT])
            self.other_parent = UserFactory(roles=[Role.PARENT])
            self.public = AssistantMaternelFactory(relais=self.relais, with_account=True, places=3, free_places=2)
            self.private = AssistantMaternelFactory(
                relais=self.relais,
                with_account=True,
                refused=["phone", "email", "address"],
                places=2,
                free_places=1,
                last_name="Discrète",
            )
            self.no_place = AssistantMaternelFactory(relais=self.relais, places=2, last_name="Complète")
            self.suspended = AssistantMaternelFactory(
                relais=self.relais, places=2, free_places=1, activity_status="suspended"
            )
        connection.set_schema_to_public()

    def __enter__(self):
        self._context = tenant_context(self.collectivite)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)
        connection.set_schema_to_public()


@pytest.fixture
def directory(alpha):
    return Directory(alpha)


def api_items(client, **params):
    response = client.get("/api/v1/rpe/assistants-maternels/", params)
    assert response.status_code == 200, response.content
    return {item["id"]: item for item in response.json()["results"]}


def test_anonymous_and_families_get_published_fields_only_absent_not_null(directory):
    for client in (client_for(directory.collectivite), client_for(directory.collectivite, directory.parent)):
        items = api_items(client)
        assert directory.suspended.pk not in items
        private = items[directory.private.pk]
        for field in ("phone", "email", "address", "publication"):
            assert field not in private
        public = items[directory.public.pk]
        assert public["phone"] == directory.public.phone and public["email"] == directory.public.email
        for key in ("id", "display_name", "commune", "code_insee", "latitude", "longitude", "capacity"):
            assert key in public
        assert public["availability"][0]["half_days"] == WEEKDAY_HALF_DAYS
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", public["availability_updated_on"])
        # The approximate location is not the home's.
        assert (private["latitude"], private["longitude"]) != (directory.private.latitude, directory.private.longitude)
        detail = client.get(f"/api/v1/rpe/assistants-maternels/{directory.private.pk}/").json()
        assert "phone" not in detail and "email" not in detail and "address" not in detail


def test_the_relais_staff_get_every_field_and_the_publication_choices(directory):
    items = api_items(client_for(directory.collectivite, directory.animatrice))
    private = items[directory.private.pk]
    assert private["publication"] == {"phone": False, "email": False, "address": False}
    assert private["phone"] == directory.private.phone and private["email"] == directory.private.email
    assert directory.suspended.pk in items
    # Another relais's animatrice is the public for these AM.
    items = api_items(client_for(directory.collectivite, directory.outsider))
    assert "publication" not in items[directory.private.pk] and "phone" not in items[directory.private.pk]


def test_unpublished_values_never_appear_in_public_pages_api_or_map_data(directory):
    with directory:
        secrets = unpublished_values(directory.private)
    assert secrets
    for client in (client_for(directory.collectivite), client_for(directory.collectivite, directory.parent)):
        for url in (
            "/assistants-maternels/",
            "/assistants-maternels/?commune=44109",
            f"/assistants-maternels/?latitude={NANTES[0]}&longitude={NANTES[1]}&radius_km=20",
            f"/assistants-maternels/{directory.private.pk}/",
            "/api/v1/rpe/assistants-maternels/",
            f"/api/v1/rpe/assistants-maternels/{directory.private.pk}/",
            "/sitemap.xml",
        ):
            body = client.get(url).content.decode()
            for secret in secrets:
                assert secret not in body, (url, secret)


def test_the_api_refuses_bad_filters_in_french(directory):
    client = client_for(directory.collectivite)
    for params in (
        {"commune": "abc"},
        {"age_months": "-1"},
        {"date": "demain"},
        {"latitude": "4 7"},
        {"radius_km": ""},
    ):
        response = client.get("/api/v1/rpe/assistants-maternels/", params)
        assert response.status_code == 400, params
        assert re.search(r"indiquez|saisissez|assurez-vous|omettez", response.content.decode(), re.I), params


def test_filters_on_age_at_date_and_commune(directory):
    client = client_for(directory.collectivite)
    today = timezone.localdate()
    found = api_items(client, age_months=12, date=today.isoformat(), commune="44109")
    assert set(found) == {directory.public.pk, directory.private.pk}
    assert api_items(client, age_months=40, date=today.isoformat()) == {}
    assert api_items(client, commune="44184") == {}


def test_the_distance_filter_agrees_with_the_python_haversine(alpha):
    import random

    rng = random.Random(3)
    with tenant_context(alpha):
        relais = RelaisFactory()
        points = {}
        for _n in range(60):
            lat, lon = NANTES[0] + rng.uniform(-0.3, 0.3), NANTES[1] + rng.uniform(-0.45, 0.45)
            am = AssistantMaternelFactory(
                relais=relais, latitude=lat, longitude=lon, coarse_latitude=lat, coarse_longitude=lon, places=1
            )
            points[am.pk] = (lat, lon)
        for radius in (2, 8, 15, 30):
            found = {
                am.pk: am.distance_km
                for am in search(Criteria(latitude=NANTES[0], longitude=NANTES[1], radius_km=radius))
            }
            expected = {pk for pk, point in points.items() if haversine_km(*NANTES, *point) <= radius}
            assert set(found) & set(points) == expected
            for pk in expected:
                assert found[pk] == pytest.approx(haversine_km(*NANTES, *points[pk]), abs=1e-6)
    connection.set_schema_to_public()


def test_profiles_unconfirmed_for_six_months_come_after_the_others(directory):
    with directory:
        stale = AssistantMaternelFactory(
            relais=directory.relais,
            last_name="Aaaa",
            places=1,
            free_places=1,
            availability_confirmed_on=timezone.localdate() - datetime.timedelta(days=200),
        )
        ranked = [am.pk for am in search(Criteria(code_insee="44109"))]
    assert ranked[-1] == stale.pk
    page = client_for(directory.collectivite).get("/assistants-maternels/?commune=44109").content.decode()
    assert "non confirmées depuis plus de six mois" in page


@pytest.mark.parametrize("count", [5, 25])
def test_the_search_page_and_api_query_counts_do_not_grow_with_results(alpha, count):
    with tenant_context(alpha):
        relais = RelaisFactory()
        for _n in range(count):
            AssistantMaternelFactory(relais=relais, places=2, free_places=1)
    connection.set_schema_to_public()
    client = client_for(alpha)
    counts = []
    for url in (
        f"/assistants-maternels/?latitude={NANTES[0]}&longitude={NANTES[1]}&radius_km=20&age_months=12",
        f"/api/v1/rpe/assistants-maternels/?latitude={NANTES[0]}&longitude={NANTES[1]}&radius_km=20&age_months=12",
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] <= 12 and counts[1] <= 10, counts


def test_the_search_page_lists_and_maps_the_same_am(directory):
    response = client_for(directory.collectivite).get("/assistants-maternels/", {"commune": "44109", "age_months": 10})
    page = response.content.decode()
    points = json.loads(
        re.search(r'<script id="carte-am-points" type="application/json">(.*?)</script>', page).group(1)
    )
    assert {point["name"] for point in points} == {directory.public.display_name, directory.private.display_name}
    assert directory.public.display_name in page and directory.no_place.display_name not in page


# --- Contact requests --------------------------------------------------------------------------------------------


def test_a_family_sends_a_contact_request_and_the_am_answers_from_her_space(
    directory, django_capture_on_commit_callbacks
):
    family = client_for(directory.collectivite, directory.parent)
    response = family.post(
        f"/assistants-maternels/{directory.private.pk}/contact/", {"message": "Bonjour, une place ?"}
    )
    assert response.status_code == 302
    # The same again while she has not answered: refused, nothing written.
    again = family.post(f"/assistants-maternels/{directory.private.pk}/contact/", {"message": "Relance"})
    assert again.status_code == 400 and "attendez sa réponse" in again.content.decode()
    with directory:
        contact = ContactRequest.objects.get(am=directory.private)
        # The AM is written to at her own address, which the family never sees.
        message = OutboxMessage.objects.get(kind="rpe.contact_to_am")
        assert message.to == [directory.private.user.email]
    page = family.get("/famille/assistants-maternels/contacts/").content.decode()
    assert "Bonjour, une place ?" in page and directory.private.email not in page
    am_client = client_for(directory.collectivite, directory.private.user)
    assert "Bonjour, une place ?" in am_client.get("/assistant-maternel/demandes-de-contact/").content.decode()
    response = am_client.post(
        f"/assistant-maternel/demandes-de-contact/{contact.pk}/repondre/", {"has_place": "1", "answer": "Oui !"}
    )
    assert response.status_code == 302
    with directory:
        contact.refresh_from_db()
        assert contact.status == ContactStatus.ANSWERED
    assert "Oui !" in family.get("/famille/assistants-maternels/contacts/").content.decode()


def test_a_family_sees_only_its_own_contact_requests_and_an_am_answers_only_hers(directory):
    with directory:
        mine = contacts.contact_send(author=directory.parent, am=directory.public, message="Message confidentiel A")
    other = client_for(directory.collectivite, directory.other_parent)
    assert "Message confidentiel A" not in other.get("/famille/assistants-maternels/contacts/").content.decode()
    intruder = client_for(directory.collectivite, directory.private.user)
    assert "Message confidentiel A" not in intruder.get("/assistant-maternel/demandes-de-contact/").content.decode()
    response = intruder.post(
        f"/assistant-maternel/demandes-de-contact/{mine.pk}/repondre/", {"has_place": "1", "answer": "Moi"}
    )
    assert response.status_code == 404
    # Staff and AM cannot send contact requests.
    assert (
        client_for(directory.collectivite, directory.animatrice)
        .post(f"/assistants-maternels/{directory.public.pk}/contact/", {"message": "x"})
        .status_code
        == 403
    )


def test_contact_counts_per_year(directory):
    with directory:
        contacts.contact_send(author=directory.parent, am=directory.public, message="a")
        contacts.contact_send(author=directory.other_parent, am=directory.public, message="b")
        year = timezone.now().year
        assert {"year": year, "sent": 2, "answered": 0} in contacts.contact_counts()


# --- Saved searches ----------------------------------------------------------------------------------------------


def test_a_saved_search_alerts_once_when_a_matching_am_declares_a_place(directory):
    family = client_for(directory.collectivite, directory.parent)
    response = family.post(
        "/famille/assistants-maternels/recherches/",
        {"label": "Près de chez nous", "commune": "44109", "age_months": "8"},
    )
    assert response.status_code == 302
    with directory:
        place = AgrementPlace.objects.filter(am=directory.no_place).first()
        declaration = {
            place.pk: {
                "status": AvailabilityStatus.NOW,
                "count": 1,
                "half_days": ["mon_am"],
                "age_min_months": 0,
                "age_max_months": 36,
            }
        }
        availability_declare(am=directory.no_place, declarations=declaration)
        availability_declare(am=directory.no_place, declarations=declaration)  # twice: one alert
        assert SavedSearchAlert.objects.filter(am=directory.no_place).count() == 1
        assert OutboxMessage.objects.filter(kind="rpe.saved_search_alert").count() == 1
        # A declaration that matches no saved search tells nobody.
        Availability.objects.filter(place=place).delete()
    assert "Près de chez nous" in family.get("/famille/assistants-maternels/recherches/").content.decode()


# --- The AM's own profile and availability through the API ----------------------------------------------------


def test_an_am_reads_and_changes_her_own_profile_and_declares_her_availability(directory):
    am = client_for(directory.collectivite, directory.private.user)
    profile = am.get("/api/v1/rpe/moi/fiche/").json()
    assert profile["id"] == directory.private.pk and profile["publish_phone"] is False
    changed = am.patch(
        "/api/v1/rpe/moi/fiche/", {"publish_phone": True, "saturday": True}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["publish_phone"] is True
    refused = am.patch("/api/v1/rpe/moi/fiche/", {"agrement_number": "X"}, content_type="application/json")
    assert refused.json()["agrement_number"] == directory.private.agrement_number  # read-only: unchanged
    with directory:
        place = directory.private.places.first()
    declared = am.put(
        "/api/v1/rpe/moi/disponibilites/",
        [{"place": place.pk, "status": AvailabilityStatus.NOW, "count": 1, "half_days": ["wed_am"]}],
        content_type="application/json",
    )
    assert declared.status_code == 200, declared.content
    assert declared.json()["availability"][0]["half_days"] == ["wed_am"]
    bad = am.put(
        "/api/v1/rpe/moi/disponibilites/",
        [{"place": place.pk, "status": AvailabilityStatus.NOW, "count": 1, "half_days": []}],
        content_type="application/json",
    )
    assert bad.status_code == 400 and "demi-journée" in bad.json()["detail"]
    # Another AM's profile is not hers to read; a family has no profile.
    assert client_for(directory.collectivite, directory.parent).get("/api/v1/rpe/moi/fiche/").status_code == 403
