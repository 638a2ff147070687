"""Benchmark of the assistant-maternel search: distance, age and half-day filters over 400 and 4,100 AM.

4,100 is the Hérault's count of assistants maternels; 400 a territory like Vie et Boulogne or Metz.
Runs against its own database (<DATABASE_URL's name>_bench_am), dropped and recreated each time.
    python bench/directory_search.py [--json out.json] [--runs 30]

For each size, one collectivité whose communes spread over ~100 km, AM with agrément places (a third with
declared availability at various dates and half-days), then times through the Django test client, anonymous:
the public search page and the directory API with a point, a 15 km radius, the child's age at a date and
half-days (server time p50 / p95 over the runs, and the query count of one more request).
"""

import argparse
import datetime
import json
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

from benchdb import drop_database, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

SUFFIX = "_bench_am"
SIZES = (400, 4100)
CENTRE = (43.61, 3.88)  # Montpellier
HALF_DAYS = ["mon_am", "mon_pm", "tue_am", "tue_pm", "wed_am", "wed_pm", "thu_am", "thu_pm", "fri_am", "fri_pm"]


def communes(count, rng):
    """Communes scattered over ~100 km around the centre, with their centres (code INSEE 34xxx)."""
    return [
        {
            "code_insee": f"34{index:03d}",
            "nom": f"Commune {index}",
            "latitude": round(CENTRE[0] + rng.uniform(-0.45, 0.45), 5),
            "longitude": round(CENTRE[1] + rng.uniform(-0.6, 0.6), 5),
        }
        for index in range(1, count + 1)
    ]


def populate(count, territory, rng):
    from django.utils import timezone

    from rpe.enums import AvailabilityStatus
    from rpe.geo import coarsen
    from rpe.models import AgrementPlace, AssistantMaternel, Availability, Relais

    today = timezone.localdate()
    relais = Relais.objects.create(name="Relais du banc", communes=[c["code_insee"] for c in territory])
    ams = []
    for index in range(count):
        commune = rng.choice(territory)
        lat = commune["latitude"] + rng.uniform(-0.02, 0.02)
        lon = commune["longitude"] + rng.uniform(-0.03, 0.03)
        coarse_lat, coarse_lon = coarsen(lat, lon)
        ams.append(
            AssistantMaternel(
                relais=relais,
                first_name=rng.choice(["Sylvie", "Nadia", "Sandrine", "Fatima", "Céline", "Marie"]),
                last_name=f"Nom{index}",
                birth_year=rng.randint(1960, 1998),
                phone=f"06 00 00 {index // 100 % 100:02d} {index % 100:02d}",
                email=f"am{index}@banc.test",
                address=f"{index} rue des Écoles",
                code_insee=commune["code_insee"],
                latitude=lat,
                longitude=lon,
                coarse_latitude=coarse_lat,
                coarse_longitude=coarse_lon,
                agrement_number=f"BANC-{index:06d}",
                publish_phone=index % 10 != 0,
                publish_email=index % 7 != 0,
                publish_address=index % 4 != 0,
                availability_confirmed_on=today - datetime.timedelta(days=rng.randint(0, 400)),
            )
        )
    ams = AssistantMaternel.objects.bulk_create(ams, batch_size=1000)
    places = AgrementPlace.objects.bulk_create(
        (
            AgrementPlace(am=am, count=rng.randint(1, 2), age_min_months=low, age_max_months=high)
            for am in ams
            for low, high in ((0, 36), (0, 72))[: rng.randint(1, 2)]
        ),
        batch_size=2000,
    )
    declared = [place for place in places if rng.random() < 0.35]
    Availability.objects.bulk_create(
        (
            Availability(
                place=place,
                status=rng.choice([AvailabilityStatus.NOW, AvailabilityStatus.FROM_DATE, AvailabilityStatus.NONE]),
                available_from=today + datetime.timedelta(days=rng.randint(0, 200)),
                count=1,
                half_days=sorted(rng.sample(HALF_DAYS, rng.randint(4, 10)), key=HALF_DAYS.index),
                age_min_months=place.age_min_months,
                age_max_months=place.age_max_months,
            )
            for place in declared
        ),
        batch_size=2000,
    )
    return len(ams), len(places), len(declared)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def timed_get(client, url, params, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code  # noqa: S101
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return response, {
        "p50_ms": round(statistics.median(durations) * 1000, 1),
        "p95_ms": round(percentile(durations, 0.95) * 1000, 1),
        "queries": len(queries.captured_queries),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    database = fresh_database(SUFFIX)

    import django

    django.setup()
    from django.test.utils import setup_test_environment

    # Instruments template rendering so that responses carry their context (the page's count).
    setup_test_environment()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from portal.tenancy import collectivite_create

    call_command("migrate_schemas", interactive=False, verbosity=0)
    results = {}
    for size in SIZES:
        rng = random.Random(size)  # noqa: S311 - reproducible synthetic data
        territory = communes(max(15, size // 12), rng)
        domain = f"banc-am-{size}.localhost"
        collectivite = collectivite_create(
            schema=f"bench_am_{size}", name=f"Banc AM {size}", domain=domain, communes=territory
        )
        with tenant_context(collectivite):
            started = time.perf_counter()
            ams, places, declared = populate(size, territory, rng)
            populate_s = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        connection.set_schema_to_public()
        client = Client(HTTP_HOST=domain)
        start = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
        point = {"latitude": CENTRE[0], "longitude": CENTRE[1], "radius_km": 15}
        page, page_timing = timed_get(
            client,
            "/assistants-maternels/",
            {**point, "age_months": 14, "start_date": start, "half_days": ["mon_am", "tue_am"]},
            options.runs,
        )
        api, api_timing = timed_get(
            client, "/api/v1/rpe/assistants-maternels/", {**point, "age_months": 14, "date": start}, options.runs
        )
        results[str(size)] = {
            "assistants_maternels": ams,
            "agrement_places": places,
            "declared_availabilities": declared,
            "populate_s": round(populate_s, 1),
            "filters": {**point, "age_months": 14, "date": start, "half_days": ["mon_am", "tue_am"]},
            "page_matching": page.context["page"].paginator.count if page.context else None,
            "page": page_timing,
            "api_matching": api.json()["count"],
            "api": api_timing,
        }
    connection.close()
    drop_database(database)
    output = {"directory_search": {**results, "runs": options.runs}}
    print(json.dumps(output, indent=2, ensure_ascii=False))
    if options.json:
        Path(options.json).write_text(json.dumps(output, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
