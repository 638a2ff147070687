"""Spare copies of the template: a creation renames one at the template's state, never one another takes."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

from portal.cloning import TARGET, clone_script, quoted
from portal.spares import LOCK_CLASS, SPARE_PREFIX, TEMPLATE_LOCK, spare_names, spares_drop, spares_refill
from portal.tenancy import TEMPLATE_SCHEMA, collectivite_create, template_sync
from tests.portal.test_cloning import catalogue

HELD_SPARE = f"{SPARE_PREFIX}pris_ailleurs"


def schema_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", [name])
        return cursor.fetchone()[0]


def make_stale(spare):
    """The spare as it was made before the template's last migration."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quoted(spare)}.django_migrations "  # noqa: S608 - a test schema
            f"WHERE id = (SELECT max(id) FROM {quoted(spare)}.django_migrations)"
        )


@pytest.fixture
def one_spare(db, settings):
    settings.TENANT_SPARE_SCHEMAS = 1
    assert spares_refill() == 1
    [spare] = spare_names()
    return spare


def test_refilling_makes_the_spares_asked_for_and_no_more(one_spare, settings):
    assert spares_refill() == 0
    settings.TENANT_SPARE_SCHEMAS = 2
    assert spares_refill() == 1
    assert len(spare_names()) == 2


def test_a_creation_renames_a_ready_spare_into_an_exact_copy_of_the_template(one_spare):
    collectivite_create(schema="de_reserve", name="De réserve", domain="de-reserve.localhost")
    assert spare_names() == []
    assert catalogue("de_reserve") == catalogue(TEMPLATE_SCHEMA)


def test_a_creation_has_the_worker_refill_the_spares_once_committed(db, settings, django_capture_on_commit_callbacks):
    settings.TENANT_SPARE_SCHEMAS = 1
    with django_capture_on_commit_callbacks(execute=True):
        collectivite_create(schema="relance", name="Relance", domain="relance.localhost")
    assert len(spare_names()) == 1


def test_without_a_spare_a_creation_copies_the_template(db):
    assert spare_names() == []
    collectivite_create(schema="sans_reserve", name="Sans réserve", domain="sans-reserve.localhost")
    assert catalogue("sans_reserve") == catalogue(TEMPLATE_SCHEMA)


def test_a_spare_from_before_the_templates_last_migration_is_never_used(one_spare):
    make_stale(one_spare)
    collectivite_create(schema="apres_migration", name="Après", domain="apres-migration.localhost")
    assert spare_names() == [one_spare]
    assert catalogue("apres_migration") == catalogue(TEMPLATE_SCHEMA)


def test_refilling_does_not_count_a_stale_spare(one_spare):
    make_stale(one_spare)
    assert spares_refill() == 1
    assert len(spare_names()) == 2


def test_dropping_stale_spares_keeps_those_at_the_templates_state(one_spare, settings):
    settings.TENANT_SPARE_SCHEMAS = 2
    spares_refill()
    make_stale(one_spare)
    assert spares_drop() == 1
    assert one_spare not in spare_names()
    assert len(spare_names()) == 1


def test_migrate_schemas_drops_the_stale_spares(one_spare):
    make_stale(one_spare)
    call_command("migrate_schemas", interactive=False, verbosity=0)
    assert not schema_exists(one_spare)


def other_connection():
    """A second session on the test database, as another creation in another process would have."""
    config = connection.settings_dict
    params = {
        "dbname": config["NAME"],
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
    }
    return psycopg.connect(**{key: value for key, value in params.items() if value})


@pytest.fixture
def spare_held_by_another_creation(django_db_setup, django_db_blocker):
    """A ready spare, committed, that another session is renaming (holds its lock) during the test.

    Requested before `db`, so that it is dropped after the test's transaction is rolled back.
    """
    with django_db_blocker.unblock():
        script = clone_script(TEMPLATE_SCHEMA).replace(quoted(TARGET), quoted(HELD_SPARE))
    other = other_connection()
    try:
        other.execute(script)
        other.commit()
        other.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASS, HELD_SPARE])
        yield HELD_SPARE
    finally:
        other.rollback()
        other.execute(f"DROP SCHEMA IF EXISTS {quoted(HELD_SPARE)} CASCADE")
        other.commit()
        other.close()


def test_a_spare_another_creation_is_taking_is_skipped_without_waiting(spare_held_by_another_creation, db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '5s'")
    assert spare_names() == [spare_held_by_another_creation]
    collectivite_create(schema="en_parallele", name="En parallèle", domain="en-parallele.localhost")
    assert schema_exists(spare_held_by_another_creation)
    assert catalogue("en_parallele") == catalogue(TEMPLATE_SCHEMA)


@pytest.fixture
def other_session():
    other = other_connection()
    yield other
    other.rollback()
    other.close()


def test_refilling_waits_while_the_template_is_being_migrated(db, settings, other_session):
    settings.TENANT_SPARE_SCHEMAS = 1
    other_session.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, TEMPLATE_LOCK])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '200ms'")
    with pytest.raises(OperationalError, match="lock timeout"):
        spares_refill()
    other_session.rollback()
    assert spares_refill() == 1


def test_the_template_is_migrated_under_the_lock_refilling_waits_for(db, other_session, monkeypatch):
    seen = []

    def migrate(*_args, **_kwargs):
        seen.append(
            other_session.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, TEMPLATE_LOCK]).fetchone()
        )

    monkeypatch.setattr("portal.tenancy.call_command", migrate)
    template_sync()
    assert seen == [(False,)]
    released = other_session.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, TEMPLATE_LOCK])
    assert released.fetchone() == (True,)
