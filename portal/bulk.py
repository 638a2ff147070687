"""Many new rows in one COPY statement, for the few writes whose values are large (a commission's snapshots).

Django binds parameters on the client: psycopg quotes every value of a `bulk_create` in Python, and for the
900 dossiers of a commission (1.3 MB of JSON facts, wishes and score details) that quoting alone took longer
than the rest of the preparation. COPY sends the same values, prepared by each field as `bulk_create`
prepares them, escaped in C, in one statement.
"""

from django.db import connection
from psycopg import sql


def copy_insert(model, objects) -> int:
    """Insert the unsaved `objects` of `model`; returns the number of rows.

    As with `bulk_create`, no signal is sent and `save()` is not called; unlike it, the objects get no primary
    key back (the callers do not need them) and the statement is not in Django's query log.
    """
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.auto_field]
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(model._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(field.column) for field in fields),
    )
    count = 0
    # Django's cursor first: it carries the tenant's search_path; psycopg's own below it runs the COPY.
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
            count += 1
    return count
