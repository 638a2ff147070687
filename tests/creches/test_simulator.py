"""The fee simulator page: a GET form that works without JavaScript, enhanced by an HTMX fragment."""

import html

import pytest

from tests.utils import client_for

QUERY = {
    "annual_resources": "36000",
    "children": "2",
    "aeeh_children": "0",
    "hours_per_week": "40",
    "weeks_per_year": "45",
    "hourly_wage": "4.50",
    "start_date": "2025-10-01",
}
RESULT_OPENING = '<div id="resultat-simulation" aria-live="polite">'


def full_page_fragment(page):
    return page.split(RESULT_OPENING, 1)[1]


def text(response):
    return html.unescape(response.content.decode()).replace("\u00a0", " ")


def test_the_simulator_shows_both_costs_with_their_formula(metz):
    response = client_for(metz).get("/simulateur/", QUERY)
    page = text(response)
    assert response.status_code == 200
    assert "232,50 € par mois (1,55 € de l'heure)" in page
    assert "Tarif horaire : 3 000 € × 0,0516 % = 1,55 € de l'heure." in page
    assert "Coût mensuel : 1,55 € × 150 h = 232,50 € par mois." in page
    # 1 − 1,55 ÷ 4,85 = 68,04 %; 4,50 € × 150 h = 675 €; CMG 675 × 0,6804 = 459,27 €; 215,73 € left to pay.
    assert "215,73 € par mois à votre charge, après 459,27 € de CMG" in page
    assert "CMG : 675 € × 68,04 % = 459,27 € par mois." in page
    assert "Reste à payer : 675 € − 459,27 € = 215,73 € par mois, avant crédit d'impôt." in page
    assert "version en vigueur depuis le 1er septembre 2025" in page


def test_without_a_wage_only_the_creche_cost_is_computed(metz):
    query = {**QUERY, "hourly_wage": ""}
    response = client_for(metz).get("/simulateur/", query)
    assert response.context["psu"] is not None
    assert "cmg" not in response.context
    assert "Indiquez le salaire horaire" in response.content.decode()


def test_the_empty_form_shows_no_result_and_no_error(metz):
    page = text(client_for(metz).get("/simulateur/"))
    assert "Estimation" not in page
    assert "Le calcul n'a pas pu être fait" not in page


def test_bad_input_gets_a_french_message(metz):
    response = client_for(metz).get("/simulateur/", {**QUERY, "children": "0", "annual_resources": "abc"})
    page = text(response)
    assert "Le calcul n'a pas pu être fait" in page
    assert "Saisissez un nombre." in page
    assert "supérieure ou égale à 1" in page


def test_a_date_before_any_scale_says_so(metz):
    response = client_for(metz).get("/simulateur/", {**QUERY, "start_date": "2020-01-01"})
    assert "Aucun barème n'est en vigueur au 1er janvier 2020" in text(response)


@pytest.mark.parametrize(
    "query",
    [QUERY, {**QUERY, "hourly_wage": ""}, {**QUERY, "children": "x"}, {**QUERY, "start_date": "2020-01-01"}],
)
def test_the_htmx_fragment_equals_the_fragment_in_the_full_page(metz, query):
    client = client_for(metz)
    fragment = client.get("/simulateur/", query, HTTP_HX_REQUEST="true").content.decode()
    page = client.get("/simulateur/", query).content.decode()
    assert "<html" not in fragment
    assert fragment.strip()
    assert full_page_fragment(page).strip().startswith(fragment.strip())


def test_an_htmx_history_restore_gets_the_full_page(metz):
    response = client_for(metz).get(
        "/simulateur/", QUERY, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_the_form_works_without_javascript_and_is_enhanced_by_htmx(metz):
    page = client_for(metz).get("/simulateur/").content.decode()
    assert 'method="get"' in page
    assert 'hx-get="/simulateur/"' in page
    assert 'hx-target="#resultat-simulation"' in page
    for name in QUERY:
        assert f'<label for="id_{name}">' in page, name


def test_the_simulator_estimates_a_paje_micro_creche_with_the_cmg_deducted(vie_et_boulogne):
    query = {**QUERY, "children": "1", "annual_resources": "40000", "paje_hourly_rate": "9.50"}
    page = text(client_for(vie_et_boulogne).get("/simulateur/", query))
    assert "En micro-crèche PAJE (CMG déduit)" in page
    assert "626,12 € par mois à votre charge, après 798,88 € de CMG" in page
    assert "Coût mensuel : 9,50 € × 150 h = 1 425 €." in page
