"""Production shape: the proxy asks which domains exist; one collectivité is backed up and restored."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from portal.accounts.models import User
from portal.backup import DUMP, ROWS, collectivite_backup, collectivite_restore
from portal.models import Collectivite, Domain
from portal.tenancy import collectivite_create
from tests.utils import client_for, user_in


@pytest.mark.parametrize(
    ("domain", "status"),
    [
        ("metz.localhost", 200),
        ("METZ.localhost.", 200),
        ("localhost", 200),
        ("inconnue.localhost", 404),
        ("", 404),
    ],
)
def test_the_proxy_gets_a_certificate_only_for_a_domain_the_platform_serves(metz, domain, status):
    response = Client(HTTP_HOST="localhost").get("/_caddy/domaine", {"domain": domain})
    assert response.status_code == status


def test_the_domain_check_is_the_platforms_not_a_collectivites(metz):
    assert client_for(metz).get("/_caddy/domaine", {"domain": "metz.localhost"}).status_code == 404


def test_a_collectivite_lost_with_its_platform_rows_is_restored_with_its_data_and_files(
    django_db_setup, django_db_blocker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():  # committed: pg_dump reads from its own connection
        collectivite = collectivite_create(schema="sauvegarde", name="Sauvegardée", domain="sauvegarde.localhost")
        try:
            user_in(collectivite, email="famille@sauvegarde.test")
            piece = tmp_path / "media" / "sauvegarde" / "pieces" / "avis.pdf"
            piece.parent.mkdir(parents=True)
            piece.write_bytes(b"%PDF-1.4 avis d'imposition")
            folder = collectivite_backup("sauvegarde", tmp_path / "sauvegardes")

            Domain.objects.filter(tenant=collectivite).delete()
            with connection.cursor() as cursor:  # as in a fresh database: no schema, no platform rows
                cursor.execute('DROP SCHEMA "sauvegarde" CASCADE')
                cursor.execute("DELETE FROM public.portal_collectivite WHERE id = %s", [collectivite.pk])
            piece.unlink()
            assert not schema_exists("sauvegarde")

            assert collectivite_restore(folder) == "sauvegarde"
            restored = Collectivite.objects.get(schema_name="sauvegarde")
            assert restored.name == "Sauvegardée"
            assert list(restored.domains.values_list("domain", flat=True)) == ["sauvegarde.localhost"]
            with tenant_context(restored):
                assert User.objects.filter(email="famille@sauvegarde.test").exists()
            connection.set_schema_to_public()
            assert piece.read_bytes() == b"%PDF-1.4 avis d'imposition"
            assert "Sauvegardée" in client_for(restored).get("/").content.decode()
        finally:
            connection.set_schema_to_public()
            for leftover in Collectivite.objects.filter(schema_name="sauvegarde"):
                leftover.delete(force_drop=True)
            with connection.cursor() as cursor:
                cursor.execute('DROP SCHEMA IF EXISTS "sauvegarde" CASCADE')


def test_a_restore_never_overwrites_an_existing_schema(metz, tmp_path):
    (tmp_path / DUMP).write_bytes(b"")
    (tmp_path / ROWS).write_text(json.dumps({"collectivite": {"schema_name": "metz"}, "domains": []}))
    with pytest.raises(ValidationError, match="existe déjà"):
        collectivite_restore(tmp_path)
