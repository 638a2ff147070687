"""Who may open which page of the directory: one rule per test, over every demo role."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from rpe.models import AssistantMaternel, Relais
from tests.utils import client_for, demo_user

DEMO_ROLES = ["parent", "parent2", "am", "animatrice", "agent", "directrice", "commission", "elu", "admin"]
RELAIS_STAFF = {"animatrice", "agent", "admin"}

WHO_MAY = {
    "/relais/": RELAIS_STAFF,
    "/relais/assistants-maternels/": RELAIS_STAFF,
    "/relais/disponibilites/": RELAIS_STAFF,
    "/relais/demandes/": RELAIS_STAFF,
    "/relais/import-agrements/": RELAIS_STAFF,
    "/gestion/relais/": {"admin"},
    "/gestion/relais/nouveau/": {"admin"},
    "/assistant-maternel/profil/": {"am"},
    "/assistant-maternel/disponibilites/": {"am"},
    "/assistant-maternel/ma-fiche-publique/": {"am"},
    "/assistant-maternel/mes-donnees.json": {"am"},
}


def demo_am_pk(collectivite):
    with tenant_context(collectivite):
        pk = AssistantMaternel.objects.get(user__email=f"am@{collectivite.slug}.demo").pk
    connection.set_schema_to_public()
    return pk


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_each_role_reaches_exactly_its_directory_pages(vie_et_boulogne, local_part):
    client = client_for(vie_et_boulogne, demo_user(vie_et_boulogne, local_part))
    pk = demo_am_pk(vie_et_boulogne)
    pages = {
        **WHO_MAY,
        f"/relais/assistants-maternels/{pk}/": RELAIS_STAFF,
        f"/relais/assistants-maternels/{pk}/profil/": RELAIS_STAFF,
        f"/relais/assistants-maternels/{pk}/disponibilites/": RELAIS_STAFF,
    }
    for url, allowed in pages.items():
        expected = 200 if local_part in allowed else 403
        assert client.get(url).status_code == expected, (url, local_part)


@pytest.mark.parametrize("url", WHO_MAY)
def test_anonymous_visitors_are_sent_to_login(vie_et_boulogne, url):
    response = client_for(vie_et_boulogne).get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_an_animatrice_sees_only_her_relais_s_am(metz):
    """animatrice@metz.demo works for Metz Nord: AM of Metz Sud do not exist for her (404, not listed)."""
    animatrice = demo_user(metz, "animatrice")
    with tenant_context(metz):
        hers = Relais.objects.get(memberships__user=animatrice)
        other = AssistantMaternel.objects.exclude(relais=hers).listed().first()
        mine = AssistantMaternel.objects.filter(relais=hers).listed().first()
        confirmed_before = other.availability_confirmed_on
    client = client_for(metz, animatrice)
    for suffix in ("", "profil/", "disponibilites/"):
        assert client.get(f"/relais/assistants-maternels/{other.pk}/{suffix}").status_code == 404
    assert client.get(f"/relais/assistants-maternels/{mine.pk}/").status_code == 200
    assert (
        client.post(f"/relais/assistants-maternels/{other.pk}/disponibilites/", {"unchanged": "1"}).status_code == 404
    )
    assert (
        client.post(f"/relais/assistants-maternels/{other.pk}/activite/", {"status": "suspended"}).status_code == 404
    )
    listing = client.get("/relais/assistants-maternels/", {"q": other.last_name}).content.decode()
    assert f"/relais/assistants-maternels/{other.pk}/" not in listing
    with tenant_context(metz):
        other.refresh_from_db()
        assert other.availability_confirmed_on == confirmed_before and other.is_listed


def test_the_service_sees_every_relais_s_am(metz):
    client = client_for(metz, demo_user(metz, "agent"))
    with tenant_context(metz):
        pks = [AssistantMaternel.objects.filter(relais=relais).listed().first().pk for relais in Relais.objects.all()]
    for pk in pks:
        assert client.get(f"/relais/assistants-maternels/{pk}/").status_code == 200


def test_an_am_edits_her_own_profile_and_nothing_else(vie_et_boulogne):
    am_user = demo_user(vie_et_boulogne, "am")
    client = client_for(vie_et_boulogne, am_user)
    with tenant_context(vie_et_boulogne):
        mine = AssistantMaternel.objects.get(user=am_user)
        other = AssistantMaternel.objects.exclude(pk=mine.pk).listed().first()
        other_phone = other.phone
    page = client.get("/assistant-maternel/profil/").content.decode()
    assert mine.agrement_number in page and other.agrement_number not in page
    assert f'value="{mine.phone}"' in page, "the form shows her profile as it is"
    response = client.post(
        "/assistant-maternel/profil/",
        {
            "phone": "06 99 99 99 99",
            "email": mine.email,
            "address": mine.address,
            "postal_code": mine.postal_code,
            "publish_phone": "on",
            "publish_email": "on",
            "publish_address": "on",
            "agrement_number": "PIRATE-1",  # not a field she may change: ignored
            "relais": "999",
        },
    )
    assert response.status_code == 302
    for url in (f"/relais/assistants-maternels/{other.pk}/", f"/relais/assistants-maternels/{other.pk}/profil/"):
        assert client.get(url).status_code == 403
    with tenant_context(vie_et_boulogne):
        mine.refresh_from_db()
        other.refresh_from_db()
        assert mine.phone == "06 99 99 99 99" and mine.agrement_number != "PIRATE-1"
        assert other.phone == other_phone


def test_an_am_downloads_everything_the_directory_holds_about_her(vie_et_boulogne):
    am_user = demo_user(vie_et_boulogne, "am")
    response = client_for(vie_et_boulogne, am_user).get("/assistant-maternel/mes-donnees.json")
    data = response.json()
    with tenant_context(vie_et_boulogne):
        mine = AssistantMaternel.objects.get(user=am_user)
    assert (data["agrement_number"], data["phone"]) == (mine.agrement_number, mine.phone)
    assert data["publication"] == {"phone": True, "email": True, "address": True}
    assert data["declarations"], "her declarations are part of her data"
