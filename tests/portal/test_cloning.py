"""A collectivité's schema is an exact copy of the template: same tables, columns, indexes, constraints."""

from django.db import connection

from portal.tenancy import TEMPLATE_SCHEMA, collectivite_create

CATALOGUE = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL, is_identity
        FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2""",
    # A partial index's predicate is compared without its WHERE clause: PostgreSQL prints the same
    # condition with different casts once re-parsed (ARRAY[...]::text[] against ARRAY[(...)::text]).
    "indexes": """
        SELECT tablename, indexname, regexp_replace(regexp_replace(indexdef, ' ON [^ ]+\\.', ' ON '), ' WHERE .*$', '')
        FROM pg_indexes WHERE schemaname = %s ORDER BY 1, 2""",
    "constraints": """
        SELECT t.relname, c.conname, c.contype, c.condeferrable, c.condeferred,
               regexp_replace(pg_get_constraintdef(c.oid), '[a-z_]+\\.', '', 'g')
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = %s ORDER BY 1, 2""",
    "rows": """
        SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = %s ORDER BY 1""",
}


def catalogue(schema):
    result = {}
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = public")
        for key, query in CATALOGUE.items():
            if key == "rows":
                continue
            cursor.execute(query, [schema])
            result[key] = cursor.fetchall()
        for table, *_rest in {row[0:1] for row in result["columns"]}:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608 - names from the catalogue
            result.setdefault("rows", []).append((table, cursor.fetchone()[0]))
    result["rows"].sort()
    return result


def test_a_new_collectivite_is_an_exact_copy_of_the_template(db):
    collectivite_create(schema="copie_exacte", name="Copie", domain="copie-exacte.localhost")
    assert catalogue("copie_exacte") == catalogue(TEMPLATE_SCHEMA)


def test_identity_sequences_continue_after_the_copied_rows(db):
    from django_tenants.utils import tenant_context

    from families.models import DocumentType

    collectivite = collectivite_create(schema="copie_sequences", name="Copie", domain="copie-sequences.localhost")
    with tenant_context(collectivite):
        existing = DocumentType.objects.count()
        created = DocumentType.objects.create(code="nouvelle", label="Nouvelle pièce")
        assert created.pk > existing
