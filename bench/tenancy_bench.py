"""Benchmark of tenancy at a national scale: a thousand collectivités.

Runs against its own database (<DATABASE_URL's name>_bench), created for the run and dropped after it.
    python bench/tenancy_bench.py [--json out.json] [--count 1000] [--keep]

Reports: the time to create a collectivité when there are already 10, 500 and 1,000 (median of the
ten creations ending there); `migrate_schemas` with nothing to apply over all of them (the command as
an operator runs it, Python's start included); routing (domain → collectivité) per request, from the
cache and from the database; the database's size.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchdb import drop_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")
MILESTONES = (10, 500, 1000)


def routing_per_request(hostnames, runs):
    """Seconds per request spent routing, with the cache warm and with it empty (a query each time)."""
    from django.core.cache import caches
    from django.db import connection
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.caching import forget_local_routes
    from portal.middleware import CachedTenantMiddleware

    middleware = CachedTenantMiddleware(lambda _request: HttpResponse())
    factory = RequestFactory()
    requests = [factory.get("/", HTTP_HOST=random.choice(hostnames)) for _ in range(runs)]  # noqa: S311

    def timed(clear):
        started = time.perf_counter()
        for request in requests:
            if clear:
                caches["shared"].clear()
                forget_local_routes()
            middleware(request)
        return (time.perf_counter() - started) / runs

    timed(clear=False)
    cached = timed(clear=False)
    uncached = timed(clear=True)
    connection.set_schema_to_public()
    return cached, uncached


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    database = fresh_database("_bench")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.tenancy import collectivite_create

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    first_migrate = time.perf_counter() - started

    created = []
    for index in range(options.count):
        started = time.perf_counter()
        collectivite_create(schema=f"bench_{index:04d}", name=f"Banc {index}", domain=f"banc-{index}.localhost")
        created.append(time.perf_counter() - started)
        if (index + 1) % 100 == 0:
            print(f"{index + 1} collectivités, la dernière en {created[-1]:.3f} s", flush=True)
    creation = {
        f"create_collectivite_at_{milestone}_s": round(statistics.median(created[milestone - 10 : milestone]), 3)
        for milestone in MILESTONES
        if milestone <= options.count
    }

    connection.close()
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(ROOT / "manage.py"), "migrate_schemas", "--noinput", "-v", "0"],
        check=True,
        env=os.environ,
    )
    migrate_noop = time.perf_counter() - started

    hostnames = [f"banc-{index}.localhost" for index in range(options.count)]
    cached, uncached = routing_per_request(hostnames, runs=2000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_class")
        catalogue = cursor.fetchone()[0]
    connection.close()
    if not options.keep:
        drop_database(database)

    results = {
        "tenancy": {
            "database": database,
            "collectivites": options.count,
            "first_migrate_s": round(first_migrate, 2),
            **creation,
            "migrate_schemas_noop_s": round(migrate_noop, 2),
            "routing_cached_ms": round(cached * 1000, 3),
            "routing_uncached_ms": round(uncached * 1000, 3),
            "database_size_mb": round(size / 1024 / 1024),
            "catalogue_entries": catalogue,
        }
    }
    print(json.dumps(results, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
