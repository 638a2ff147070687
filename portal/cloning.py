"""Copy the migrated template schema into a new collectivité's schema, fast.

django-tenants' generic clone function walks the catalogue object by object in PL/pgSQL (about a
second for our schema). Ours reads the catalogue in three queries and replays it as one script:
tables with their defaults and identity columns, the template's rows (migration records, content
types, permissions, default lists), then indexes and constraints under their original names, so that
later migrations find every index and constraint where Django expects it.

Reading the catalogue grows with the number of schemas (a thousand collectivités hold hundreds of
thousands of catalogue rows), so the script is kept, per template state (its migration records), in
the process and in the shared cache; only the template's non-empty tables are copied row by row.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context, schema_exists

SCRIPTS = {}
SCRIPT_SECONDS = 24 * 3600
TARGET = "\x00cible\x00"


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


def migration_state(schema):
    """A schema's state as its migration records say it: changes whenever a migration is applied or unapplied.

    A copy of the template carries the template's records, so it has the template's state until the
    template is migrated again.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), max(id) FROM {quoted(schema)}.django_migrations")  # noqa: S608
        return cursor.fetchone()


def template_fingerprint(template):
    count, last = migration_state(template)
    return f"{template}:{count}:{last}"


# Template states found current by this process: the code cannot change under a running process.
CURRENT_TEMPLATE_STATES = set()


def template_is_current():
    """True when the template schema exists and has every migration applied."""
    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):
        return False
    state = template_fingerprint(template)
    if state in CURRENT_TEMPLATE_STATES:
        return True
    with schema_context(template):
        executor = MigrationExecutor(connection)
        current = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    if current:
        CURRENT_TEMPLATE_STATES.add(state)
    return current


def non_empty(cursor, template, tables):
    if not tables:
        return set()
    cursor.execute(
        " UNION ALL ".join(
            f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quoted(template)}.{quoted(table)})"  # noqa: S608
            for table in tables
        ),
        tables,
    )
    return {row[0] for row in cursor.fetchall()}


def clone_statements(template, target):
    with connection.cursor() as cursor:
        # Definitions are read with only the template on the search path so that they come out unqualified
        # (PostgreSQL still qualifies an index's table: that prefix is removed below) and, replayed with
        # the target on the search path, land in the target schema.
        cursor.execute(f"SET LOCAL search_path = {quoted(template)}")
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname
            """,
            [template],
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [template],
        )
        indexes = [row[0].replace(f" ON {template}.", " ON ", 1) for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = %s AND c.contype IN ('p', 'u', 'c', 'f', 'x')
            ORDER BY c.contype = 'f', t.relname, c.conname
            """,
            [template],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' AND a.attidentity <> '' AND NOT a.attisdropped
            """,
            [template],
        )
        identities = cursor.fetchall()
        # Sequences of their own (not a column's identity), e.g. request numbers: copied with their position.
        cursor.execute(
            """
            SELECT c.relname, s.last_value FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequences s ON s.schemaname = n.nspname
            AND s.sequencename = c.relname
            WHERE n.nspname = %s AND c.relkind = 'S'
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
            """,
            [template],
        )
        sequences = cursor.fetchall()
        with_rows = non_empty(cursor, template, tables)
        cursor.execute("SET LOCAL search_path = public")

    source, schema = quoted(template), quoted(target)
    statements = [f"CREATE SCHEMA {schema}", f"SET LOCAL search_path = {schema}"]
    statements += [
        f"CREATE TABLE {quoted(table)} (LIKE {source}.{quoted(table)} "
        "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE)"
        for table in tables
    ]
    statements += [f"CREATE SEQUENCE {quoted(name)}" for name, _last in sequences]
    # last_value is NULL for a sequence never used: the copy starts fresh too.
    statements += [
        f"SELECT setval('{quoted(target)}.{quoted(name)}', {int(last)})"
        for name, last in sequences
        if last is not None
    ]
    statements += [
        f"INSERT INTO {quoted(table)} OVERRIDING SYSTEM VALUE SELECT * FROM {source}.{quoted(table)}"
        for table in tables
        if table in with_rows
    ]
    statements += [
        f"SELECT setval(pg_get_serial_sequence('{quoted(target)}.{quoted(table)}', '{column}'), "
        f"COALESCE(MAX({quoted(column)}), 1), MAX({quoted(column)}) IS NOT NULL) FROM {quoted(table)}"
        for table, column in identities
        if table in with_rows
    ]
    statements += [
        f"ALTER TABLE {quoted(table)} ADD CONSTRAINT {quoted(name)} {definition}"
        for table, name, definition, _kind in constraints
    ]
    statements += indexes
    statements.append("SET LOCAL search_path = public")
    return statements


def clone_script(template):
    """The cloning script of the template as it is now, with TARGET where the new schema's name goes."""
    fingerprint = template_fingerprint(template)
    if fingerprint not in SCRIPTS:
        key = f"clone-script:{fingerprint}"
        script = caches["shared"].get(key)
        if script is None:
            script = ";\n".join(clone_statements(template, TARGET))
            caches["shared"].set(key, script, SCRIPT_SECONDS)
        SCRIPTS[fingerprint] = script
    return SCRIPTS[fingerprint]


def clone_template(template, target):
    """Create `target` as a copy of `template`, inside the caller's transaction."""
    script = clone_script(template).replace(quoted(TARGET), quoted(target))
    with connection.cursor() as cursor:
        cursor.execute(script)
