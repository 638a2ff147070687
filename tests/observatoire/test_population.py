"""The INSEE file of children under 3, imported with a per-row report; snapshots computed by the worker."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context

from observatoire.models import CommunePopulation, Snapshot
from observatoire.tasks import snapshot_on_demand, snapshots_nightly
from portal.accounts.roles import Role
from tests.observatoire.test_pages import staff
from tests.utils import client_for

INSEE = "CODGEO;LIBGEO;P21_POP0002\n44109;Nantes;9876,4\n44143;Rezé;1 234\n"


def test_the_insee_file_is_imported_as_insee_publishes_it(alpha):
    client = client_for(alpha, staff(alpha, Role.ADMINISTRATEUR, "admin-insee@alpha.test"))
    upload = SimpleUploadedFile("base-ic.csv", INSEE.encode(), content_type="text/csv")
    response = client.post("/observatoire/population/", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rapport d'import, ligne par ligne" in html and "ajoutée" in html
    with tenant_context(alpha):
        rows = dict(CommunePopulation.objects.filter(year=2021).values_list("code_insee", "children_under_3"))
    connection.set_schema_to_public()
    assert rows == {"44109": 9876, "44143": 1234}


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(alpha):
    client = client_for(alpha, staff(alpha, Role.ADMINISTRATEUR, "admin-insee2@alpha.test"))
    content = "code_insee;nom;enfants_moins_3_ans\n44109;Nantes;120\n4410X;Ailleurs;12\n44143;Rezé;-3\n"
    upload = SimpleUploadedFile("pop.csv", content.encode(), content_type="text/csv")
    response = client.post("/observatoire/population/", {"file": upload, "annee": "2022"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "n&#x27;est pas un code INSEE" in html or "n'est pas un code INSEE" in html
    assert "négatif" in html
    with tenant_context(alpha):
        assert not CommunePopulation.objects.filter(year=2022).exists()
    connection.set_schema_to_public()


def test_the_worker_computes_snapshots_nightly_and_on_demand(alpha):
    with tenant_context(alpha):
        snapshots_nightly.apply_async(headers={"_schema_name": alpha.schema_name})
        this_year = datetime.date.today().year
        assert Snapshot.objects.filter(year=this_year).exists()
        before = Snapshot.objects.get(year=this_year).computed_at
        snapshot_on_demand.apply_async(args=[this_year], headers={"_schema_name": alpha.schema_name})
        assert Snapshot.objects.get(year=this_year).computed_at > before
    connection.set_schema_to_public()
