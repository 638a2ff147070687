"""Benchmark of tenancy at a national scale: a thousand collectivités.

Runs against its own database (<DATABASE_URL's name>_bench), created for the run and dropped after it.
    python bench/tenancy_bench.py [--json out.json] [--count 1000] [--keep]
    python bench/tenancy_bench.py --reuse [--runs 10] [--json out.json]

Reports: the time to create a collectivité when there are already 10, 500 and 1,000 (median of the
ten creations ending there); `migrate_schemas` with nothing to apply over all of them (the command as
an operator runs it, Python's start included); routing (domain → collectivité) per request, from the
cache and from the database; the database's size.

A creation renames a spare copy of the template that the worker keeps ready (portal.spares): the
bench plays the worker, refilling the spares after each creation, outside the time measured. It also
times creations with no spare ready (the template copied during the creation, as when creations come
faster than the worker refills).

`--reuse` builds nothing: on the database a `--keep` run left, it brings the schemas to the code
(`migrate_schemas`), times `--runs` creations at the count there, then drops what it created. A
minute, to measure a change at a thousand collectivités.
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

from benchdb import drop_database, existing_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")
# The bench refills the spares itself: the nudges to the worker stay in this process.
os.environ.setdefault("CELERY_BROKER_URL", "memory://localhost/")
MILESTONES = (10, 500, 1000)
SUFFIX = "_bench"


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


def timed_creation(schema, index):
    """Seconds to create one collectivité; the spares are refilled afterwards, as the worker would."""
    from portal.spares import spares_refill
    from portal.tenancy import collectivite_create

    started = time.perf_counter()
    collectivite_create(schema=schema, name=f"Banc {index}", domain=f"{schema.replace('_', '-')}.localhost")
    elapsed = time.perf_counter() - started
    spares_refill()
    return elapsed


def copying_creations(schemas):
    """Seconds to create each collectivité with no spare ready: the template is copied meanwhile."""
    from django.test import override_settings

    from portal.spares import spares_drop, spares_refill

    spares_drop(stale_only=False)
    with override_settings(TENANT_SPARE_SCHEMAS=0):
        seconds = [timed_creation(schema, index) for index, schema in enumerate(schemas)]
    spares_refill()
    return seconds


def reuse(options):
    """Time creations on a kept database, then drop what was created."""
    from django.core.management import call_command
    from django.db import connection

    from portal.models import Collectivite

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    migrate = time.perf_counter() - started
    count = Collectivite.objects.exclude(schema_name="public").count()
    schemas = [f"banc_reuse_{index:02d}" for index in range(2 * options.runs)]
    Collectivite.objects.filter(schema_name__in=schemas).delete()  # left by an interrupted run
    try:
        copying = copying_creations(schemas[: options.runs])
        renaming = [timed_creation(schema, index) for index, schema in enumerate(schemas[options.runs :])]
    finally:
        for collectivite in Collectivite.objects.filter(schema_name__in=schemas):
            collectivite.delete(force_drop=True)
        connection.set_schema_to_public()
    return {
        "database": connection.settings_dict["NAME"],
        "collectivites": count,
        "migrate_schemas_s": round(migrate, 2),
        f"create_collectivite_at_{count}_s": round(statistics.median(renaming), 3),
        f"create_collectivite_copying_at_{count}_s": round(statistics.median(copying), 3),
        "runs": options.runs,
    }


def build(options, database):
    """Build `--count` collectivités, timing each creation, then time migrate and routing over them."""
    from django.core.management import call_command
    from django.db import connection

    from portal.models import Collectivite
    from portal.spares import spares_refill

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    first_migrate = time.perf_counter() - started
    spares_refill()

    created, copying = [], {}
    for index in range(options.count):
        created.append(timed_creation(f"bench_{index:04d}", index))
        if index + 1 in MILESTONES:
            [copying[index + 1]] = copying_creations([f"bench_copie_{index + 1:04d}"])
        if (index + 1) % 100 == 0:
            print(f"{index + 1} collectivités, la dernière en {created[-1]:.3f} s", flush=True)
    creation = {
        f"create_collectivite_at_{milestone}_s": round(statistics.median(created[milestone - 10 : milestone]), 3)
        for milestone in MILESTONES
        if milestone <= options.count
    }
    creation.update(
        {f"create_collectivite_copying_at_{milestone}_s": round(seconds, 3) for milestone, seconds in copying.items()}
    )
    # The copies made to time a creation without a spare are not part of the thousand.
    for collectivite in Collectivite.objects.filter(schema_name__startswith="bench_copie_"):
        collectivite.delete(force_drop=True)
    connection.set_schema_to_public()

    connection.close()
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(ROOT / "manage.py"), "migrate_schemas", "--noinput", "-v", "0"],
        check=True,
        env=os.environ,
    )
    migrate_noop = time.perf_counter() - started

    hostnames = [f"bench-{index:04d}.localhost" for index in range(options.count)]
    cached, uncached = routing_per_request(hostnames, runs=2000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_class")
        catalogue = cursor.fetchone()[0]
    connection.close()
    if not options.keep:
        drop_database(database)
    return {
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure creation on the database a --keep run left")
    parser.add_argument("--runs", type=int, default=10, help="with --reuse: creations timed (each way)")
    options = parser.parse_args()
    database = existing_database(SUFFIX) if options.reuse else fresh_database(SUFFIX)

    import django

    django.setup()
    results = {"tenancy": reuse(options) if options.reuse else build(options, database)}
    print(json.dumps(results, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
