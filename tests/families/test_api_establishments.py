import pytest

from tests.families.factories import establishment_in
from tests.utils import client_for


def test_anyone_lists_the_establishments_of_a_collectivite_and_only_its_own(alpha, beta):
    establishment = establishment_in(alpha)
    listed = client_for(alpha).get("/api/v1/etablissements/").json()
    assert [row["slug"] for row in listed["results"]] == [establishment.slug]
    assert listed["results"][0]["sections"][0]["max_age_months"] == 48
    assert client_for(beta).get("/api/v1/etablissements/").json()["count"] == 0
    assert client_for(alpha).get(f"/api/v1/etablissements/{establishment.pk}/").status_code == 200


def test_the_establishment_list_runs_the_same_number_of_queries_whatever_its_length(alpha):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alpha)
    client.get("/api/v1/etablissements/")  # the first request also looks its domain up (then cached)
    counts = []
    for size in (2, 14):
        for index in range(size):
            establishment_in(alpha, f"creche-{size}-{index}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/etablissements/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


def test_the_list_filters_by_commune_and_type(alpha):
    establishment = establishment_in(alpha)
    client = client_for(alpha)
    assert client.get("/api/v1/etablissements/", {"commune": establishment.code_insee}).json()["count"] == 1
    assert client.get("/api/v1/etablissements/", {"commune": "2A004"}).json()["count"] == 0
    assert client.get("/api/v1/etablissements/", {"type": establishment.type}).json()["count"] == 1
    assert client.get("/api/v1/etablissements/", {"type": "micro_creche_paje"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("commune=%00", "caractère nul"),
        ("type=%00", "choix valide"),
        ("commune=Nantes", "code INSEE"),
        ("type=hangar", "choix valide"),
    ],
)
def test_a_bad_query_parameter_is_a_french_400_even_anonymous(alpha, query, message):
    response = client_for(alpha).get(f"/api/v1/etablissements/?{query}")
    assert response.status_code == 400
    assert message in str(response.json())
