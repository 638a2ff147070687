"""A family finds an assistant maternel by address (map and list) and writes to her; an animatrice moderates a
job offer and records a solution for a family a commission left without a place. axe-core on every page."""

import datetime
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal.accounts.models import User
from portal.models import Collectivite
from rpe import offers
from rpe.enums_offers import FollowUpOutcome, JobOfferStatus
from rpe.models import ContactRequest, FollowUp, JobOffer, Relais
from tests.browser.journeys import log_in

pytestmark = pytest.mark.browser


def url(port, path=""):
    return f"http://metz.localhost:{port}{path}"


def test_a_family_searches_by_address_sees_an_am_on_the_map_and_the_list_and_writes_to_her(page, axe, server_port):
    # The server commits: a request left open by an earlier run would (rightly) refuse a second one.
    with tenant_context(Collectivite.objects.get(slug="metz")):
        ContactRequest.objects.filter(author__email="parent2@metz.demo").delete()
    log_in(page, server_port, "parent2@metz.demo")
    page.goto(url(server_port, "/assistants-maternels/"))
    axe.check(page)
    page.get_by_label("Ou près d'une adresse").fill("12 rue Serpenoise, Metz")
    page.get_by_label("Distance maximale").select_option("10")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"address="))
    assert page.get_by_text("Distance mesurée depuis : Metz.").is_visible()
    # The same AM on the map (a marker per AM) and in the list beside it.
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-marker-icon").count() >= 1
    cards = page.locator("#liste-am ~ ul .card__title a")
    assert cards.count() >= 1
    axe.check(page)
    name = cards.first.inner_text()
    cards.first.click()
    page.wait_for_url(re.compile(r"/assistants-maternels/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    axe.check(page)
    # The small map appears once drawn (hidden without JavaScript): let the page settle before typing.
    page.locator(".leaflet-marker-icon").first.wait_for()
    page.get_by_label("Votre message").fill("Bonjour, nous cherchons un accueil à partir de mars.")
    page.get_by_role("button", name="Envoyer la demande de contact").click()
    page.wait_for_url(re.compile(r"/famille/assistants-maternels/contacts/$"))
    assert page.get_by_text("Votre demande de contact est envoyée").is_visible()
    assert page.get_by_text("nous cherchons un accueil à partir de mars").is_visible()
    axe.check(page)
    axe.assert_clean()
    with tenant_context(Collectivite.objects.get(slug="metz")):
        assert ContactRequest.objects.filter(
            author__email="parent2@metz.demo", message__contains="à partir de mars"
        ).exists()


def test_an_animatrice_moderates_a_job_offer_and_records_a_solution_for_a_family(page, axe, server_port):
    # A fresh offer waiting for the relais (the server commits: earlier runs published the demo's).
    with tenant_context(Collectivite.objects.get(slug="metz")):
        animatrice = User.objects.get(email="animatrice@metz.demo")
        relais = Relais.objects.filter(memberships__user=animatrice).first()
        offers.job_offer_create(
            author=User.objects.get(email="parent@metz.demo"),
            code_insee=relais.communes[0],
            start_date=timezone.localdate() + datetime.timedelta(days=45),
            child_age_months=8,
            half_days=["mon_am", "tue_am"],
        )
    log_in(page, server_port, "animatrice@metz.demo", totp=True)
    page.goto(url(server_port, "/relais/annonces/"))
    axe.check(page)
    page.locator("#a-valider ~ ul a").first.click()
    page.wait_for_url(re.compile(r"/relais/annonces/\d+/$"))
    offer_id = int(re.search(r"/relais/annonces/(\d+)/", page.url).group(1))
    axe.check(page)
    page.get_by_label("Refuser l'annonce").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_text("Indiquez le motif du refus").first.is_visible()
    axe.check(page)
    page.get_by_label("Publier l'annonce").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url(re.compile(r"/relais/annonces/$"))
    assert page.get_by_text("Annonce publiée").is_visible()

    page.goto(url(server_port, "/relais/familles-sans-solution/"))
    axe.check(page)
    page.locator("table tbody th a").first.click()
    page.wait_for_url(re.compile(r"/relais/familles-sans-solution/\d+/$"))
    followup_id = int(re.search(r"/familles-sans-solution/(\d+)/", page.url).group(1))
    axe.check(page)
    page.get_by_label("Nature du contact").select_option(label="appel")
    page.get_by_label("Situation de la famille après ce contact").select_option(
        label="assistant·e maternel·le trouvé·e"
    )
    page.get_by_label("Ce qui a été dit ou convenu").fill("La famille a signé un contrat.")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/relais/familles-sans-solution/\d+/$"))
    assert page.get_by_text("Contact enregistré").is_visible()
    assert page.get_by_text("La famille a signé un contrat.").is_visible()
    axe.check(page)
    axe.assert_clean()
    with tenant_context(Collectivite.objects.get(slug="metz")):
        assert JobOffer.objects.get(pk=offer_id).status == JobOfferStatus.PUBLISHED
        assert FollowUp.objects.get(pk=followup_id).outcome == FollowUpOutcome.AM_FOUND
