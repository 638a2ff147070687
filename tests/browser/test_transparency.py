"""The public grid and the administrator's règlement pages in Chromium, with axe-core on every page visited."""

import re

import pytest

from tests.browser.journeys import log_in, url

pytestmark = pytest.mark.browser


def test_anyone_reads_the_grid_in_force_and_its_history(page, axe, server_port):
    page.goto(url(server_port, "metz.localhost", "/transparence/"))
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("cell", name="10 points si la situation est reconnue.").first.is_visible()
    assert page.get_by_text("DCM 2025-42").first.is_visible()
    axe.check(page)
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_url(re.compile(r"/transparence/version-1/$"))
    assert page.get_by_text("Version archivée du règlement").is_visible()
    axe.check(page)
    page.goto(url(server_port, "vie-et-boulogne.localhost", "/transparence/"))
    assert page.get_by_text("Habiter la commune de l'établissement").is_visible()
    axe.check(page)
    axe.assert_clean()


def test_the_administrator_prepares_a_new_version_in_an_accessible_way(page, axe, server_port):
    log_in(page, server_port, "admin@metz.demo", totp=True)
    page.wait_for_url(re.compile(r"/espace/administration/$"))
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Règlement d'attribution"
    ).click()
    page.wait_for_url(re.compile(r"/gestion/reglement/$"))
    axe.check(page)

    page.get_by_role("link", name="Version 2").click()
    assert page.get_by_text("adoptée, en vigueur").is_visible()
    axe.check(page)

    # A copy of the version in force (the form's default starting point), then a new criterion.
    page.goto(url(server_port, "metz.localhost", "/gestion/reglement/"))
    page.get_by_label("Titre").fill("Révision (essai navigateur)")
    page.get_by_role("button", name="Créer le projet").click()
    page.wait_for_url(re.compile(r"/gestion/reglement/\d+/$"))
    draft_url = page.url
    assert page.get_by_text("projet modifiable").first.is_visible()
    axe.check(page)

    page.get_by_label("Type de critère").select_option("bands")
    page.get_by_role("button", name="Ajouter un critère").click()
    page.wait_for_url(re.compile(r"/criteres/nouveau/\?kind=bands"))
    axe.check(page)
    page.get_by_label("Code", exact=True).fill("anciennete-tranches")
    page.get_by_label("Libellé", exact=True).fill("Ancienneté par tranches")
    page.get_by_label("Mesure découpée en tranches").select_option("months_waiting")
    page.get_by_label("Tranche 1 : à partir de").fill("12")
    page.get_by_label("Tranche 2 : à partir de").fill("6")
    page.get_by_label("Tranche 2 : points").fill("1")
    page.get_by_role("button", name="Enregistrer le critère").click()
    assert page.get_by_text("Indiquez la borne basse et les points de cette tranche").is_visible()
    axe.check(page)

    page.goto(draft_url + "adopter/")
    axe.check(page)
    page.goto(draft_url + "supprimer/")
    axe.check(page)
    page.get_by_role("button", name="Supprimer le projet").click()
    page.wait_for_url(re.compile(r"/gestion/reglement/$"))
    assert page.get_by_text("Révision (essai navigateur)").count() == 0

    page.goto(url(server_port, "metz.localhost", "/gestion/places-reservees/"))
    axe.check(page)
    axe.assert_clean()
