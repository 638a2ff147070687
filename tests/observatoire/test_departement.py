"""The département view (optional, off by default): only the shared aggregates cross into the public schema, with
the collectivité's own secrecy, and a consolidated total never gives a secret part away."""

from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from observatoire.departement.models import DepartementShare
from observatoire.departement.services import departement_table
from observatoire.services import sharing_set, snapshot_compute
from portal.accounts.roles import Role
from tests.observatoire.factories import hand_computed_world, territory
from tests.observatoire.test_pages import YEAR, staff
from tests.utils import client_for


def shares_of(collectivite):
    with schema_context("public"):
        return list(DepartementShare.objects.filter(collectivite=collectivite))


def test_nothing_is_shared_by_default(alpha):
    with tenant_context(territory(alpha)):
        hand_computed_world()
        snapshot_compute(YEAR)
    connection.set_schema_to_public()
    assert shares_of(alpha) == []


def test_a_shared_table_carries_aggregates_only_with_the_collectivite_s_secrecy(alpha):
    with tenant_context(territory(alpha)):
        hand_computed_world()
        sharing_set(enabled=True)
    connection.set_schema_to_public()
    (share,) = shares_of(alpha)
    reze = next(row for row in share.rows if row["code_insee"] == "44143")
    assert reze["places_eaje"] == 20 and reze["children_under_3"] == 100
    assert reze["requests_filed"] is None  # secret at home, secret in the département
    allowed = {"code_insee", "name", "departement", "children_under_3", "places_eaje", "places_am"}
    allowed |= {"places_am_available", "requests_filed", "requests_active"}
    assert all(set(row) == allowed for row in share.rows)
    table = departement_table("44", YEAR)
    assert table["total"]["places_eaje"] == 72
    assert table["total"]["requests_filed"] is None  # a total with a secret part stays secret
    response = Client(HTTP_HOST="localhost").get(f"/departements/44/{YEAR}/")
    assert response.status_code == 200
    assert "Rezé" in response.content.decode()


def test_opting_out_withdraws_what_was_shared(alpha):
    client = client_for(alpha, staff(alpha, Role.ADMINISTRATEUR, "admin-partage@alpha.test"))
    with tenant_context(territory(alpha)):
        hand_computed_world()
    connection.set_schema_to_public()
    assert client.post("/observatoire/partage/", {"share_with_departement": "on"}).status_code == 302
    assert len(shares_of(alpha)) == 1
    assert client.post("/observatoire/partage/", {}).status_code == 302
    assert shares_of(alpha) == []
