"""Benchmark of the fee simulator: server time of a full page and of its HTMX fragment.

Runs against its own database (<DATABASE_URL's name>_bench_simulator), dropped and recreated each time.
    python bench/simulator_bench.py [--json out.json] [--runs 50]
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

QUERY = {
    "annual_resources": "42000",
    "children": "2",
    "aeeh_children": "0",
    "hours_per_week": "40",
    "weeks_per_year": "45",
    "hourly_wage": "4.20",
}


def timed(client, headers, runs):
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get("/simulateur/", QUERY, **headers)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or b'id="resultat"' not in response.content:
            raise RuntimeError(f"le simulateur n'a pas calculé (HTTP {response.status_code})")
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--runs", type=int, default=50)
    options = parser.parse_args()
    fresh_database("_bench_simulator")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from creches.demo import fee_scales_seed
    from portal.tenancy import collectivite_create

    call_command("migrate_schemas", interactive=False, verbosity=0)
    collectivite = collectivite_create(schema="banc_simulateur", name="Banc", domain="banc-simulateur.localhost")
    with tenant_context(collectivite):
        fee_scales_seed()
    connection.set_schema_to_public()
    client = Client(HTTP_HOST="banc-simulateur.localhost")
    page = timed(client, {}, options.runs)
    fragment = timed(client, {"HTTP_HX_REQUEST": "true"}, options.runs)
    results = {
        "simulator": {
            "runs": options.runs,
            "page_median_ms": round(statistics.median(page[1:]), 2),
            "page_p95_ms": round(sorted(page)[int(0.95 * (len(page) - 1))], 2),
            "htmx_fragment_median_ms": round(statistics.median(fragment[1:]), 2),
            "first_request_ms": round(page[0], 2),
        }
    }
    print(json.dumps(results, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
