"""The ateliers' API (contracts/rpe.md "Ateliers"), the last seat raced by 50 AM, and who sees what."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.outbox.models import OutboxMessage
from rpe.ateliers.enums import AtelierKind, RegistrationStatus
from rpe.models import AssistantMaternel, Relais
from rpe.models.ateliers import Registration
from tests.families.factories import UserFactory
from tests.rpe.factories import (
    AnimatriceFactory,
    AssistantMaternelFactory,
    AtelierFactory,
    RelaisFactory,
    staff_client,
)
from tests.utils import client_for

pytestmark = pytest.mark.django_db
S = RegistrationStatus
CONTENDERS = 50
ROLES = [Role.ASSISTANT_MATERNEL]


def url(atelier):
    return f"/api/v1/rpe/ateliers/{atelier.pk}/inscription/"


def in_own_connection(collectivite, function):
    """Run `function()` in a thread on its own connection: what it writes is committed for everyone."""
    outcome = {}

    def run():
        try:
            connection.set_tenant(collectivite)
            outcome["value"] = function()
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def last_seat(alpha):
    """A committed atelier with one adult seat left, and 50 AM with accounts; removed afterwards."""

    def build():
        relais = RelaisFactory(name="Relais de la course")
        atelier = AtelierFactory(relais=relais, seats_adults=3, seats_children=200)
        for holder in AssistantMaternelFactory.create_batch(2, relais=relais):
            Registration.objects.create(atelier=atelier, assistant=holder, status=S.REGISTERED)
        # Own addresses: these committed accounts must not collide with the factories' sequence in later tests.
        contenders = [
            AssistantMaternelFactory(relais=relais, user=UserFactory(email=f"course-{n}@exemple.test", roles=ROLES))
            for n in range(CONTENDERS)
        ]
        # Logged in here too: their sessions must be committed for the contenders' requests to see them.
        return relais, atelier, [client_for(alpha, am.user) for am in contenders]

    relais, atelier, clients = in_own_connection(alpha, build)
    yield atelier, clients

    def remove():
        registrations = Registration.objects.filter(atelier=atelier)
        OutboxMessage.objects.about(registrations).delete()
        am = AssistantMaternel.objects.filter(relais_id=relais.pk)
        user_ids = list(am.values_list("user_id", flat=True))
        am.delete()
        User.objects.filter(pk__in=user_ids).delete()
        Relais.objects.filter(pk=relais.pk).delete()

    in_own_connection(alpha, remove)


def test_fifty_am_race_for_the_last_seat_one_gets_it_the_others_wait(alpha, last_seat):
    atelier, clients = last_seat
    barrier = threading.Barrier(CONTENDERS)
    statuses = []

    def contend(client):
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url(atelier), {"children": 1}, content_type="application/json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=contend, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [201] + [202] * (CONTENDERS - 1)
    with tenant_context(alpha):
        held = Registration.objects.filter(atelier=atelier, status=S.REGISTERED)
        assert held.count() == atelier.seats_adults
        assert Registration.objects.filter(atelier=atelier, status=S.WAITING).count() == CONTENDERS - 1


def test_a_second_registration_of_the_same_am_is_a_409(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory()
        am = AssistantMaternelFactory(with_account=True)
    client = client_for(alpha, am.user)
    assert client.post(url(atelier), {"children": 2}, content_type="application/json").status_code == 201
    second = client.post(url(atelier), {"children": 1}, content_type="application/json")
    assert second.status_code == 409
    assert "déjà inscrit" in second.json()["detail"]


def test_a_full_atelier_puts_her_on_the_waiting_list_and_delete_promotes_the_next(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(seats_adults=1)
        first, second = AssistantMaternelFactory.create_batch(2, with_account=True)
    first_client, second_client = client_for(alpha, first.user), client_for(alpha, second.user)
    assert first_client.post(url(atelier), {"children": 1}, content_type="application/json").status_code == 201
    waiting = second_client.post(url(atelier), {"children": 1}, content_type="application/json")
    assert (waiting.status_code, waiting.json()["status"]) == (202, S.WAITING)
    cancelled = first_client.delete(url(atelier))
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, S.CANCELLED)
    with tenant_context(alpha):
        assert Registration.objects.get(pk=waiting.json()["id"]).status == S.REGISTERED
    # Nothing left to cancel for her.
    assert first_client.delete(url(atelier)).status_code == 404


def test_bad_input_is_a_400_and_writes_nothing(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory()
        am = AssistantMaternelFactory(with_account=True)
    client = client_for(alpha, am.user)
    for body in ({"children": -1}, {"children": "deux"}, {"children": 40}):
        assert client.post(url(atelier), body, content_type="application/json").status_code == 400
    assert (
        client.post("/api/v1/rpe/ateliers/999999/inscription/", {}, content_type="application/json").status_code == 404
    )
    with tenant_context(alpha):
        assert not Registration.objects.filter(atelier=atelier).exists()


def test_the_list_gives_the_contract_fields_and_free_seats(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(seats_adults=4, seats_children=6, code_insee="44109")
        am = AssistantMaternelFactory(with_account=True)
        Registration.objects.create(atelier=atelier, user=am.user, assistant=am, children=2, status=S.REGISTERED)
    day = timezone.localdate(atelier.start).isoformat()
    response = client_for(alpha, am.user).get(f"/api/v1/rpe/ateliers/?from={day}&to={day}")
    assert response.status_code == 200
    item = next(item for item in response.json()["results"] if item["id"] == atelier.pk)
    assert set(item) >= {
        "id", "title", "kind", "start", "end", "place_name", "commune",
        "seats_adults", "seats_children", "free_adults", "free_children",
    }  # fmt: skip
    assert (item["free_adults"], item["free_children"], item["commune"]) == (3, 4, "Nantes")
    assert datetime.datetime.fromisoformat(item["start"]) == atelier.start


def test_the_list_refuses_a_bad_date_and_clamps_a_long_window(alpha):
    with tenant_context(alpha):
        far = AtelierFactory(start=timezone.now() + datetime.timedelta(days=500))
    client = client_for(alpha)
    assert client.get("/api/v1/rpe/ateliers/?from=demain").status_code == 400
    today = timezone.localdate()
    response = client.get(f"/api/v1/rpe/ateliers/?from={today}&to={today + datetime.timedelta(days=900)}")
    assert response.status_code == 200
    assert far.pk not in {item["id"] for item in response.json()["results"]}
    assert client.get("/api/v1/rpe/ateliers/?from=9999-12-31").status_code == 200


def test_families_see_only_the_ateliers_open_to_them(alpha):
    with tenant_context(alpha):
        matinee = AtelierFactory()
        meeting = AtelierFactory(kind=AtelierKind.INFORMATION_MEETING, start=matinee.start, end=matinee.end)
        parent = UserFactory(roles=[Role.PARENT])
    day = timezone.localdate(matinee.start).isoformat()
    ids = {
        item["id"]
        for item in client_for(alpha, parent).get(f"/api/v1/rpe/ateliers/?from={day}&to={day}").json()["results"]
    }
    assert meeting.pk in ids and matinee.pk not in ids
    refused = client_for(alpha, parent).post(url(matinee), {}, content_type="application/json")
    assert refused.status_code == 409


def test_only_am_and_parents_may_register(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory()
        animatrice = AnimatriceFactory(relais=atelier.relais)
    assert client_for(alpha).post(url(atelier), {}, content_type="application/json").status_code == 403
    assert staff_client(alpha, animatrice).post(url(atelier), {}, content_type="application/json").status_code == 403


def test_an_am_cancels_only_her_own_registration(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory()
        mine, other = AssistantMaternelFactory.create_batch(2, with_account=True)
        registration = Registration.objects.create(
            atelier=atelier, user=other.user, assistant=other, status=S.REGISTERED
        )
    assert client_for(alpha, mine.user).delete(url(atelier)).status_code == 404
    with tenant_context(alpha):
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED


def queries_for(client, path):
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(default_connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_list_and_the_programme_page_cost_the_same_queries_for_2_or_8_ateliers(alpha):
    """No query per atelier (seats are counted in the list's own query)."""
    with tenant_context(alpha):
        relais = RelaisFactory()
        start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=40)
        am = AssistantMaternelFactory(with_account=True, relais=relais)
    day = timezone.localdate(start)
    paths = [
        f"/api/v1/rpe/ateliers/?from={day.isoformat()}&to={day.isoformat()}",
        f"/ateliers/?mois={day:%Y-%m}",
    ]
    client = client_for(alpha, am.user)
    for path in paths:  # warm up: the first request of a session costs more (session, content types)
        client.get(path)
    costs = []
    for count in (2, 8):
        with tenant_context(alpha):
            for n in range(count - (2 if count == 8 else 0)):
                atelier = AtelierFactory(
                    relais=relais, start=start + datetime.timedelta(minutes=n), end=start + datetime.timedelta(hours=2)
                )
                Registration.objects.create(
                    atelier=atelier, assistant=AssistantMaternelFactory(relais=relais), children=1, status=S.REGISTERED
                )
        costs.append([queries_for(client, path) for path in paths])
    assert costs[0] == costs[1]


def test_a_registration_cannot_be_cancelled_once_the_atelier_started(alpha):
    with tenant_context(alpha):
        start = timezone.now() - datetime.timedelta(minutes=30)
        atelier = AtelierFactory(start=start, end=start + datetime.timedelta(hours=2))
        am = AssistantMaternelFactory(with_account=True)
        registration = Registration.objects.create(atelier=atelier, user=am.user, assistant=am, status=S.REGISTERED)
    response = client_for(alpha, am.user).delete(url(atelier))
    assert response.status_code == 409 and "commencé" in response.json()["detail"]
    with tenant_context(alpha):
        registration.refresh_from_db()
        assert registration.status == S.REGISTERED
