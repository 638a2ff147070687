"""On a 375 × 812 phone, no public page and no family page scrolls sideways; axe finds nothing on any."""

import re
import uuid

import pytest
from django.core import mail

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
PASSWORD = "un-mot-de-passe-solide"
HOST = "vie-et-boulogne.localhost"


@pytest.fixture
def phone(browser, db):
    context = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def assert_fits(page):
    # A phone zooms out on a page wider than itself: innerWidth then grows past 375 px too.
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width == PHONE["width"], f"{page.url}: {scroll_width} px in a {inner_width} px window"


def visit(page, axe, url):
    page.goto(url)
    page.wait_for_load_state("load")
    assert_fits(page)
    axe.check(page)


def test_every_public_page_fits_a_phone(phone, axe, server_port):
    base = f"http://{HOST}:{server_port}"
    visit(phone, axe, base + "/")
    phone.get_by_role("link", name="Palluau", exact=True).click()
    phone.wait_for_url(re.compile(r"/creches/\?commune=Palluau$"))
    assert "Voici les plus proches" in phone.get_by_role("status").inner_text()
    assert_fits(phone)
    axe.check(phone)

    phone.locator(".card__title a").first.click()
    phone.wait_for_url(re.compile(r"/creches/[\w-]+/$"))
    assert_fits(phone)
    axe.check(phone)

    visit(phone, axe, base + "/creches/micro-creche-les-petits-mousses-aizenay/")
    assert phone.get_by_role("heading", name="Tarif").is_visible()
    assert phone.get_by_role("link", name=re.compile(r"^\d{2} ")).get_attribute("href").startswith("tel:+33")

    visit(phone, axe, base + "/creches/carte/")
    # No tile server: the territory's fifteen communes are drawn, labelled, under the pins.
    phone.locator("#carte .map-commune").nth(14).wait_for()
    assert phone.locator("#carte .map-commune").count() == 15
    assert phone.locator("#carte .leaflet-tile").count() == 0
    assert_fits(phone)
    axe.check(phone)

    visit(
        phone,
        axe,
        base + "/simulateur/?annual_resources=30000&children=1&hours_per_week=40&weeks_per_year=45"
        "&paje_hourly_rate=9.50",
    )
    assert phone.get_by_role("heading", name="En micro-crèche PAJE (CMG déduit)").is_visible()
    visit(phone, axe, base + "/parcours/")
    visit(phone, axe, base + "/transparence/")
    axe.assert_clean()


def test_the_family_space_fits_a_phone_even_with_a_long_address(phone, axe, server_port):
    base = f"http://{HOST}:{server_port}"
    email = f"une.adresse.vraiment.tres.longue.{uuid.uuid4().hex[:8]}@un-domaine-de-messagerie-familial.fr"
    phone.goto(base + "/accounts/signup/")
    assert_fits(phone)
    axe.check(phone)
    phone.get_by_label(re.compile(r"^(Courriel|E-mail)")).fill(email)
    phone.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill(PASSWORD)
    phone.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill(PASSWORD)
    phone.get_by_role("button", name="Créer mon compte").click()
    phone.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    assert "c'est Vie et Boulogne (démo) !" in message.body
    link = re.search(rf"http://vie-et-boulogne\.localhost:{server_port}(/accounts/confirm-email/\S+)", message.body)
    phone.goto(base + link.group(1))
    assert_fits(phone)
    axe.check(phone)
    phone.get_by_role("button", name="Confirmer mon adresse").click()
    phone.wait_for_url(re.compile(r"/famille/$"))
    assert email not in phone.locator(".lead").inner_text()
    assert_fits(phone)
    axe.check(phone)
    axe.assert_clean()
