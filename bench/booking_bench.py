"""Benchmark of the relais' appointments: slot search, next free slot, booking throughput under contention.

One relais with 3 lieux, 6 animatrices (each: every weekday morning and two afternoons), 5 motifs and 400
appointments already booked over the coming month. Times, in-process (server time, Django's test client):
- the free slots of one motif for a month through the API (`/api/v1/rpe/creneaux/`, 31 days), every motif in
  turn; target under 50 ms;
- the next free slot across the relais (every motif); target under 100 ms;
- 50 concurrent clients booking on that relais through the API, each retrying on 409 with the next free slots
  offered: bookings per second, and the number of double bookings found afterwards (must be 0).

Runs against its own database (<DATABASE_URL's name>_bench_booking), dropped and recreated each time.
    python bench/booking_bench.py [--json out.json] [--clients 50] [--attempts 6]
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

from benchdb import drop_database, fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

MOTIFS = [
    ("Recherche d'un mode d'accueil", 45),
    ("Contrat", 60),
    ("Mensualisation", 30),
    ("Fin de contrat", 45),
    ("Agrément", 30),
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def build(collectivite, rng):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from rpe.booking import calendars, services
    from rpe.booking.enums import BookableBy
    from rpe.models import Lieu, Motif, Plage, Relais, RelaisMembership
    from rpe.slots import PARIS

    relais = Relais.objects.create(name="Relais du banc d'essai", communes=["44109"])
    lieux = [Lieu.objects.create(relais=relais, name=f"Lieu {n}", code_insee="44109") for n in range(3)]
    password = make_password("banc-d-essai-mot-de-passe")
    animatrices = []
    for number in range(6):
        user = User.objects.create(
            email=f"animatrice{number}@banc.test", roles=[Role.ANIMATRICE_RPE], password=password
        )
        RelaisMembership.objects.create(user=user, relais=relais)
        animatrices.append(user)
    motifs = [
        Motif.objects.create(
            relais=relais,
            name=name,
            duration_minutes=minutes,
            buffer_minutes=15 if minutes == 60 else 0,
            bookable_by=BookableBy.EVERYONE,
            min_delay_hours=0,
            max_delay_days=90,
        )
        for name, minutes in MOTIFS
    ]
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for index, animatrice in enumerate(animatrices):
        hours = [(day, datetime.time(9), datetime.time(12, 30)) for day in range(5)]
        hours += [(day, datetime.time(14), datetime.time(17, 30)) for day in (1 + index % 2, 3 + index % 2)]
        for day, start, end in hours:
            plage = Plage.objects.create(
                animatrice=animatrice,
                lieu=lieux[(index + day) % 3],
                first_day=monday + datetime.timedelta(days=day),
                start_time=start,
                end_time=end,
            )
            plage.motifs.set(motifs)
    # 400 appointments over the coming month, booked by the relais on people's behalf.
    staff = animatrices[0]
    start = datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(), tzinfo=PARIS)
    end = start + datetime.timedelta(days=31)
    booked = 0
    while booked < 400:
        motif = rng.choice(motifs)
        slots = calendars.search(motif, start, end, staff=True)
        slot = rng.choice(slots)
        lieu = next(lieu for lieu in lieux if lieu.pk == slot.place)
        try:
            services.appointment_book(
                motif=motif, start=slot.start, lieu=lieu, booked_by=staff, contact_name="X", contact_phone="0600000000"
            )
            booked += 1
        except services.BookingError:
            continue
    parents = [
        User.objects.create(email=f"parent{number}@banc.test", roles=[Role.PARENT], password=password)
        for number in range(50)
    ]
    return relais, motifs, parents, start.date(), end.date()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=6, help="bookings each client tries")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    options = parser.parse_args()
    database = fresh_database("_bench_booking")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from portal.tenancy import collectivite_create
    from rpe.booking import calendars
    from rpe.models import Appointment

    call_command("migrate_schemas", interactive=False, verbosity=0)
    collectivite = collectivite_create(
        schema="banc", name="Banc", domain="banc.localhost", communes=[{"code_insee": "44109", "nom": "Nantes"}]
    )
    rng = random.Random(20261127)
    with tenant_context(collectivite):
        relais, motifs, parents, first, last = build(collectivite, rng)
        clients = []
        for parent in parents:
            client = Client(HTTP_HOST="banc.localhost")
            client.force_login(parent)
            clients.append(client)
        existing = Appointment.objects.count()
    connection.set_schema_to_public()

    # Slot search: a month of one motif through the API, every motif in turn, warm.
    search_ms = []
    client = clients[0]
    for _round in range(6):
        for motif in motifs:
            url = f"/api/v1/rpe/creneaux/?motif={motif.pk}&from={first}&to={first + datetime.timedelta(days=30)}"
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"creneaux: HTTP {response.status_code} {response.content[:200]}")
            if _round:
                search_ms.append(elapsed)
    slots_in_month = len(response.json())

    # Next free slot across the relais (every motif), in-process.
    next_ms = []
    with tenant_context(collectivite):
        for _round in range(10):
            started = time.perf_counter()
            found = calendars.next_free_across_relais(relais)
            next_ms.append((time.perf_counter() - started) * 1000)
    connection.set_schema_to_public()

    # Throughput: every client books `attempts` times, on a slot it saw free, retrying with the offered ones.
    barrier = threading.Barrier(len(clients))
    outcomes = {"created": 0, "conflicts": 0, "errors": 0}
    lock = threading.Lock()

    def contender(number, client):
        local = random.Random(number)
        try:
            motif = motifs[number % len(motifs)]
            url = f"/api/v1/rpe/creneaux/?motif={motif.pk}&from={first}&to={first + datetime.timedelta(days=30)}"
            slots = client.get(url).json()
            barrier.wait(timeout=120)
            for _attempt in range(options.attempts):
                for _retry in range(5):
                    slot = local.choice(slots[:20]) if slots else None
                    if slot is None:
                        break
                    response = client.post(
                        "/api/v1/rpe/rendez-vous/",
                        {"motif": motif.pk, "start": slot["start"], "place": slot["place"]},
                        content_type="application/json",
                    )
                    with lock:
                        if response.status_code == 201:
                            outcomes["created"] += 1
                        elif response.status_code == 409:
                            outcomes["conflicts"] += 1
                        else:
                            outcomes["errors"] += 1
                    if response.status_code == 201:
                        slots = [other for other in slots if other["start"] != slot["start"]]
                        break
                    slots = response.json().get("next_slots") or client.get(url).json()
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=pair) for pair in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - started

    with tenant_context(collectivite), connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM rpe_appointment a JOIN rpe_appointment b
               ON a.animatrice_id = b.animatrice_id AND a.id < b.id
               AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
               WHERE a.status NOT LIKE 'cancelled%%' AND b.status NOT LIKE 'cancelled%%'"""
        )
        double_bookings = cursor.fetchone()[0]
        total = Appointment.objects.count()
    connection.set_schema_to_public()
    connection.close()

    results = {
        "booking": {
            "setup": {"lieux": 3, "animatrices": 6, "motifs": len(motifs), "existing_appointments": existing},
            "slot_search_month_ms": {
                "median": round(statistics.median(search_ms), 2),
                "p95": round(percentile(search_ms, 0.95), 2),
                "min": round(min(search_ms), 2),
                "max": round(max(search_ms), 2),
                "target": 50,
                "slots_in_last_month_searched": slots_in_month,
            },
            "next_free_slot_across_relais_ms": {
                "median": round(statistics.median(next_ms), 2),
                "p95": round(percentile(next_ms, 0.95), 2),
                "target": 100,
                "found": found[0].start.isoformat() if found else None,
            },
            "concurrent_booking": {
                "clients": len(clients),
                "bookings": outcomes["created"],
                "conflicts_409": outcomes["conflicts"],
                "other_errors": outcomes["errors"],
                "seconds": round(wall_s, 2),
                "bookings_per_second": round(outcomes["created"] / wall_s, 1),
                "appointments_after": total,
                "double_bookings": double_bookings,
            },
        }
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if options.json:
        Path(options.json).write_text(json.dumps(results))
    if not options.keep:
        drop_database(database)
    if double_bookings:
        raise SystemExit("double bookings found")


if __name__ == "__main__":
    main()
