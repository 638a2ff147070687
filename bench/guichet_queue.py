"""Benchmark of the guichet's queue: the agent's first page over 20,000 requests, with two filters.

Runs against its own database (<DATABASE_URL's name>_bench_queue), dropped and recreated each time.
    python bench/guichet_queue.py [--json out.json] [--count 20000] [--runs 10]

Builds one collectivité with families, children, requests in varied statuses, vœux and piece rows
(no files), then times GET /guichet/demandes/?status=complete&commune=<code> through the Django test
client, logged in as an agent with TOTP set up (server time, median of the runs, and the queries).
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from benchdb import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

SUFFIX = "_bench_queue"
COMMUNES = [
    {"code_insee": "57463", "nom": "Metz"},
    {"code_insee": "57480", "nom": "Montigny-lès-Metz"},
    {"code_insee": "57751", "nom": "Woippy"},
    {"code_insee": "57672", "nom": "Le Ban-Saint-Martin"},
    {"code_insee": "57415", "nom": "Longeville-lès-Metz"},
]
# Share of each status (ApplicationStatus member names) among the requests (what a guichet holds a few months into the year).
STATUSES = {
    "DEPOSEE": 0.15,
    "INCOMPLETE": 0.10,
    "COMPLETE": 0.30,
    "EN_COMMISSION": 0.05,
    "LISTE_ATTENTE": 0.20,
    "PROPOSITION": 0.02,
    "ACCEPTEE": 0.03,
    "ADMISE": 0.08,
    "ANNULEE": 0.05,
    "BROUILLON": 0.02,
}
SECTIONS = [("bebes", "Bébés", 2, 12), ("moyens", "Moyens", 12, 24), ("grands", "Grands", 24, 48)]


def populate(count, rng):
    """Bulk-create `count` requests with their families, children, vœux and piece rows (no files)."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.utils import timezone

    from creches.models import Establishment, Section
    from families.enums import ApplicationStatus
    from families.models import (
        Application,
        Child,
        Document,
        DocumentType,
        Family,
        Guardian,
        Wish,
        new_application_number,
    )
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.dates import months_between

    batch = 2000
    establishments = Establishment.objects.bulk_create(
        Establishment(
            name=f"Multi-accueil {index}",
            slug=f"multi-accueil-{index}",
            type="creche_collective",
            manager="municipal",
            address=f"{index} rue de la République",
            postal_code="57000",
            code_insee=COMMUNES[index % len(COMMUNES)]["code_insee"],
            commune=COMMUNES[index % len(COMMUNES)]["nom"],
            opening_days=[0, 1, 2, 3, 4],
            opens_at=datetime.time(7, 30),
            closes_at=datetime.time(18, 30),
            capacity=40,
            care_kinds=["regulier", "occasionnel"],
            insertion_places=2,
        )
        for index in range(40)
    )
    Section.objects.bulk_create(
        Section(
            establishment=establishment, code=code, name=name, min_age_months=low, max_age_months=high, capacity=12
        )
        for establishment in establishments
        for code, name, low, high in SECTIONS
    )
    users = User.objects.bulk_create(
        (
            User(
                email=f"famille{index}@banc.test",
                password=UNUSABLE_PASSWORD_PREFIX,
                roles=[Role.PARENT],
                last_name=f"Famille{index}",
            )
            for index in range(count)
        ),
        batch_size=batch,
    )
    outside = {"code_insee": "57019", "nom": "Ars-sur-Moselle"}
    families = Family.objects.bulk_create(
        (
            Family(
                account=user,
                address=f"{index} rue des Jardins",
                postal_code="57000",
                commune=(commune := (COMMUNES + [outside])[rng.randrange(len(COMMUNES) + 1)])["nom"],
                code_insee=commune["code_insee"],
                quotient_familial=rng.randrange(300, 3000),
            )
            for index, user in enumerate(users)
        ),
        batch_size=batch,
    )
    Guardian.objects.bulk_create(
        (
            Guardian(
                family=family,
                first_name=rng.choice(["Camille", "Alex", "Sami", "Léa", "Nour", "Jules"]),
                last_name=f"Nom{index}",
                professional_situation="emploi",
                position=position,
            )
            for index, family in enumerate(families)
            for position in range(1, 2 + (index % 3 == 0))
        ),
        batch_size=batch,
    )
    today = timezone.localdate()
    children = Child.objects.bulk_create(
        (
            Child(
                family=family,
                first_name=rng.choice(["Lou", "Tom", "Inès", "Adam", "Jade", "Noé"]),
                last_name=f"Nom{index}",
                birth_date=today - datetime.timedelta(days=rng.randrange(0, 700)),
            )
            for index, family in enumerate(families)
        ),
        batch_size=batch,
    )
    statuses, weights = zip(*((ApplicationStatus[name], share) for name, share in STATUSES.items()), strict=True)
    now = timezone.now()
    applications = []
    for family, child in zip(families, children, strict=True):
        status = rng.choices(statuses, weights)[0]
        start = (today + datetime.timedelta(days=rng.randrange(30, 400))).replace(day=1)
        applications.append(
            Application(
                number=new_application_number(),
                family=family,
                child=child,
                kind=rng.choice(["regulier", "regulier", "regulier", "occasionnel"]),
                desired_start=start,
                planning={"mon": ["08:00", "17:00"], "tue": ["08:00", "17:00"], "thu": ["08:30", "16:30"]},
                weekly_hours=26,
                age_at_start_months=months_between(child.birth_date, start),
                status=status,
                submitted_at=None
                if status == ApplicationStatus.BROUILLON
                else now - datetime.timedelta(minutes=rng.randrange(600_000)),
            )
        )
    applications = Application.objects.bulk_create(applications, batch_size=batch)
    Wish.objects.bulk_create(
        (
            Wish(application=application, establishment=establishment, rank=rank)
            for application in applications
            for rank, establishment in enumerate(rng.sample(establishments, rng.randrange(1, 4)), start=1)
        ),
        batch_size=batch * 2,
    )
    kinds = list(DocumentType.objects.filter(required=True))
    Document.objects.bulk_create(
        (
            Document(
                application=application,
                document_type=kind,
                file=f"documents/{application.pk}/factice.pdf",
                original_name="justificatif.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
                status=rng.choice(["pending", "valid", "valid", "rejected"]),
            )
            for application in applications
            # Most requests hold some pieces, a complete one all of them.
            for kind in (
                kinds
                if application.status == ApplicationStatus.COMPLETE
                else rng.sample(kinds, rng.randrange(len(kinds)))
            )
        ),
        batch_size=batch * 2,
    )
    return Application.objects.count(), Document.objects.count(), Wish.objects.count()


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
    return response, durations, len(queries.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    database = fresh_database(SUFFIX)

    import django

    django.setup()
    from django.test.utils import setup_test_environment

    # Instruments template rendering so that responses carry their context (the page's counts).
    setup_test_environment()
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from families.enums import ApplicationStatus
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.tenancy import collectivite_create

    call_command("migrate_schemas", interactive=False, verbosity=0)
    domain = "banc-demandes.localhost"
    collectivite = collectivite_create(
        schema="bench_queue", name="Banc des demandes", domain=domain, communes=COMMUNES
    )
    rng = random.Random(20250101)  # noqa: S311 - reproducible synthetic data
    with tenant_context(collectivite):
        started = time.perf_counter()
        applications, documents, wishes = populate(options.count, rng)
        populate_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        agent = User.objects.create_user(email="agent@banc.test", password=None, roles=[Role.AGENT])
        TOTP.activate(agent, "JBSWY3DPEHPK3PXP")
        client = Client(HTTP_HOST=domain)
        client.force_login(agent)
    connection.set_schema_to_public()

    commune = COMMUNES[1]["code_insee"]
    filtered, durations, queries = timed_get(
        client, "/guichet/demandes/", {"status": ApplicationStatus.COMPLETE, "commune": commune}, options.runs
    )
    _first, plain_durations, plain_queries = timed_get(client, "/guichet/demandes/", {}, options.runs)
    api, api_durations, api_queries = timed_get(
        client, "/api/v1/guichet/demandes/", {"status": ApplicationStatus.COMPLETE, "commune": commune}, options.runs
    )
    connection.close()

    results = {
        "queue": {
            "database": database,
            "requests": applications,
            "documents": documents,
            "wishes": wishes,
            "populate_s": round(populate_s, 1),
            "filters": {"status": ApplicationStatus.COMPLETE, "commune": commune},
            "matching_requests": filtered.context["page"].paginator.count,
            "rows_on_first_page": len(filtered.context["page"].object_list),
            "first_page_filtered_median_ms": round(statistics.median(durations) * 1000, 1),
            "first_page_filtered_max_ms": round(max(durations) * 1000, 1),
            "first_page_filtered_queries": queries,
            "first_page_unfiltered_median_ms": round(statistics.median(plain_durations) * 1000, 1),
            "first_page_unfiltered_queries": plain_queries,
            "api_filtered_median_ms": round(statistics.median(api_durations) * 1000, 1),
            "api_filtered_queries": api_queries,
            "api_matching_requests": api.json()["count"],
            "runs": options.runs,
        }
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
