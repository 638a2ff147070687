"""The embedded PostgreSQL of `make run` and `make test` (no DATABASE_URL) has the extensions the apps need.

CI runs the suite on the machine's PostgreSQL: this test starts the embedded one for real, in a folder of its own.
"""

import psutil
import psycopg

from portal import devserver


def test_the_embedded_postgresql_is_18_creates_the_contrib_extensions_and_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(devserver, "LOCAL", tmp_path)
    services = devserver.EmbeddedServices()
    try:
        url = services.start_postgres()
        assert (tmp_path / "postgres-18" / "PG_VERSION").read_text().strip() == "18"
        postmaster = psutil.Process(services.postgres.get_pid())
        with psycopg.connect(url, autocommit=True) as database:
            assert database.info.dbname == devserver.DATABASE_NAME
            for name in ("btree_gist", "pg_trgm", "unaccent"):
                database.execute(f"CREATE EXTENSION {name}")
            assert database.execute("SELECT unaccent('crèche')").fetchone() == ("creche",)
    finally:
        services.stop()
    assert stopped(postmaster)


def stopped(process):
    """Exited: gone, or a zombie its parent (not us: pg_ctl daemonises it) has not collected yet."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
