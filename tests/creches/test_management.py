"""Staff create and edit establishments and their sections; every rule refuses in French."""

import html

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from creches.models import Establishment
from portal.accounts.roles import Role
from tests.creches.factories import establishment_in, staff_in
from tests.utils import client_for


def establishment_data(**overrides):
    data = {
        "name": "Multi-accueil Les Hérons",
        "slug": "les-herons",
        "type": "creche_collective",
        "manager": "municipal",
        "manager_name": "Ville",
        "address": "3 rue du Port",
        "postal_code": "44000",
        "commune": "Nantes",
        "code_insee": "44109",
        "latitude": "47.21000",
        "longitude": "-1.55000",
        "opening_days": ["0", "1", "2", "3", "4"],
        "opens_at": "07:30",
        "closes_at": "18:30",
        "capacity": "40",
        "care_kinds": ["regulier"],
        "insertion_places": "2",
        "is_active": "on",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-name": "Bébés",
        "sections-0-code": "bebes",
        "sections-0-min_age_months": "2",
        "sections-0-max_age_months": "18",
        "sections-0-capacity": "15",
        "sections-1-name": "Grands",
        "sections-1-code": "grands",
        "sections-1-min_age_months": "18",
        "sections-1-max_age_months": "48",
        "sections-1-capacity": "25",
    }
    data.update(overrides)
    return data


@pytest.fixture
def agent(alpha):
    return client_for(alpha, staff_in(alpha, "agent@alpha.test", [Role.AGENT]))


def exists(collectivite, slug):
    with tenant_context(collectivite):
        found = Establishment.objects.filter(slug=slug).exists()
    connection.set_schema_to_public()
    return found


def test_an_agent_creates_an_establishment_with_its_sections(alpha, agent):
    response = agent.post("/gestion/etablissements/nouveau/", establishment_data())
    assert response.status_code == 302
    with tenant_context(alpha):
        establishment = Establishment.objects.get(slug="les-herons")
        assert [s.capacity for s in establishment.sections.all()] == [15, 25]
    connection.set_schema_to_public()
    assert "Multi-accueil Les Hérons" in client_for(alpha).get("/creches/les-herons/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"insertion_places": "1"}, "Au moins 2 place(s) doivent être réservées"),
        ({"sections-1-capacity": "30"}, "Les sections totalisent 45 places, plus que la capacité d'agrément"),
        ({"sections-1-min_age_months": "40", "sections-1-max_age_months": "20"}, "L'âge maximum doit être supérieur"),
        ({"closes_at": "07:00"}, "L'heure de fermeture doit être après l'heure d'ouverture."),
        ({"sections-1-code": "bebes"}, "Section"),
    ],
)
def test_invalid_establishments_are_refused_in_french_and_nothing_is_saved(alpha, agent, overrides, message):
    response = agent.post("/gestion/etablissements/nouveau/", establishment_data(**overrides))
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not exists(alpha, "les-herons")


def test_an_agent_edits_an_establishment_and_removes_a_section(alpha, agent):
    establishment_in(alpha, slug="les-herons", name="Ancien nom")
    with tenant_context(alpha):
        sections = list(Establishment.objects.get(slug="les-herons").sections.all())
    connection.set_schema_to_public()
    data = establishment_data(
        **{
            "sections-INITIAL_FORMS": "2",
            "sections-0-id": str(sections[0].pk),
            "sections-1-id": str(sections[1].pk),
            "sections-1-DELETE": "on",
        }
    )
    response = agent.post("/gestion/etablissements/les-herons/", data)
    assert response.status_code == 302
    with tenant_context(alpha):
        establishment = Establishment.objects.get(slug="les-herons")
        assert establishment.name == "Multi-accueil Les Hérons"
        assert [s.code for s in establishment.sections.all()] == ["bebes"]
    connection.set_schema_to_public()


def test_the_establishment_list_is_paginated_and_not_n_plus_one(alpha, agent, django_assert_max_num_queries):
    for number in range(30):
        establishment_in(alpha, slug=f"liste-{number}", name=f"Liste {number:02d}")
    with django_assert_max_num_queries(16):
        response = agent.get("/gestion/etablissements/")
    assert "Page 1 sur 2" in response.content.decode()
