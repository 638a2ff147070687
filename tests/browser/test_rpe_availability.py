"""An assistant maternel keeps her availability true: she declares it, then confirms it by the reminder's link."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal.models import Collectivite
from rpe.campaigns import next_deadline
from rpe.enums import AvailabilityStatus, HalfDay
from rpe.models import AssistantMaternel
from rpe.notifications import unchanged_token
from tests.browser.journeys import log_in

pytestmark = pytest.mark.browser

HOST = "metz.localhost"


def url(port, path="/"):
    return f"http://{HOST}:{port}{path}"


def test_an_am_updates_her_availability_then_confirms_by_the_one_click_link(page, axe, server_port):
    metz = Collectivite.objects.get(slug="metz")
    with tenant_context(metz):
        am = AssistantMaternel.objects.get(user__email="am@metz.demo")
        first_place = am.places.order_by("pk").first()
    connection.set_schema_to_public()
    prefix = f"#id_place-{first_place.pk}"
    # Radios and checkboxes are found by name and value: their labels repeat for every agrément place.
    start = (timezone.localdate() + datetime.timedelta(days=45)).isoformat()

    log_in(page, server_port, "am@metz.demo", axe=axe)
    page.wait_for_url(re.compile(r"/espace/assistant-maternel/$"))
    axe.check(page)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes disponibilités").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mes disponibilités"
    axe.check(page)
    page.locator(f"input[name='place-{first_place.pk}-status'][value='{AvailabilityStatus.FROM_DATE}']").check()
    page.locator(f"{prefix}-available_from").fill(start)
    page.locator(f"{prefix}-count").fill("2")
    for half_day in (HalfDay.MON_AM, HalfDay.TUE_AM, HalfDay.THU_AM, HalfDay.THU_PM):
        page.locator(f"input[name='place-{first_place.pk}-half_days'][value='{half_day}']").check()
    page.get_by_role("button", name="Enregistrer mes disponibilités").click()
    page.wait_for_url(re.compile(r"/assistant-maternel/disponibilites/$"))
    assert page.get_by_text("Disponibilités enregistrées.").is_visible()
    axe.check(page)

    page.get_by_role("link", name="Mon profil").first.click()
    axe.check(page)
    page.get_by_role("link", name="Voir ce que les familles voient de moi").click()
    assert page.get_by_text("jeudi après-midi").is_visible()
    axe.check(page)
    page.locator("header").get_by_role("button", name="Se déconnecter").click()

    # The reminder's link, as the outbox writes it: no login needed.
    with tenant_context(metz):
        am.refresh_from_db()
        link = f"/disponibilites/rien-n-a-change/{unchanged_token(am, next_deadline(timezone.localdate()))}/"
    connection.set_schema_to_public()
    page.goto(url(server_port, link))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmer mes disponibilités"
    axe.check(page)
    page.get_by_role("button", name="Confirmer : rien n'a changé").click()
    assert page.get_by_text("vos disponibilités sont confirmées").is_visible()
    axe.check(page)

    page.goto(url(server_port, link))  # used: refused, nothing changes
    assert page.get_by_text("Ce lien a déjà servi").is_visible()
    axe.check(page)
    axe.assert_clean()
