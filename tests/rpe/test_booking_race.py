"""50 people book the same slot at the same moment through the API, each in its own real transaction:
exactly one gets it (201), the other 49 hear it was just taken (409), one row is written."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from portal.accounts.models import User
from portal.outbox.models import OutboxMessage
from rpe.models import Appointment, Relais
from rpe.slots import PARIS
from tests.families.factories import UserFactory
from tests.rpe.factories import MotifFactory, PlageFactory
from tests.utils import domain_of

pytestmark = pytest.mark.django_db

CONTENDERS = 50
MONDAY = datetime.date(2031, 3, 3)
NINE = datetime.datetime(2031, 3, 3, 9, tzinfo=PARIS)


def in_thread(function):
    """Run `function` on a connection of its own: what it writes is committed, outside the test's transaction."""
    result = {}

    def run():
        try:
            result["value"] = function()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    return result.get("value")


@pytest.fixture
def committed_relais(alpha):
    def create():
        connection.set_tenant(alpha)
        motif = MotifFactory(relais__name="Relais de la course", max_delay_days=3000)
        plage = PlageFactory(lieu__relais=motif.relais, first_day=MONDAY, motifs=[motif])
        clients = []
        for number in range(CONTENDERS):
            client = Client(HTTP_HOST=domain_of(alpha))
            client.force_login(UserFactory(email=f"course{number}@exemple.test"))
            clients.append(client)
        return motif, plage, clients

    motif, plage, clients = in_thread(create)
    connection.set_schema_to_public()
    yield motif, plage, clients

    def remove():
        connection.set_tenant(alpha)
        appointments = Appointment.objects.filter(motif=motif)
        # The booking queued its confirmation and reminder, committed too: left, they would be counted by the
        # outbox tests that run later in this process.
        OutboxMessage.objects.about(appointments).delete()
        appointments.delete()
        animatrice = plage.animatrice_id
        Relais.objects.filter(pk=motif.relais_id).delete()
        User.objects.filter(email__startswith="course").delete()
        User.objects.filter(pk=animatrice).delete()

    in_thread(remove)


def test_fifty_bookings_of_one_slot_give_one_appointment(alpha, committed_relais):
    motif, plage, clients = committed_relais
    barrier = threading.Barrier(CONTENDERS)
    statuses = []
    body = {"motif": motif.pk, "start": NINE.isoformat(), "place": plage.lieu_id}

    def contender(client):
        try:
            barrier.wait(timeout=60)
            response = client.post("/api/v1/rpe/rendez-vous/", body, content_type="application/json")
            statuses.append((response.status_code, response.json().get("detail")))
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    codes = sorted(code for code, _detail in statuses)
    assert codes == [201] + [409] * (CONTENDERS - 1)
    assert {detail for code, detail in statuses if code == 409} == {"Ce créneau vient d'être pris."}
    with tenant_context(alpha):
        assert Appointment.objects.filter(motif=motif).count() == 1
