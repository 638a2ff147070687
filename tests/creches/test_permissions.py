"""Who may read, declare, manage and import: one rule per test, over every demo role."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from creches.models import Establishment, FeeScale, PlaceOpening
from portal.accounts.roles import Role
from tests.creches.factories import establishment_in, staff_in
from tests.utils import client_for, demo_user

DEMO_ROLES = ["parent", "parent2", "am", "animatrice", "agent", "directrice", "commission", "elu", "admin"]
DIRECTED = "multi-accueil-les-coccinelles"  # the demo director's establishment in Metz
NOT_DIRECTED = "multi-accueil-les-ecureuils"

WHO_MAY = {
    "/gestion/places/": {"agent", "admin", "directrice", "commission"},
    f"/gestion/places/{DIRECTED}/": {"agent", "admin", "directrice"},
    f"/gestion/places/{NOT_DIRECTED}/": {"agent", "admin"},
    "/gestion/etablissements/": {"agent", "admin"},
    "/gestion/etablissements/nouveau/": {"agent", "admin"},
    f"/gestion/etablissements/{DIRECTED}/": {"agent", "admin"},
    "/gestion/etablissements/import/": {"agent", "admin"},
    "/gestion/etablissements/export.csv": {"agent", "admin"},
    "/gestion/etablissements/export.xlsx": {"agent", "admin"},
    "/gestion/bareme/": {"admin"},
}


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_each_role_reaches_exactly_its_staff_pages(metz, local_part):
    client = client_for(metz, demo_user(metz, local_part))
    for url, allowed in WHO_MAY.items():
        expected = 200 if local_part in allowed else 403
        assert client.get(url).status_code == expected, (url, local_part)


@pytest.mark.parametrize("url", WHO_MAY)
def test_anonymous_visitors_are_sent_to_login_from_staff_pages(metz, url):
    response = client_for(metz).get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_navigation_offers_each_role_its_entries(metz):
    agent_page = client_for(metz, demo_user(metz, "agent")).get("/gestion/places/").content.decode()
    assert 'href="/gestion/etablissements/"' in agent_page
    assert 'href="/gestion/etablissements/import/"' in agent_page
    director_page = client_for(metz, demo_user(metz, "directrice")).get("/gestion/places/").content.decode()
    assert 'href="/gestion/places/"' in director_page
    assert 'href="/gestion/etablissements/"' not in director_page


def declare(client, slug, **data):
    values = {"count": 2, "available_from": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()}
    values.update(data)
    return client.post(f"/gestion/places/{slug}/", values)


def section_id(collectivite, slug, code):
    with tenant_context(collectivite):
        pk = Establishment.objects.get(slug=slug).sections.get(code=code).pk
    connection.set_schema_to_public()
    return pk


def openings_of(collectivite, slug):
    with tenant_context(collectivite):
        openings = list(
            PlaceOpening.objects.filter(section__establishment__slug=slug).values_list(
                "count", "declared_by__email", "note"
            )
        )
    connection.set_schema_to_public()
    return openings


def test_a_director_declares_places_for_their_establishment(metz):
    client = client_for(metz, demo_user(metz, "directrice"))
    before = openings_of(metz, DIRECTED)
    response = declare(client, DIRECTED, section=section_id(metz, DIRECTED, "bebes"), count=3, note="Déménagement")
    assert response.status_code == 302
    after = openings_of(metz, DIRECTED)
    assert len(after) == len(before) + 1
    assert (3, "directrice@metz.demo", "Déménagement") in after
    page = client.get(response.url).content.decode()
    assert "Déménagement" in page
    assert "Nathalie Lefebvre" in page  # who declared


def test_a_director_cannot_declare_for_another_establishment(metz):
    client = client_for(metz, demo_user(metz, "directrice"))
    before = openings_of(metz, NOT_DIRECTED)
    response = declare(client, NOT_DIRECTED, section=section_id(metz, NOT_DIRECTED, "bebes"))
    assert response.status_code == 403
    assert openings_of(metz, NOT_DIRECTED) == before


def test_a_section_of_another_establishment_is_refused(metz):
    client = client_for(metz, demo_user(metz, "agent"))
    before = openings_of(metz, NOT_DIRECTED)
    response = declare(client, DIRECTED, section=section_id(metz, NOT_DIRECTED, "bebes"))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert openings_of(metz, NOT_DIRECTED) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"count": 0}, "Le nombre de places doit être d&#x27;au moins une."),
        ({"count": -2}, "Le nombre de places doit être d&#x27;au moins une."),
        ({"available_from": "2020-01-01"}, "La date ne peut pas être dans le passé."),
    ],
)
def test_a_bad_declaration_is_refused_in_french_and_changes_nothing(metz, data, message):
    client = client_for(metz, demo_user(metz, "agent"))
    before = openings_of(metz, DIRECTED)
    response = declare(client, DIRECTED, section=section_id(metz, DIRECTED, "bebes"), **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert openings_of(metz, DIRECTED) == before


def test_a_director_sees_only_the_openings_of_their_establishment(metz):
    page = client_for(metz, demo_user(metz, "directrice")).get("/gestion/places/")
    establishments = {opening.section.establishment.slug for opening in page.context["page"].object_list}
    assert establishments == {DIRECTED}
    agent_page = client_for(metz, demo_user(metz, "agent")).get("/gestion/places/")
    assert len({o.section.establishment.slug for o in agent_page.context["page"].object_list}) > 1


def test_the_openings_list_is_not_n_plus_one(metz, django_assert_max_num_queries):
    client = client_for(metz, demo_user(metz, "agent"))
    # Tenant, session, user, MFA check, navigation, count, page, establishments.
    with django_assert_max_num_queries(16):
        client.get("/gestion/places/")


def test_staff_of_one_collectivite_see_nothing_of_another(alpha, beta):
    establishment_in(beta, name="Seulement Bêta", slug="seulement-beta")
    establishment_in(alpha, name="Seulement Alpha", slug="seulement-alpha")
    agent_alpha = staff_in(alpha, "agent@alpha.test", [Role.AGENT])
    client = client_for(alpha, agent_alpha)
    assert "Seulement Bêta" not in client.get("/gestion/etablissements/").content.decode()
    assert "Seulement Alpha" in client.get("/gestion/etablissements/").content.decode()
    assert client.get("/gestion/places/seulement-beta/").status_code == 404
    assert client.get("/gestion/etablissements/seulement-beta/").status_code == 404
    assert "Seulement Bêta" not in client.get("/gestion/etablissements/export.csv").content.decode()
    # And the public pages of alpha do not show beta's offer either.
    assert "Seulement Bêta" not in client_for(alpha).get("/creches/").content.decode()
    assert client_for(alpha).get("/creches/seulement-beta/").status_code == 404
    # An account of alpha is nobody in beta.
    beta_client = client_for(beta)
    beta_client.cookies = client.cookies
    assert beta_client.get("/gestion/etablissements/").status_code == 302


def test_the_administrator_adds_a_later_version_of_the_barème(metz):
    client = client_for(metz, demo_user(metz, "admin"))
    later = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    values = {
        "valid_from": later,
        "resources_floor": "820",
        "resources_ceiling": "8600",
        "effort_rate_1": "0.0619",
        "effort_rate_2": "0.0516",
        "effort_rate_3": "0.0413",
        "effort_rate_4_to_7": "0.0310",
        "effort_rate_8_plus": "0.0206",
        "reference_hourly_cost": "4.90",
    }
    past = client.post("/gestion/bareme/", {**values, "valid_from": "2025-01-01"})
    assert past.status_code == 400
    assert "ne peut pas s&#x27;appliquer dans le passé" in past.content.decode()
    assert client.post("/gestion/bareme/", values).status_code == 302
    page = client.get("/gestion/bareme/").content.decode()
    assert "à venir" in page
    assert "en vigueur" in page
    with tenant_context(metz):
        in_force = FeeScale.objects.in_force_on(timezone.localdate())
        assert in_force.valid_from == datetime.date(2025, 9, 1)
        # A version in force is never edited.
        response = client.post(f"/gestion/bareme/{in_force.pk}/", values)
        assert response.status_code == 302
        in_force.refresh_from_db()
        assert in_force.resources_floor == 801
