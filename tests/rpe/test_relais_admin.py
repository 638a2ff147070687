"""The administrator sets up a relais: its communes, its animatrices and its lieux."""

import pytest
from django_tenants.utils import tenant_context

from portal.accounts.roles import Role
from rpe.enums import LieuKind
from rpe.models import Relais
from rpe.perms import is_animatrice_of, relais_of
from tests.rpe.factories import AnimatriceFactory, StaffFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_relais_with_its_communes_animatrices_and_a_lieu(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        admin = StaffFactory(roles=[Role.ADMINISTRATEUR])
        helene = AnimatriceFactory(relais=Relais.objects.get())
    client = client_for(vie_et_boulogne, admin)
    response = client.post(
        "/gestion/relais/nouveau/",
        {"name": "Relais du bocage", "communes": ["85003", "85006"], "animatrices": [helene.pk], "phone": "02"},
    )
    assert response.status_code == 302
    with tenant_context(vie_et_boulogne):
        relais = Relais.objects.get(name="Relais du bocage")
        assert relais.communes == ["85003", "85006"]
        assert is_animatrice_of(helene, relais) and relais_of(helene).count() == 2
    response = client.post(
        f"/gestion/relais/{relais.pk}/lieux/nouveau/",
        {"name": "Médiathèque d'Aizenay", "kind": LieuKind.LIBRARY, "code_insee": "85003"},
    )
    assert response.status_code == 302
    with tenant_context(vie_et_boulogne):
        assert relais.lieux.get().kind == LieuKind.LIBRARY


def test_a_commune_outside_the_territory_is_refused_in_french(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        admin = StaffFactory(roles=[Role.ADMINISTRATEUR])
        count = Relais.objects.count()
    response = client_for(vie_et_boulogne, admin).post(
        "/gestion/relais/nouveau/", {"name": "Relais de Nantes", "communes": ["44109"]}
    )
    assert response.status_code == 400 and "Sélectionnez un choix valide" in response.content.decode()
    with tenant_context(vie_et_boulogne):
        assert Relais.objects.count() == count
