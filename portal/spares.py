"""Spare schemas: copies of the template made ahead of time, so that creating a collectivité is a rename.

Copying the template creates some 560 catalogue objects (tables, their sequences, 470 indexes), each
an index build and scattered writes into a catalogue that a thousand collectivités make hundreds of
thousands of rows long: half a second to a second. `ALTER SCHEMA … RENAME` touches one row. So a
worker keeps a few spares (`_reserve_…`: a collectivité's schema starts with a letter, never with
`_`) and a creation renames one; with none ready it copies the template as before.

A spare is usable only while its migration records are the template's: it is then the template as it
is now. The template is never copied while it is being migrated (an advisory lock), and
`migrate_schemas` drops the spares left behind by a change of the template.

Two creations never take the same spare: each holds a lock on the spare it renames until it commits,
and skips, without waiting, a spare another one holds.
"""

import uuid

from django.conf import settings
from django.db import connection, transaction

from portal.cloning import clone_template, migration_state, quoted, template_is_current

SPARE_PREFIX = "_reserve_"
# Advisory locks of this module: (LOCK_CLASS, hashtext(spare name)) for a spare being taken or dropped,
# (LOCK_CLASS, TEMPLATE_LOCK) while the template is being migrated or copied into a spare.
LOCK_CLASS = 7_301
TEMPLATE_LOCK = 0


def spare_count_wanted():
    return settings.TENANT_SPARE_SCHEMAS


def spare_names():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname", [SPARE_PREFIX]
        )
        return [row[0] for row in cursor.fetchall()]


def spare_lock(cursor, name):
    """Take the spare `name` for this transaction if no other one holds it, and say whether it still exists."""
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASS, name])
    if not cursor.fetchone()[0]:
        return False
    # A statement of its own, after the lock: its snapshot sees a rename committed by the lock's last holder.
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", [name])
    return cursor.fetchone()[0]


def spare_claim(template, target):
    """Rename a ready spare to `target`, in the caller's transaction; False when none is ready."""
    wanted = migration_state(template)
    with connection.cursor() as cursor:
        for name in spare_names():
            if spare_lock(cursor, name) and migration_state(name) == wanted:
                cursor.execute(f"ALTER SCHEMA {quoted(name)} RENAME TO {quoted(target)}")
                return True
    return False


def template_lock(cursor):
    """Until the transaction ends, nobody migrates the template nor copies it (waits for its turn)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, TEMPLATE_LOCK])


def spares_refill(template=None):
    """Copy the template until `TENANT_SPARE_SCHEMAS` spares at its current state are ready; how many made."""
    template = template or settings.TENANT_BASE_SCHEMA
    connection.set_schema_to_public()
    made = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            template_lock(cursor)
            if not template_is_current():
                return made
            wanted = migration_state(template)
            ready = [name for name in spare_names() if migration_state(name) == wanted]
            if len(ready) >= spare_count_wanted():
                return made
            clone_template(template, f"{SPARE_PREFIX}{uuid.uuid4().hex[:16]}")
        made += 1


def spares_drop(template=None, *, stale_only=True):
    """Drop the spares no longer at the template's state (every spare with `stale_only=False`); how many."""
    template = template or settings.TENANT_BASE_SCHEMA
    connection.set_schema_to_public()
    dropped = 0
    for name in spare_names():
        with transaction.atomic(), connection.cursor() as cursor:
            if not spare_lock(cursor, name):
                continue
            if stale_only and migration_state(name) == migration_state(template):
                continue
            cursor.execute(f"DROP SCHEMA {quoted(name)} CASCADE")
            dropped += 1
    return dropped
