"""An élu reads the observatoire in Chromium, with axe-core on every page visited: the dashboard, a filter by
commune, the table under a chart, the XLSX of every table and the annual report."""

import io
import re
import time

import openpyxl
import pytest

from tests.browser.journeys import log_in, url

pytestmark = pytest.mark.browser


def test_an_elu_filters_the_dashboard_reads_a_table_and_downloads_the_xlsx_and_the_report(page, axe, server_port):
    log_in(page, server_port, "elu@metz.demo", totp=True)
    page.wait_for_url(re.compile(r"/espace/elu/$"))
    assert page.get_by_role("heading", name=re.compile("Chiffres clés")).is_visible()
    axe.check(page)

    page.get_by_role("link", name="Tableau de bord de l'observatoire").click()
    page.wait_for_url(re.compile(r"/observatoire/"))
    assert page.get_by_role("heading", level=1, name=re.compile("Observatoire de la petite enfance")).is_visible()
    axe.check(page)

    page.get_by_label("Commune", exact=True).select_option(label="Metz")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"commune=57463"))
    # The chart is a view of its table: the table under it says the same, as text.
    table = page.locator("#table-territory")
    assert table.get_by_role("rowheader", name="Metz").is_visible()
    assert table.get_by_role("rowheader", name="Territoire").is_visible()
    assert page.locator("svg[role=img]").first.is_visible()
    axe.check(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger tous les tableaux (XLSX)").click()
    with open(download.value.path(), "rb") as file:
        book = openpyxl.load_workbook(io.BytesIO(file.read()))
    assert len(book.sheetnames) >= 12

    report = page.get_by_role("link", name=re.compile(r"Rapport annuel \d{4} \(PDF\)")).first.get_attribute("href")
    # The report is built by the worker: 503 with Retry-After while it builds, then the PDF.
    fetch = """async (address) => {
        const response = await fetch(address);
        const bytes = new Uint8Array(await response.arrayBuffer());
        return [response.status, response.headers.get("Retry-After"), String.fromCharCode(...bytes.slice(0, 4))];
    }"""
    for _attempt in range(30):
        status, retry_after, start = page.evaluate(fetch, report)
        if status != 503:
            break
        assert retry_after
        time.sleep(1)
    assert (status, start) == (200, "%PDF")
    axe.assert_clean()


def test_the_administrator_s_and_the_director_s_observatoire_pages_are_accessible(page, axe, server_port):
    log_in(page, server_port, "admin@metz.demo", totp=True)
    page.wait_for_url(re.compile(r"/espace/administration/$"))
    for path in (
        "/observatoire/rapport/",
        "/observatoire/population/",
        "/observatoire/guide/",
        "/observatoire/partage/",
    ):
        page.goto(url(server_port, "metz.localhost", path))
        assert page.get_by_role("heading", level=1).count() == 1
        axe.check(page)
    page.goto(url(server_port, "metz.localhost", "/observatoire/rapport/"))
    page.get_by_label("Le taux de couverture").fill("La couverture progresse.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert page.get_by_text("Commentaires enregistrés.").is_visible()
    axe.check(page)
    page.context.clear_cookies()
    log_in(page, server_port, "directrice@metz.demo", totp=True)
    page.wait_for_url(re.compile(r"/espace/etablissement/$"))
    page.goto(url(server_port, "metz.localhost", "/gestion/accueils/"))
    assert page.get_by_role("heading", level=1, name="Arrivées et départs des enfants").is_visible()
    axe.check(page)
    axe.assert_clean()
