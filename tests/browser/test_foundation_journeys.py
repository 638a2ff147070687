"""Journeys of the foundation in Chromium, with axe-core on every page visited."""

import re

import pytest

from portal.demo import DEMO_TOTP_SECRET
from tests.browser.journeys import submit_login, url
from tests.utils import totp_now

pytestmark = pytest.mark.browser


def log_in_from_the_banner(page, axe, port, email):
    page.goto(url(port, "metz.localhost"))
    axe.check(page)
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    axe.check(page)
    submit_login(page, email)


def test_a_parent_logs_in_and_lands_on_the_family_home(page, axe, server_port):
    log_in_from_the_banner(page, axe, server_port, "parent@metz.demo")
    page.wait_for_url(re.compile(r"/famille/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Espace famille"
    assert page.get_by_text("toutes les données de ce site sont fictives").is_visible()
    axe.check(page)
    page.get_by_role("link", name="Mon compte").click()
    axe.check(page)
    axe.assert_clean()


def test_an_agent_logs_in_with_totp_and_lands_on_the_agent_home(page, axe, server_port):
    log_in_from_the_banner(page, axe, server_port, "agent@metz.demo")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    axe.check(page)
    page.get_by_label("Code").fill(totp_now(DEMO_TOTP_SECRET))
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/espace/agent/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Espace agent petite enfance"
    axe.check(page)
    axe.assert_clean()


def test_an_administrator_manages_users_in_an_accessible_way(page, axe, server_port):
    log_in_from_the_banner(page, axe, server_port, "admin@metz.demo")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill(totp_now(DEMO_TOTP_SECRET))
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/espace/administration/$"))
    axe.check(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Utilisateurs et rôles"
    ).click()
    axe.check(page)
    page.get_by_role("link", name="Inviter un·e collègue").click()
    axe.check(page)
    page.get_by_role("button", name="Envoyer l'invitation").click()  # empty: errors shown
    assert page.get_by_text("Choisissez au moins un rôle.").is_visible()
    axe.check(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Règles du guichet").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Règles du guichet"
    axe.check(page)
    axe.assert_clean()


def test_public_pages_pass_axe_in_french_and_english(page, axe, server_port):
    page.goto(url(server_port, "localhost"))
    axe.check(page)
    page.goto(url(server_port, "vie-et-boulogne.localhost"))
    axe.check(page)
    page.goto(url(server_port, "vie-et-boulogne.localhost", "/accounts/signup/"))
    axe.check(page)
    page.goto(url(server_port, "vie-et-boulogne.localhost", "/nulle-part/"))
    axe.check(page)
    page.goto(url(server_port, "vie-et-boulogne.localhost"))
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    assert page.locator("html").get_attribute("lang") == "en"
    axe.check(page)
    axe.assert_clean()


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page, server_port):
    page.goto(url(server_port, "metz.localhost"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_a_parent_who_reads_in_english_gets_the_portal_s_emails_in_english(page, axe, server_port):
    from django.db import connection
    from django_tenants.utils import tenant_context

    from portal.accounts.models import User
    from portal.models import Collectivite

    def stored_language():
        with tenant_context(Collectivite.objects.get(slug="metz")):
            language = User.objects.get(email="parent@metz.demo").language
        connection.set_schema_to_public()
        return language

    log_in_from_the_banner(page, axe, server_port, "parent@metz.demo")
    page.wait_for_url(re.compile(r"/famille/$"))
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Langue").select_option("en")
    footer.get_by_role("button", name="Changer").click()
    page.wait_for_url(re.compile(r"/famille/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    axe.check(page)
    assert stored_language() == "en"  # written by the server, committed: the emails will follow
    footer.get_by_label("Language").select_option("fr")
    footer.get_by_role("button", name="Change").click()
    page.wait_for_url(re.compile(r"/famille/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert stored_language() == "fr"
    axe.assert_clean()
