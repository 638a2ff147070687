import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from families.models import Application
from portal.accounts.models import User
from portal.models import Collectivite, Domain
from portal.tenancy import TEMPLATE_SCHEMA, template_is_current
from tests.utils import client_for


def counts():
    return Collectivite.objects.count(), Domain.objects.count()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"schema": "Bad-Schema"}, "invalide"),
        ({"schema": "public"}, "réservé"),
        ({"schema": TEMPLATE_SCHEMA}, "réservé"),
        ({"schema": "alpha"}, "existe déjà"),
        ({"domain": "metz.localhost"}, "déjà utilisé"),
        ({"domain": "pas un domaine"}, "invalide"),
        ({"domain": "localhost"}, "réservé"),
        ({"name": "   "}, "obligatoire"),
        ({"slug": "Pas Un Slug"}, "invalide"),
        ({"slug": "metz"}, "déjà pris"),
    ],
)
def test_create_collectivite_refuses_bad_input_and_leaves_nothing(db, options, message):
    arguments = {"schema": "nouvelle", "name": "Nouvelle", "domain": "nouvelle.localhost", **options}
    before = counts()
    with pytest.raises(CommandError, match=message):
        call_command("create_collectivite", *[f"--{key}={value}" for key, value in arguments.items()])
    assert counts() == before
    if arguments["schema"] not in ("alpha", "public", TEMPLATE_SCHEMA):
        assert not schema_exists(arguments["schema"])


def test_create_collectivite_makes_a_ready_tenant(db):
    call_command(
        "create_collectivite",
        "--schema=saint_herblain",
        "--name=Saint-Herblain",
        "--domain=saint-herblain.localhost",
        "--commune=44162:Saint-Herblain",
    )
    collectivite = Collectivite.objects.get(slug="saint-herblain")
    assert collectivite.communes == [{"code_insee": "44162", "nom": "Saint-Herblain"}]
    assert schema_exists("saint_herblain")
    with tenant_context(collectivite):
        assert User.objects.count() == 0  # cloned from the template: tables, no one's data
    response = client_for(collectivite).get("/")
    assert response.status_code == 200
    assert "Saint-Herblain" in response.content.decode()


def test_a_bad_commune_list_creates_nothing(db):
    before = counts()
    with pytest.raises(CommandError, match="code INSEE"):
        call_command(
            "create_collectivite", "--schema=x_y", "--name=X", "--domain=x-y.localhost", "--commune=123:Trop court"
        )
    assert counts() == before
    assert not schema_exists("x_y")


def test_template_schema_is_kept_current_by_migrate(db):
    assert template_is_current()


def test_healthz_answers_for_every_tenant_and_the_platform(alpha, metz):
    from django.test import Client

    for client in (client_for(alpha), client_for(metz), Client(HTTP_HOST="localhost")):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["database"] == "ok"
        assert response.json()["redis"] == "ok"
    assert client_for(metz).get("/healthz").json()["schema"] == "metz"


def snapshot():
    data = {"collectivites": sorted(Collectivite.objects.values_list("slug", "name", "kind", "is_demo"))}
    for collectivite in Collectivite.objects.filter(is_demo=True):
        with tenant_context(collectivite):
            data[collectivite.slug] = sorted(
                (user.email, tuple(user.roles), user.first_name) for user in User.objects.all()
            )
            data[f"{collectivite.slug}-applications"] = sorted(
                Application.objects.values_list("number", "status", "child__first_name")
            )
            data[f"{collectivite.slug}-authenticators"] = sorted(
                User.objects.filter(authenticator__isnull=False).values_list("email", "authenticator__type")
            )
    connection.set_schema_to_public()
    return data


def test_seed_demo_twice_gives_the_same_data(db):
    call_command("seed_demo", allow_demo=True, verbosity=0)
    first = snapshot()
    call_command("seed_demo", allow_demo=True, verbosity=0)
    assert snapshot() == first
    role_accounts = [
        row for row in first["metz"] if row[0].endswith("@metz.demo") and not row[0].startswith("famille-")
    ]
    assert len(role_accounts) == 9
    assert 900 <= len(first["metz-applications"]) <= 1100
    assert 120 <= len(first["vie-et-boulogne-applications"]) <= 180
    assert first["vie-et-boulogne"][0][0].endswith("@vie-et-boulogne.demo")


def test_seed_demo_refuses_outside_debug_without_allow_demo(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-demo"):
        call_command("seed_demo", verbosity=0)


def test_demo_collectivites_have_their_real_communes(vie_et_boulogne, metz):
    assert len(vie_et_boulogne.communes) == 15
    assert {"code_insee": "57463", "nom": "Metz", "latitude": 49.1196, "longitude": 6.1757} in metz.communes
    assert vie_et_boulogne.kind == "intercommunalite"


def test_docker_compose_file_is_valid():
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose (paquet Debian) est nécessaire : .ci/run l'installe"
    result = subprocess.run([binary, "config", "-q"], capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
