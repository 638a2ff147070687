"""Benchmark of a full commission session for the demo city (Metz, ~1,000 requests), end to end.

Seeds the demo collectivités, then in Metz times separately: creating the session, preparing it (snapshot and
score of every dossier), allocating (engine in-process) and rendering the session page (the proposal) as the
demo agent. Benchmark data only: when the seeded openings or eligible requests are too few for a real Metz
commission, the bench database gets extra openings and requests moved to "complete" (reported in the output).

Runs against its own database (<DATABASE_URL's name>_bench_session), dropped and recreated each time.
    python bench/session_bench.py [--json out.json] [--places 200] [--eligible 900] [--profile prepare.prof]
"""

import argparse
import cProfile
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

from benchdb import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

OPENING_NOTE = "Banc d'essai : places supplémentaires"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def extra_openings(target, available_from):
    """Declare openings spread over every active section (by capacity) until about `target` places are on offer."""
    from django.db.models import Sum

    from creches.models import PlaceOpening, Section

    existing = PlaceOpening.objects.aggregate(total=Sum("count"))["total"] or 0
    missing = target - existing
    if missing <= 0:
        return existing, 0
    sections = list(Section.objects.filter(establishment__is_active=True).order_by("establishment", "min_age_months"))
    capacity = sum(max(section.capacity, 1) for section in sections)
    shares = [max(1, round(missing * max(section.capacity, 1) / capacity)) for section in sections]
    # Trim or pad the rounding so that the total is exactly `missing`.
    index = 0
    while sum(shares) > missing and any(share > 1 for share in shares):
        if shares[index % len(shares)] > 1:
            shares[index % len(shares)] -= 1
        index += 1
    index = 0
    while sum(shares) < missing:
        shares[index % len(shares)] += 1
        index += 1
    PlaceOpening.objects.bulk_create(
        PlaceOpening(section=section, count=share, available_from=available_from, note=OPENING_NOTE)
        for section, share in zip(sections, shares, strict=True)
    )
    return existing, sum(shares)


def more_eligible(wanted):
    """Move demo requests to "complete" (queryset update, bench database only) until `wanted` are eligible."""
    from commissions.sessions import ELIGIBLE_STATUSES
    from families.enums import ApplicationStatus
    from families.models import Application

    eligible = Application.objects.filter(status__in=ELIGIBLE_STATUSES).count()
    missing = wanted - eligible
    if missing <= 0:
        return eligible, 0
    others = Application.objects.exclude(status__in=ELIGIBLE_STATUSES)
    # Submitted requests first, drafts only if still short.
    candidates = list(
        others.exclude(status=ApplicationStatus.BROUILLON).order_by("pk").values_list("pk", flat=True)[:missing]
    )
    if len(candidates) < missing:
        candidates += list(
            others.filter(status=ApplicationStatus.BROUILLON)
            .order_by("pk")
            .values_list("pk", flat=True)[: missing - len(candidates)]
        )
    moved = Application.objects.filter(pk__in=candidates).update(status=ApplicationStatus.COMPLETE)
    return eligible, moved


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--places", type=int, default=200, help="places on offer to reach (a real Metz commission)")
    parser.add_argument("--eligible", type=int, default=900, help="eligible requests to reach")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the preparation to this file")
    options = parser.parse_args()
    database = fresh_database("_bench_session")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from commissions import sessions
    from commissions.models import Decision
    from commissions.sessions import ELIGIBLE_STATUSES
    from families.models import Application
    from portal.accounts.models import User
    from portal.models import Collectivite

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    migrate_s = time.perf_counter() - started
    started = time.perf_counter()
    call_command("seed_demo", allow_demo=True, verbosity=0)
    seed_s = time.perf_counter() - started

    metz = Collectivite.objects.get(slug="metz")
    today = timezone.localdate()
    date, places_until = today, today + datetime.timedelta(days=150)
    notes = []
    with tenant_context(metz):
        seeded_places, added_places = extra_openings(options.places, today + datetime.timedelta(days=60))
        if added_places:
            notes.append(
                f"openings: the demo seeds {seeded_places} places; {added_places} more declared over every "
                f"section (by capacity) in the bench database, as a real Metz commission"
            )
        requests = Application.objects.count()
        seeded_eligible, moved = more_eligible(options.eligible)
        if moved:
            notes.append(
                f"requests: {seeded_eligible} eligible after seeding; {moved} demo requests moved to 'complete' "
                f"by a queryset update (benchmark data, bench database only)"
            )
        # Requests past their renewal date are not eligible (a commission leaves them out): renew them here.
        renewed = Application.objects.filter(status__in=ELIGIBLE_STATUSES, renewal_due_on__lt=date).update(
            renewal_due_on=date + datetime.timedelta(days=180)
        )
        if renewed:
            notes.append(
                f"renewal: {renewed} eligible requests past their renewal date renewed by a queryset update "
                f"(benchmark data, bench database only)"
            )
        eligible = Application.objects.filter(status__in=ELIGIBLE_STATUSES).count()
        agent = User.objects.get(email="agent@metz.demo")
        chair = User.objects.get(email="elu@metz.demo")
        members = list(User.objects.filter(email="commission@metz.demo"))

        session, create_s = timed(
            sessions.session_create,
            title="Commission de banc d'essai",
            date=date,
            places_until=places_until,
            chair=chair,
            members=members,
            user=agent,
        )
        profiler = cProfile.Profile() if options.profile else None
        if profiler:
            profiler.enable()
        session, prepare_s = timed(sessions.session_prepare, session=session, user=agent)
        if profiler:
            profiler.disable()
            profiler.dump_stats(options.profile)
        result, allocate_s = timed(sessions.session_allocate, session=session)

        dossiers = session.dossiers.count()
        places = session.seats.aggregate(total=Sum("capacity"))["total"] or 0
        sections_on_offer = session.seats.count()
        placed = Decision.objects.filter(dossier__session=session, seat__isnull=False).count()
        url = reverse("commissions:session_detail", args=[session.pk])
        client = Client(HTTP_HOST=metz.domains.get(is_primary=True).domain)
        client.force_login(agent)
    connection.set_schema_to_public()
    reset_queries()  # DEBUG keeps at most 9,000 queries: a full log would hide the page's own

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        render_s = time.perf_counter() - started
    if response.status_code != 200 or b"S" + str(session.pk).encode() + b"-" not in response.content:
        raise RuntimeError(f"la page de la commission ne s'affiche pas (HTTP {response.status_code}, {url})")
    # A second render, warm (templates and caches loaded).
    started = time.perf_counter()
    client.get(url)
    render_warm_s = time.perf_counter() - started
    connection.close()

    total_s = create_s + prepare_s + allocate_s + render_s
    results = {
        "session": {
            "database": database,
            "collectivite": "metz",
            "requests": requests,
            "eligible_requests": eligible,
            "dossiers": dossiers,
            "sections_on_offer": sections_on_offer,
            "places": places,
            "placed": placed,
            "engine_assigned": sum(1 for value in result["assignments"].values() if value is not None),
            "migrate_s": round(migrate_s, 2),
            "seed_demo_s": round(seed_s, 2),
            "create_s": round(create_s, 3),
            "prepare_s": round(prepare_s, 3),
            "allocate_s": round(allocate_s, 3),
            "render_s": round(render_s, 3),
            "render_warm_s": round(render_warm_s, 3),
            "render_queries": len(queries),
            "render_bytes": len(response.content),
            "total_s": round(total_s, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "benchmark_data": notes,
        }
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
