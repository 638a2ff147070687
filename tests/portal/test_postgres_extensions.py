"""btree_gist, pg_trgm and unaccent: created once in `public`, usable from every collectivité's schema.

Run on the embedded PostgreSQL 18 (`make test` without DATABASE_URL) and on the machine's PostgreSQL 15 (CI).
"""

import pytest
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import tenant_context

from creches.models import Establishment
from tests.creches.factories import EstablishmentFactory

EXTENSIONS = {"btree_gist", "pg_trgm", "unaccent"}


def test_each_extension_is_installed_once_in_the_public_schema(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extname, extnamespace::regnamespace::text FROM pg_extension WHERE extname = ANY(%s)",
            [list(EXTENSIONS)],
        )
        assert sorted(cursor.fetchall()) == [(name, "public") for name in sorted(EXTENSIONS)]


def test_a_btree_gist_exclusion_constraint_in_a_collectivite_schema_refuses_a_double_booking(alpha):
    with tenant_context(alpha), connection.cursor() as cursor:
        # A table of the collectivité's own schema (the test's transaction drops it), as the relais' will be.
        cursor.execute(
            "CREATE TABLE booking (room integer, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&))"
        )
        cursor.execute("SELECT to_regclass('alpha.booking') IS NOT NULL")
        assert cursor.fetchone() == (True,)
        insert = "INSERT INTO booking VALUES (%s, tstzrange(%s, %s))"
        cursor.execute(insert, [1, "2026-12-01 09:00+01", "2026-12-01 10:00+01"])
        cursor.execute(insert, [2, "2026-12-01 09:30+01", "2026-12-01 10:30+01"])  # another room
        cursor.execute(insert, [1, "2026-12-01 10:00+01", "2026-12-01 11:00+01"])  # right after
        with pytest.raises(IntegrityError, match="booking_room_during_excl"), transaction.atomic():
            cursor.execute(insert, [1, "2026-12-01 09:30+01", "2026-12-01 10:30+01"])
        cursor.execute("SELECT count(*) FROM booking")
        assert cursor.fetchone() == (3,)


def test_unaccent_and_similarity_answer_in_a_collectivite_schema(beta):
    with tenant_context(beta), connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert cursor.fetchone() == ("beta, public",)
        cursor.execute("SELECT unaccent('Éloïse Hérvé'), similarity('Dupont', 'Dupond') > 0.3")
        assert cursor.fetchone() == ("Eloise Herve", True)


def test_a_search_by_name_ignores_accents_and_tolerates_a_typo_in_a_collectivite_schema(alpha):
    with tenant_context(alpha):
        EstablishmentFactory(name="Multi-accueil Les Écureuils")
        EstablishmentFactory(name="Crèche Les Lucioles")
        found = (
            Establishment.objects.annotate(score=TrigramWordSimilarity("ecureils", Unaccent("name")))
            .filter(score__gt=0.5)
            .values_list("name", flat=True)
        )
        assert list(found) == ["Multi-accueil Les Écureuils"]
