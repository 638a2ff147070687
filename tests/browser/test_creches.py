"""Journeys through the offer of collective care in Chromium, with axe-core on every page visited."""

import datetime
import re

import pytest

from tests.browser.journeys import log_in

pytestmark = pytest.mark.browser


def url(port, path="/", host="metz.localhost"):
    return f"http://{host}:{port}{path}"


def test_a_visitor_finds_a_creche_sees_it_on_the_map_and_estimates_the_cost(page, axe, server_port):
    page.goto(url(server_port))
    page.get_by_role("link", name="Les crèches du territoire").click()
    page.wait_for_url(re.compile(r"/creches/$"))
    axe.check(page)

    page.get_by_label("Type d'établissement").select_option("micro_creche_paje")
    page.get_by_label("Âge de l'enfant (en mois)").fill("10")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"type=micro_creche_paje"))
    assert page.get_by_role("status").inner_text().strip() == "3 établissements"
    axe.check(page)

    page.get_by_role("link", name="Micro-crèche Chrysalide").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Micro-crèche Chrysalide"
    assert page.get_by_role("table", name="Sections par âge").is_visible()
    page.locator("#carte-etablissement .leaflet-marker-icon").first.wait_for()
    axe.check(page)

    page.get_by_role("link", name="Voir tous les établissements sur la carte").click()
    page.wait_for_url(re.compile(r"/creches/carte/$"))
    page.locator("#carte .leaflet-marker-icon").nth(23).wait_for()
    # Every mode is on the map: the 24 établissements, then the AM counted per commune and the MAM.
    am_communes = page.get_by_role("table", name="Assistant·es maternel·les agréé·es par commune").locator("tbody tr")
    mams = page.locator("section[aria-labelledby='liste-individuel'] ul li")
    assert page.locator("#carte .leaflet-marker-icon").count() == 24 + am_communes.count() + mams.count()
    assert page.get_by_role("table", name="24 établissements").locator("tbody tr").count() == 24
    axe.check(page)

    page.goto(url(server_port, "/simulateur/"))
    axe.check(page)
    page.get_by_label("Ressources annuelles du foyer (année N-2, en euros)").fill("36000")
    page.get_by_label("Nombre d'enfants à charge").fill("2")
    page.get_by_label("Heures d'accueil par semaine").fill("40")
    page.get_by_label("Semaines d'accueil par an").fill("45")
    page.get_by_label("Salaire horaire net de l'assistant·e maternel·le (en euros, facultatif)").fill("4.50")
    page.get_by_role("button", name="Calculer").click()
    result = page.locator("#resultat-simulation")
    result.get_by_role("heading", name="Estimation").wait_for()
    assert "232,50\u00a0€ par mois" in result.inner_text()
    assert "3\u00a0000\u00a0€ × 0,0516\u00a0% = 1,55\u00a0€ de l'heure" in result.inner_text()
    # HTMX pushed the query: a reload shows the same result without JavaScript's help.
    assert "annual_resources=36000" in page.url
    axe.check(page)
    axe.assert_clean()


def test_the_catalogue_and_simulator_work_without_javascript(browser, server_port):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(url(server_port, "/simulateur/", host="vie-et-boulogne.localhost"))
    page.get_by_label("Ressources annuelles du foyer (année N-2, en euros)").fill("6000")
    page.get_by_label("Nombre d'enfants à charge").fill("1")
    page.get_by_role("button", name="Calculer").click()
    assert "801\u00a0€ × 0,0619\u00a0% = 0,50\u00a0€ de l'heure" in page.locator("#resultat-simulation").inner_text()
    page.goto(url(server_port, "/creches/carte/", host="vie-et-boulogne.localhost"))
    assert page.get_by_role("table", name="14 établissements").locator("tbody tr").count() == 14
    context.close()


def test_a_director_declares_places_for_her_establishment(page, axe, server_port):
    log_in(page, server_port, "directrice@metz.demo", totp=True)
    page.wait_for_url(re.compile(r"/espace/etablissement/$"))

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Places qui s'ouvrent"
    ).click()
    page.wait_for_url(re.compile(r"/gestion/places/$"))
    axe.check(page)
    page.get_by_role("link", name="Déclarer des places — Multi-accueil Les Coccinelles").click()
    axe.check(page)

    page.get_by_role("button", name="Déclarer ces places").click()  # empty: errors shown
    assert page.get_by_text("Ce champ est obligatoire.").first.is_visible()
    axe.check(page)

    page.get_by_label("Section").select_option(label="Moyens (18 à 30 mois, 22 places)")
    page.get_by_label("Nombre de places").fill("2")
    start = datetime.date.today() + datetime.timedelta(days=60)
    page.get_by_label("Disponibles à partir du").fill(start.isoformat())
    page.get_by_label("Précision").fill("Passage à l'école en septembre")
    page.get_by_role("button", name="Déclarer ces places").click()
    assert page.get_by_role("status").get_by_text("2 place(s) déclarée(s) en « Moyens »").is_visible()
    assert page.get_by_role("cell", name="Passage à l'école en septembre").first.is_visible()
    axe.check(page)
    axe.assert_clean()


def test_an_agent_manages_establishments_and_imports_in_an_accessible_way(page, axe, server_port):
    log_in(page, server_port, "agent@metz.demo", totp=True)
    page.wait_for_url(re.compile(r"/espace/agent/$"))

    navigation = page.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Établissements", exact=True).click()
    page.wait_for_url(re.compile(r"/gestion/etablissements/$"))
    axe.check(page)
    page.get_by_role("link", name="Modifier — Crèche La Maison des Doudous").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Modifier Crèche La Maison des Doudous"
    axe.check(page)
    page.get_by_label("Places réservées aux familles en parcours d'insertion").fill("0")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Au moins 2 place(s) doivent être réservées").is_visible()
    axe.check(page)

    navigation.get_by_role("link", name="Import des établissements").click()
    axe.check(page)
    page.get_by_label("Fichier des établissements (CSV ou XLSX)").set_input_files(
        files=[
            {"name": "etablissements.csv", "mimeType": "text/csv", "buffer": b"identifiant,nom,capacite\nx,X,abc\n"}
        ]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    assert page.get_by_role("table", name="Problèmes par ligne (la ligne 1 porte les noms de colonnes)").is_visible()
    axe.check(page)
    axe.assert_clean()
