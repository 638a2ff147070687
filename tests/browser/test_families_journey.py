"""A family files its request in Chromium; the guichet instructs it. axe-core on every page."""

import re
import uuid

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from families.models import DocumentType
from portal.models import Collectivite
from tests.browser.journeys import log_in, open_from_queue
from tests.families.factories import pdf_bytes

pytestmark = pytest.mark.browser
PASSWORD = "un-mot-de-passe-solide-2026"


def required_pieces():
    with tenant_context(Collectivite.objects.get(slug="metz")):
        return list(DocumentType.objects.filter(required=True, is_active=True).values_list("label", flat=True))


def test_a_parent_files_a_request_and_an_agent_instructs_it_to_complete(page, browser, axe, server_port, tmp_path):
    base = f"http://metz.localhost:{server_port}"
    email = f"famille.{uuid.uuid4().hex[:8]}@exemple.fr"  # the server commits: unique across runs
    page.goto(f"{base}/accounts/signup/")
    axe.check(page)
    page.get_by_label(re.compile(r"^(Courriel|E-mail)")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    axe.check(page)
    link = re.search(r"http://metz\.localhost:\d+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(base + link)
    axe.check(page)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/famille/$"))
    axe.check(page)

    page.get_by_role("link", name="Décrire mon foyer").click()
    axe.check(page)
    page.get_by_label("Prénom", exact=True).first.fill("Awa")
    page.get_by_label("Nom", exact=True).first.fill("Diallo")
    page.get_by_label("Situation professionnelle").first.select_option("emploi")
    page.get_by_label("Adresse", exact=True).fill("5 rue Serpenoise")
    page.get_by_label("Code postal").fill("57000")
    page.get_by_label("Commune de résidence").select_option("57463")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator(".error").all_inner_texts() == []
    page.wait_for_url(re.compile(r"/famille/$"))

    page.get_by_role("link", name="Ajouter un enfant").click()
    axe.check(page)
    page.get_by_label("Prénom", exact=True).fill("Nina")
    page.get_by_label("Nom", exact=True).fill("Diallo")
    page.get_by_label("Date de naissance, ou date prévue").fill("2026-03-10")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/famille/$"))

    page.get_by_role("link", name=re.compile("Faire une demande d'accueil")).click()
    axe.check(page)
    page.get_by_label("Date d'entrée souhaitée").fill("2027-03-01")
    page.get_by_label("lundi : arrivée").fill("08:00")
    page.get_by_label("lundi : départ").fill("17:30")
    page.get_by_label("jeudi : arrivée").fill("08:00")
    page.get_by_label("jeudi : départ").fill("17:30")
    first, second = page.get_by_label("Vœu n° 1"), page.get_by_label("Vœu n° 2")
    options = first.locator("option").all_inner_texts()
    first.select_option(label=options[1])
    second.select_option(label=options[2])
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/famille/demandes/\d+/$"))
    axe.check(page)

    document = tmp_path / "justificatif.pdf"
    document.write_bytes(pdf_bytes())
    for label in required_pieces():
        page.get_by_label("Pièce", exact=True).select_option(label=label)
        page.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)").set_input_files(str(document))
        page.get_by_role("button", name="Ajouter la pièce").click()
        assert page.get_by_text("Pièce ajoutée.").is_visible()
    page.get_by_label(re.compile("J'ai lu la notice")).check()
    page.get_by_role("button", name="Déposer ma demande").click()
    assert page.get_by_text("Déposée", exact=True).is_visible()
    pk = re.search(r"/famille/demandes/(\d+)/", page.url).group(1)
    number = re.search(r"Demande (\w+)", page.get_by_role("heading", level=1).inner_text()).group(1)
    axe.check(page)
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'attestation de dépôt (PDF)").click()
    saved = tmp_path / "attestation.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The guichet instructs it, in another browser context.
    agent = browser.new_context(locale="fr-FR").new_page()
    log_in(agent, server_port, "agent@metz.demo", totp=True)
    agent.wait_for_url(re.compile(r"/espace/agent/$"))
    agent.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Demandes", exact=True
    ).click()
    axe.check(agent)
    open_from_queue(agent, number)
    assert f"/guichet/demandes/{pk}/" in agent.url
    axe.check(agent)
    pieces = agent.locator("section[aria-labelledby=pieces] article")
    for index in range(pieces.count()):
        article = pieces.nth(index)
        article.get_by_label("Valider la pièce").check()
        article.get_by_role("button", name="Enregistrer la vérification").click()
    axe.check(agent)
    agent.get_by_role("button", name="Déclarer la demande complète").click()
    assert agent.locator(".error").all_inner_texts() == []
    assert agent.get_by_text("La demande est complète.").is_visible()
    axe.check(agent)
    page.reload()
    assert page.get_by_text("Complète", exact=True).is_visible()
    axe.assert_clean()
