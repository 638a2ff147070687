"""The guichet's API: the staff queue, for agents and administrators only, with the page's filters."""

import pytest

from families.enums import ApplicationStatus
from tests.families.factories import ApplicationFactory, EstablishmentFactory
from tests.families.test_guichet import STAFF_OK, filed, inside, staff_in
from tests.portal.test_roles import DEMO_ROLES
from tests.utils import client_for, demo_user

URL = "/api/v1/guichet/demandes/"


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_only_agents_and_administrators_read_the_queue_through_the_api(metz, local_part):
    filed(metz)
    response = client_for(metz, demo_user(metz, local_part)).get(URL)
    assert response.status_code == (200 if local_part in STAFF_OK else 403)


def test_anonymous_clients_get_403_not_a_login_page(metz):
    response = client_for(metz).get(URL)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_a_row_carries_what_the_queue_shows(alpha):
    with inside(alpha):
        first, second = EstablishmentFactory(name="Les Lucioles"), EstablishmentFactory(name="Le Nid")
        application = ApplicationFactory(wishes=[first, second], child__last_name="Api")
    row = client_for(alpha, staff_in(alpha)).get(URL).json()["results"][0]
    assert row["number"] == application.number
    assert row["status"] == ApplicationStatus.DEPOSEE
    assert row["status_label"] == "déposée"
    assert row["child"] == "Lou Api"
    assert row["commune"] == "Nantes"
    assert row["first_wish"] == "Les Lucioles"
    assert row["missing_documents"] is True
    assert row["dossier_url"].endswith(f"/guichet/demandes/{application.pk}/")


def test_the_api_is_paginated_by_fifty(alpha):
    with inside(alpha):
        ApplicationFactory.create_batch(51)
    client = client_for(alpha, staff_in(alpha))
    first = client.get(URL).json()
    assert (first["count"], len(first["results"])) == (51, 50)
    assert first["next"]
    assert len(client.get(URL, {"page": 2}).json()["results"]) == 1


def test_a_bad_filter_is_refused_in_french(alpha):
    response = client_for(alpha, staff_in(alpha)).get(URL, {"start_from": "demain", "status": "inconnu"})
    assert response.status_code == 400
    body = response.json()
    assert body["start_from"][0]["message"] == "Saisissez une date valide."
    assert "Sélectionnez un choix valide" in body["status"][0]["message"]


def test_the_api_of_alpha_never_lists_beta_requests(alpha, beta):
    application, _document = filed(beta)
    with inside(alpha):
        mine = ApplicationFactory()
    numbers = [row["number"] for row in client_for(alpha, staff_in(alpha)).get(URL).json()["results"]]
    assert numbers == [mine.number]
    assert application.number not in numbers


def test_the_queue_endpoint_is_in_the_openapi_schema(alpha):
    schema = client_for(alpha).get("/api/v1/schema/").content.decode()
    assert "/api/v1/guichet/demandes/" in schema
    assert "start_from" in schema
