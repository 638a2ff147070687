"""The relais' ateliers and contact log in Chromium, with axe-core on every page visited.

An AM registers for a full atelier, lands on the waiting list and is inscribed when the AM holding the seat cancels;
an animatrice logs a phone call in a few clicks. The server commits: the journey makes its own atelier and second AM
(unique names) on its own connection and removes them afterwards.
"""

import re
import threading
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.demo import DEMO_PASSWORD
from portal.models import Collectivite
from portal.outbox.models import OutboxMessage
from rpe.ateliers.enums import RegistrationStatus
from rpe.models import AssistantMaternel, Relais
from rpe.models.ateliers import Registration
from rpe.models.inbox import ContactLog
from tests.browser.journeys import log_in
from tests.rpe.factories import AssistantMaternelFactory, AtelierFactory

pytestmark = pytest.mark.browser
HOST = "vie-et-boulogne.localhost"


def url(port, path):
    return f"http://{HOST}:{port}{path}"


def committed(function):
    """Run `function()` in the demo collectivité on its own connection (committed, seen by the server)."""
    outcome = {}

    def run():
        try:
            connection.set_tenant(Collectivite.objects.get(slug="vie-et-boulogne"))
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
def full_atelier():
    """A matinée next week whose one seat another AM (with her own account) holds; removed afterwards."""
    tag = uuid.uuid4().hex[:8]
    email = f"titulaire-{tag}@vie-et-boulogne.demo"

    def build():
        relais = Relais.objects.order_by("pk").first()
        holder = User.objects.create_user(email=email, password=DEMO_PASSWORD, roles=[Role.ASSISTANT_MATERNEL])
        EmailAddress.objects.create(user=holder, email=email, verified=True, primary=True)
        profile = AssistantMaternelFactory(relais=relais, user=holder, agrement_number=f"TEST-{tag}")
        atelier = AtelierFactory(relais=relais, title=f"Matinée complète {tag}", seats_adults=1, seats_children=4)
        Registration.objects.create(
            atelier=atelier, user=holder, assistant=profile, children=1, status=RegistrationStatus.REGISTERED
        )
        return atelier

    atelier = committed(build)
    yield atelier, email

    def remove():
        registrations = Registration.objects.filter(atelier=atelier)
        OutboxMessage.objects.about(registrations).delete()
        atelier.delete()
        AssistantMaternel.objects.filter(agrement_number__startswith=f"TEST-{email[10:18]}").delete()
        User.objects.filter(email=email).delete()

    committed(remove)


def test_an_am_waits_for_a_full_atelier_and_gets_the_seat_when_another_cancels(
    browser, axe, server_port, full_atelier
):
    atelier, holder_email = full_atelier
    am = browser.new_context(locale="fr-FR").new_page()
    log_in(am, server_port, "am@vie-et-boulogne.demo", host=HOST)
    am.goto(url(server_port, "/ateliers/"))
    axe.check(am)
    am.goto(url(server_port, f"/ateliers/{atelier.pk}/"))
    expect(am.get_by_text("L'atelier est complet")).to_be_visible()
    axe.check(am)
    am.get_by_label("Nombre d'enfants que vous amenez").fill("2")
    am.get_by_role("button", name="M'inscrire").click()
    am.wait_for_url(re.compile(r"/mes-ateliers/$"))
    expect(am.get_by_text("vous êtes sur la liste d'attente")).to_be_visible()
    row = am.get_by_role("row").filter(has_text=atelier.title)
    expect(row).to_contain_text("Liste d'attente")
    axe.check(am)

    holder = browser.new_context(locale="fr-FR").new_page()
    log_in(holder, server_port, holder_email, host=HOST)
    holder.goto(url(server_port, "/mes-ateliers/"))
    holder.get_by_role("row").filter(has_text=atelier.title).get_by_role("button", name=re.compile("Annuler")).click()
    expect(holder.get_by_text("Votre inscription est annulée.")).to_be_visible()
    axe.check(holder)

    am.reload()
    expect(am.get_by_role("row").filter(has_text=atelier.title)).to_contain_text("Inscrite")
    axe.check(am)
    with tenant_context(Collectivite.objects.get(slug="vie-et-boulogne")):
        registration = Registration.objects.get(atelier=atelier, user__email="am@vie-et-boulogne.demo")
        assert registration.status == RegistrationStatus.REGISTERED
        assert OutboxMessage.objects.about(registration).filter(kind="rpe.atelier_promoted").count() == 1
    connection.set_schema_to_public()
    am.context.close()
    holder.context.close()
    axe.assert_clean()


def test_an_animatrice_logs_a_phone_call_in_a_few_clicks(page, axe, server_port):
    note = f"Appel de test {uuid.uuid4().hex[:8]}"
    log_in(page, server_port, "animatrice@vie-et-boulogne.demo", totp=True, host=HOST)
    try:
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Journal des contacts"
        ).click()
        page.wait_for_url(re.compile(r"/relais/contacts/"))
        axe.check(page)
        expect(page.get_by_label("Appel téléphonique")).to_be_checked()
        page.get_by_label("Parent employeur").check()
        page.get_by_label("Thème").select_option(label="congés payés")
        page.get_by_role("textbox", name="Note").fill(note)
        page.get_by_role("button", name="Enregistrer le contact").click()
        expect(page.get_by_text("Contact enregistré.")).to_be_visible()
        expect(page.get_by_role("row").filter(has_text=note)).to_contain_text("Parent employeur")
        axe.check(page)
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Demandes au relais"
        ).click()
        axe.check(page)
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Chiffres des relais"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Chiffres d'activité")
        axe.check(page)
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Ateliers du relais"
        ).click()
        axe.check(page)
        axe.assert_clean()
    finally:
        committed(lambda: ContactLog.objects.filter(note=note).delete())
