"""Where the server time of one signed-in page goes: queries per request, then a cProfile of N GETs.

Runs in-process (Django's test Client) against DATABASE_URL's seeded demo (seed_demo --allow-demo), with
DEBUG off as under gunicorn:
    python bench/profile_page.py /famille/ parent@metz.demo [--n 200] [--sort cumulative] [--sql]
"""

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "profile-only")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("CONN_MAX_AGE", "60")  # as gunicorn serves it (docker-compose.yml)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from portal.accounts.models import User  # noqa: E402
from portal.models import Collectivite  # noqa: E402

HOST = "metz.localhost"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("email")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--save", help="write the page there, CSRF tokens blanked (to compare HTML before/after)")
    options = parser.parse_args()
    client = Client(HTTP_HOST=HOST)
    with tenant_context(Collectivite.objects.get(slug="metz")):
        client.force_login(User.objects.get(email=options.email))
    connection.set_schema_to_public()
    for _ in range(3):
        response = client.get(options.path)
        if response.status_code != 200:
            sys.exit(f"{options.path}: {response.status_code}")
    if options.save:
        Path(options.save).write_bytes(re.sub(rb'value="[A-Za-z0-9]{64}"', b'value="csrf"', response.content))
    with CaptureQueriesContext(connection) as queries:
        client.get(options.path)
    print(f"{len(queries)} queries, {len(response.content)} bytes")
    if options.sql:
        for query in queries.captured_queries:
            print(f"  {query['time']}s", query["sql"][:300])
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(options.n):
        client.get(options.path)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{wall / options.n * 1000:.2f} ms per request, {cpu / options.n * 1000:.2f} ms of it this process's CPU")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(options.n):
        client.get(options.path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(options.sort).print_stats(options.limit)


if __name__ == "__main__":
    main()
