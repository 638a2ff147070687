"""The service creates a commission session and a member opens it, in Chromium, with axe-core on every page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journeys import log_in

pytestmark = pytest.mark.browser


def test_the_agent_creates_a_session_and_its_pages_are_accessible(page, axe, server_port):
    log_in(page, server_port, "agent@metz.demo", totp=True)
    page.wait_for_url(re.compile(r"/espace/agent/$"))
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Commissions d'attribution"
    ).click()
    page.wait_for_url(re.compile(r"/gestion/commissions/$"))
    axe.check(page)
    today = timezone.localdate()
    page.get_by_label("Intitulé").fill("Commission (essai navigateur)")
    page.get_by_label("Date de la commission").fill(today.isoformat())
    page.get_by_label("Places qui s'ouvrent jusqu'au").fill(today.replace(year=today.year + 1).isoformat())
    page.get_by_label("Présidence").select_option(index=1)
    page.get_by_role("button", name="Créer la commission").click()
    page.wait_for_url(re.compile(r"/gestion/commissions/\d+/$"))
    expect(page.get_by_role("heading", level=1, name="Commission (essai navigateur)")).to_be_visible()
    page.get_by_role("link", name=re.compile("Préparer")).click()
    expect(page.get_by_role("heading", name="Places laissées de côté, et pourquoi")).to_be_visible()
    axe.check(page)
    axe.check(page)
    axe.assert_clean()
