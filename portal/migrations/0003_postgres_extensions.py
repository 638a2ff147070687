"""PostgreSQL's contrib extensions the apps rely on, created once for the whole database.

An extension belongs to one schema. They go to `public`, which django-tenants puts on every
collectivité's search_path (`SET search_path = <collectivité>, public`), so each schema uses the same
functions and operator classes: btree_gist (exclusion constraints mixing = and &&, against double
booking), pg_trgm (similarity search on names), unaccent (accent-insensitive search).

portal is a shared app: this migration runs on the public schema only. The three extensions are
"trusted" since PostgreSQL 13: a database owner without superuser rights may create them.
"""

from django.db import migrations

EXTENSIONS = ["btree_gist", "pg_trgm", "unaccent"]


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_communes_optional"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE EXTENSION IF NOT EXISTS {name} SCHEMA public;",
            reverse_sql=f"DROP EXTENSION IF EXISTS {name};",
        )
        for name in EXTENSIONS
    ]
