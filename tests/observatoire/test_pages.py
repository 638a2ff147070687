"""The observatoire's pages, exports and API: the same published figures everywhere, secrecy included; élus get
aggregates only."""

import io
import re

import openpyxl
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.urls import get_resolver
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions.enums import OfferStatus
from commissions.models import Offer
from families.enums import ApplicationStatus
from observatoire.enums import DepartureReason
from observatoire.models import Stay
from portal.accounts.roles import Role
from tests.observatoire.factories import hand_computed_world, territory
from tests.portal.test_roles import walk
from tests.utils import client_for, demo_user, user_in

YEAR = timezone.localdate().year


def staff(collectivite, role, email):
    user = user_in(collectivite, email=email, roles=[role])
    with tenant_context(collectivite):
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    connection.set_schema_to_public()
    return user


@pytest.fixture
def world(alpha):
    territory(alpha)
    alpha.save(update_fields=["communes"])
    with tenant_context(alpha):
        hand_computed_world()
    connection.set_schema_to_public()
    return alpha


@pytest.fixture
def elu(world):
    return client_for(world, staff(world, Role.ELU, "elu-obs@alpha.test"))


def test_the_dashboard_draws_each_chart_over_its_table_and_says_when_it_was_computed(elu):
    response = elu.get("/observatoire/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 5
    assert html.count("<table") >= 12
    assert "calculé le" in html
    assert "pl_eaje" in html and "pl_gad_ind" in html  # the coverage terms are stated
    assert "30,5" in html  # Nantes' coverage rate


def test_filtering_by_commune_keeps_its_row_and_the_territory_total(elu):
    html = elu.get("/observatoire/", {"commune": "44109", "annee": YEAR}).content.decode()
    territory_table = html.split('id="table-territory"')[1].split("</table>")[0]
    assert "Nantes" in territory_table and "Rezé" not in territory_table
    assert "Territoire" in territory_table


def test_a_bad_filter_falls_back_to_the_whole_territory(elu):
    assert elu.get("/observatoire/", {"commune": "99999", "annee": "abc"}).status_code == 200


def territory_rows_from_csv(content):
    lines = content.decode().splitlines()
    return {line.split(",")[0]: line.split(",") for line in lines}


def test_csv_and_xlsx_carry_the_same_secrecy_as_the_page(elu):
    csv = elu.get("/observatoire/export/territory.csv", {"annee": YEAR})
    assert csv.status_code == 200
    rows = territory_rows_from_csv(csv.content)
    header = rows["Commune"]
    filed = header.index("Demandes déposées dans l'année")
    assert rows["Rezé"][filed] == "s"
    # Nantes' 10 or the total of 13 is hidden too: 3 cannot be recomputed.
    assert "s" in (rows["Nantes"][filed], rows["Territoire"][filed])
    xlsx = elu.get("/observatoire/export/territory.xlsx", {"annee": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert values["Rezé"][filed] == "s"
    book = elu.get("/observatoire/export/tout.xlsx", {"annee": YEAR})
    assert len(openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames) >= 12


def test_the_api_follows_the_contract_with_nulls_for_secret_cells(elu):
    response = elu.get("/api/v1/observatoire/indicateurs/", {"year": YEAR})
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == YEAR
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", data["generated_at"])
    assert data["territory"]["children_under_3"] == 300
    assert data["territory"]["coverage_rate"] == 28.3
    reze = next(c for c in data["communes"] if c["code_insee"] == "44143")
    assert reze["name"] == "Rezé"
    assert reze["places_eaje"] == 20 and reze["places_am"] == 4 and reze["coverage_rate"] == 24.0
    assert reze["requests_filed"] is None
    assert ["44143", "requests_filed"] in data["suppressed"]
    for code, key in data["suppressed"]:
        if code != "territory":
            commune = next(c for c in data["communes"] if c["code_insee"] == code)
            assert commune[key] is None


def test_the_api_refuses_a_bad_year_in_french(elu):
    response = elu.get("/api/v1/observatoire/indicateurs/", {"year": "1850"})
    assert response.status_code == 400
    assert "Indiquez une année" in response.json()["year"][0]


@pytest.mark.parametrize("local_part", ["parent", "am", "animatrice", "directrice", "commission"])
def test_only_elus_agents_and_administrators_read_the_indicators(metz, local_part):
    client = client_for(metz, demo_user(metz, local_part))
    assert client.get("/api/v1/observatoire/indicateurs/").status_code == 403
    assert client.get("/observatoire/").status_code == 403
    assert client.get(f"/observatoire/rapport-{YEAR}.pdf").status_code == 403


def test_anonymous_visitors_get_403_from_the_api(metz):
    assert client_for(metz).get("/api/v1/observatoire/indicateurs/").status_code == 403


@pytest.mark.parametrize("local_part", ["agent", "admin"])
def test_agents_and_administrators_see_the_same_aggregates_as_elus(metz, local_part):
    elu = client_for(metz, demo_user(metz, "elu")).get("/api/v1/observatoire/indicateurs/").json()
    other = client_for(metz, demo_user(metz, local_part)).get("/api/v1/observatoire/indicateurs/").json()
    assert other["communes"] == elu["communes"] and other["suppressed"] == elu["suppressed"]


# Routes that show a family, a child, a dossier or a person: an élu gets 403 on every one.
NOMINATIVE = re.compile(
    r"^(famille/|guichet/|gestion/(admissions|accueils|propositions|commissions/<int:pk>/dossiers)|"
    r"api/v1/(demandes|guichet)/|espace/administration/utilisateurs/|compte/)"
)


def test_an_elu_gets_403_on_every_nominative_page_and_api(metz):
    client = client_for(metz, demo_user(metz, "elu"))
    routes = [route for route, _callback in walk(get_resolver("portal.urls").url_patterns) if NOMINATIVE.match(route)]
    assert len(routes) > 20
    checked = 0
    for route in routes:
        if route == "compte/mes-donnees/":
            continue  # the élu's own account data
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
        response = client.get(url)
        # 403, or 404 where the route hides whether the object exists (a family's letter); never a page.
        assert response.status_code in (403, 404, 405), f"{url}: {response.status_code}"
        checked += response.status_code == 403
    assert checked > 20


def test_the_elu_home_shows_headline_figures_and_links(metz):
    html = client_for(metz, demo_user(metz, "elu")).get("/espace/elu/").content.decode()
    assert "Chiffres clés" in html
    assert "/observatoire/" in html and "/transparence/" in html and "/gestion/commissions/" in html


def test_a_director_confirms_an_arrival_then_a_departure_once_each(metz):
    director = demo_user(metz, "directrice")
    with tenant_context(metz):
        offer = (
            Offer.objects.filter(status=OfferStatus.ACCEPTED, establishment__directors=director, stay__isnull=True)
            .select_related("application")
            .first()
        )
    connection.set_schema_to_public()
    assert offer is not None, "the demo has an accepted place in the director's établissement"
    client = client_for(metz, director)
    assert client.get("/gestion/accueils/").status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(f"/gestion/accueils/arrivee/{offer.pk}/", {"arrived_on": today})
    assert response.status_code == 302
    again = client.post(f"/gestion/accueils/arrivee/{offer.pk}/", {"arrived_on": today}, follow=True)
    assert "déjà enregistrée" in again.content.decode()
    with tenant_context(metz):
        stay = Stay.objects.get(offer=offer)
        assert stay.offer.application.status == ApplicationStatus.ADMISE
    connection.set_schema_to_public()
    client.post(f"/gestion/accueils/{stay.pk}/depart/", {"left_on": today, "reason": DepartureReason.SCHOOL})
    with tenant_context(metz):
        stay.refresh_from_db()
        assert stay.left_on is not None and stay.departure_reason == DepartureReason.SCHOOL
    connection.set_schema_to_public()


def test_a_director_cannot_record_another_establishment_s_children(metz):
    director = demo_user(metz, "directrice")
    with tenant_context(metz):
        offer = Offer.objects.filter(status=OfferStatus.ACCEPTED).exclude(establishment__directors=director).first()
    connection.set_schema_to_public()
    if offer is None:
        pytest.skip("every accepted place of the demo is in the director's établissement")
    response = client_for(metz, director).post(
        f"/gestion/accueils/arrivee/{offer.pk}/", {"arrived_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 404


def test_a_year_to_come_has_no_indicators_yet(elu):
    response = elu.get("/api/v1/observatoire/indicateurs/", {"year": YEAR + 1})
    assert response.status_code == 404
    assert "pas commencée" in response.json()["detail"]
