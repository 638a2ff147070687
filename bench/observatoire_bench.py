"""Benchmark of the observatoire: snapshot computation, the dashboard and the API over 100,000 requests and
4,000 assistants maternels, then the guide (300 AM, 20 établissements, 3 relais) and the annual report.

Runs against its own database (<DATABASE_URL's name>_bench_observatoire), dropped and recreated each time.
    python bench/observatoire_bench.py [--json out.json] [--count 100000] [--am 4000] [--runs 20]

Server time through the Django test client (p50/p95 over the runs, queries of one request); documents are
built in a forked worker process whose peak resident memory is read from the kernel (ru_maxrss).
"""

import argparse
import datetime
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from benchdb import fresh_database
from guichet_queue import COMMUNES, populate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

SUFFIX = "_bench_observatoire"
CENTRES = [(49.1196, 6.1757), (49.0956, 6.1512), (49.1522, 6.1527), (49.1236, 6.1386), (49.1083, 6.1417)]


def add_assistants_maternels(count, rng, communes, relais_count=3):
    from rpe.enums import AvailabilityStatus
    from rpe.models import AgrementPlace, AssistantMaternel, Availability, Relais

    relais = Relais.objects.bulk_create(
        Relais(name=f"Relais petite enfance {index + 1}", communes=[c["code_insee"] for c in communes])
        for index in range(relais_count)
    )
    this_year = datetime.date.today().year
    ams = AssistantMaternel.objects.bulk_create(
        (
            AssistantMaternel(
                relais=relais[index % len(relais)],
                first_name="Am",
                last_name=f"Banc{index}",
                birth_year=this_year - rng.randrange(25, 68),
                code_insee=communes[index % len(communes)]["code_insee"],
                agrement_number=f"BANC-{index:06d}",
                arrived_on=datetime.date(this_year - rng.randrange(0, 25), rng.randrange(1, 13), 1),
                archived_on=None if rng.random() > 0.08 else datetime.date(this_year - rng.randrange(0, 4), 6, 1),
            )
            for index in range(count)
        ),
        batch_size=2000,
    )
    places = AgrementPlace.objects.bulk_create(
        (AgrementPlace(am=am, count=rng.randrange(1, 5), age_min_months=0, age_max_months=36) for am in ams),
        batch_size=2000,
    )
    Availability.objects.bulk_create(
        (Availability(place=place, status=AvailabilityStatus.NOW, count=1) for place in places if rng.random() < 0.2),
        batch_size=2000,
    )
    return len(ams)


def timed(client, url, params, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code  # noqa: S101
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    durations.sort()
    return {
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(durations[max(0, round(0.95 * len(durations)) - 1)], 1),
        "queries": len(queries.captured_queries),
    }


def _build_in_child(schema, what, queue):
    from django.db import connection
    from django_tenants.utils import get_tenant_model, tenant_context

    from observatoire import documents

    connection.close()
    tenant = get_tenant_model().objects.get(schema_name=schema)
    with tenant_context(tenant):
        started = time.perf_counter()
        if what == "guide":
            documents.guide_build("fr")
        else:
            documents.report_build(datetime.date.today().year)
        elapsed = time.perf_counter() - started
    queue.put(
        {
            "build_s": round(elapsed, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )


def build_in_worker(schema, what):
    """Build a document in a forked process (a worker's shape): its time and its peak resident memory."""
    from django.db import connections

    connections.close_all()
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=_build_in_child, args=(schema, what, queue))
    process.start()
    result = queue.get(timeout=600)
    process.join()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--am", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    database = fresh_database(SUFFIX)

    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from creches.models import Establishment
    from observatoire.models import CommunePopulation
    from observatoire.services import snapshot_compute
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.tenancy import collectivite_create

    call_command("migrate_schemas", interactive=False, verbosity=0)
    communes = [
        {**commune, "latitude": lat, "longitude": lon} for commune, (lat, lon) in zip(COMMUNES, CENTRES, strict=True)
    ]
    domain = "banc-observatoire.localhost"
    big = collectivite_create(schema="bench_obs", name="Banc de l'observatoire", domain=domain, communes=communes)
    rng = random.Random(20261127)  # noqa: S311 - reproducible synthetic data
    year = datetime.date.today().year
    with tenant_context(big):
        started = time.perf_counter()
        requests, _documents, _wishes = populate(options.count, rng)
        am = add_assistants_maternels(options.am, rng, communes)
        CommunePopulation.objects.bulk_create(
            CommunePopulation(code_insee=c["code_insee"], year=year - 3, children_under_3=rng.randrange(300, 3000))
            for c in communes
        )
        populate_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        snapshot_compute(year)
        snapshot_s = time.perf_counter() - started
        elu = User.objects.create_user(email="elu@banc.test", password=None, roles=[Role.ELU])
        TOTP.activate(elu, "JBSWY3DPEHPK3PXP")
        client = Client(HTTP_HOST=domain)
        client.force_login(elu)
    connection.set_schema_to_public()
    dashboard = timed(client, "/observatoire/", {"annee": year}, options.runs)
    filtered = timed(client, "/observatoire/", {"annee": year, "commune": COMMUNES[1]["code_insee"]}, options.runs)
    api = timed(client, "/api/v1/observatoire/indicateurs/", {"year": year}, options.runs)
    xlsx = timed(client, "/observatoire/export/tout.xlsx", {"annee": year}, max(3, options.runs // 4))

    small = collectivite_create(
        schema="bench_obs_guide", name="Banc du guide", domain="banc-guide.localhost", communes=communes
    )
    with tenant_context(small):
        populate(2000, rng)
        Establishment.objects.filter(pk__in=list(Establishment.objects.values_list("pk", flat=True)[20:])).update(
            is_active=False
        )
        add_assistants_maternels(300, rng, communes)
    connection.set_schema_to_public()
    guide = build_in_worker("bench_obs_guide", "guide")
    report = build_in_worker("bench_obs", "report")

    results = {
        "observatoire": {
            "database": database,
            "requests": requests,
            "assistants_maternels": am,
            "populate_s": round(populate_s, 1),
            "snapshot_compute_s": round(snapshot_s, 2),
            "dashboard": dashboard,
            "dashboard_filtered_by_commune": filtered,
            "api_indicators": api,
            "xlsx_all_tables": xlsx,
            "guide_300_am_20_etablissements_3_relais": guide,
            "annual_report": report,
            "runs": options.runs,
        }
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
