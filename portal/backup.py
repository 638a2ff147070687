"""Backing up and restoring one collectivité: its schema (pg_dump -n), its platform rows, its files.

A backup is a folder: `schema.dump` (pg_dump's custom format, the collectivité's schema only),
`collectivite.json` (its row and domains in the public schema, which a fresh database lacks) and
`fichiers.tar.gz` (its uploaded and generated files, when it has any). It restores into the same
database (after the schema was lost) or into a fresh one migrated by the same version of the code.
"""

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from portal.caching import routing_changed

DUMP, ROWS, FILES = "schema.dump", "collectivite.json", "fichiers.tar.gz"


def postgres_tool(name):
    """pg_dump / pg_restore from the PATH, else those of the embedded PostgreSQL (`make run`)."""
    found = shutil.which(name)
    if found:
        return found
    import pgserver

    embedded = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
    if embedded.exists():
        return str(embedded)
    raise ValidationError(_("%(tool)s est introuvable : installez le client PostgreSQL.") % {"tool": name})


def postgres_environment():
    """The database of the settings, in the variables libpq reads (no password on a command line)."""
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    values = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST") or database.get("OPTIONS", {}).get("host"),
        "PGPORT": str(database.get("PORT") or ""),
    }
    env.update({name: value for name, value in values.items() if value})
    return env


def run(command):
    result = subprocess.run(command, env=postgres_environment(), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise ValidationError(
            _("%(tool)s a échoué : %(error)s") % {"tool": Path(command[0]).name, "error": result.stderr.strip()}
        )


def platform_rows(schema):
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(c) FROM public.portal_collectivite c WHERE schema_name = %s", [schema])
        row = cursor.fetchone()
        if row is None:
            raise ValidationError(_("Aucune collectivité n'a le schéma « %(schema)s ».") % {"schema": schema})
        cursor.execute(
            "SELECT row_to_json(d) FROM public.portal_domain d WHERE tenant_id = %s ORDER BY d.id", [row[0]["id"]]
        )
        return {"collectivite": row[0], "domains": [domain for (domain,) in cursor.fetchall()]}


def collectivite_backup(schema, directory):
    """Back up one collectivité into a new folder under `directory`; returns that folder."""
    rows = platform_rows(schema)
    folder = Path(directory) / f"{schema}-{timezone.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    run([postgres_tool("pg_dump"), "--format=custom", "--no-owner", f"--schema={schema}", f"--file={folder / DUMP}"])
    (folder / ROWS).write_text(json.dumps(rows, ensure_ascii=False, indent=2))
    media = Path(settings.MEDIA_ROOT) / schema
    if media.is_dir():
        with tarfile.open(folder / FILES, "w:gz") as archive:
            archive.add(media, arcname=".")
    return folder


def insert_row(cursor, table, row):
    """Insert a row read by row_to_json (all columns but id, given a fresh one); returns the new id."""
    columns = ", ".join(f'"{column}"' for column in row if column != "id")
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 - our own tables and columns
        f"FROM json_populate_record(NULL::{table}, %s::json) ON CONFLICT DO NOTHING RETURNING id",
        [json.dumps(row)],
    )
    inserted = cursor.fetchone()
    return inserted[0] if inserted else None


def collectivite_restore(folder):
    """Restore a backup made by `collectivite_backup`; refuses if its schema already exists. Returns the schema."""
    folder = Path(folder)
    if not (folder / DUMP).is_file() or not (folder / ROWS).is_file():
        raise ValidationError(_("« %(folder)s » n'est pas une sauvegarde de collectivité.") % {"folder": folder})
    rows = json.loads((folder / ROWS).read_text())
    schema = rows["collectivite"]["schema_name"]
    if schema_exists(schema):
        raise ValidationError(
            _("Le schéma « %(schema)s » existe déjà : supprimez-le d'abord, ou restaurez dans une autre base.")
            % {"schema": schema}
        )
    database = postgres_environment()["PGDATABASE"]
    run([postgres_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={database}", str(folder / DUMP)])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM public.portal_collectivite WHERE schema_name = %s", [schema])
        existing = cursor.fetchone()
        tenant_id = existing[0] if existing else insert_row(cursor, "public.portal_collectivite", rows["collectivite"])
        for domain in rows["domains"]:
            insert_row(cursor, "public.portal_domain", {**domain, "tenant_id": tenant_id})
    if (folder / FILES).is_file():
        media = Path(settings.MEDIA_ROOT) / schema
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / FILES) as archive:
            archive.extractall(media, filter="data")
    routing_changed()
    return schema
