"""Benchmark of tenancy: creating a collectivité, and migrate_schemas over 50 of them.

Runs against its own database (<DATABASE_URL's name>_bench), dropped and recreated each time.
    python bench/tenancy_bench.py [--json out.json] [--count 50]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from benchdb import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--count", type=int, default=50)
    options = parser.parse_args()
    database = fresh_database("_bench")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from portal.tenancy import collectivite_create

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    first_migrate = time.perf_counter() - started

    created = []
    for index in range(options.count):
        started = time.perf_counter()
        collectivite_create(schema=f"bench_{index:03d}", name=f"Banc {index}", domain=f"banc-{index}.localhost")
        created.append(time.perf_counter() - started)

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    migrate_all = time.perf_counter() - started

    # The same creation without the template: a full migrate of the new schema.
    settings.TENANT_CREATION_FAKES_MIGRATIONS = False
    without_template = []
    for index in range(3):
        started = time.perf_counter()
        collectivite_create(schema=f"bench_full_{index}", name=f"Complet {index}", domain=f"complet-{index}.localhost")
        without_template.append(time.perf_counter() - started)
    connection.close()

    results = {
        "tenancy": {
            "database": database,
            "collectivites": options.count,
            "first_migrate_s": round(first_migrate, 2),
            "create_collectivite_median_s": round(statistics.median(created), 3),
            "create_collectivite_p95_s": round(sorted(created)[int(0.95 * (len(created) - 1))], 3),
            "create_collectivite_without_template_median_s": round(statistics.median(without_template), 3),
            "migrate_schemas_all_s": round(migrate_all, 2),
        }
    }
    print(json.dumps(results, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
