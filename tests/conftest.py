"""Fixtures shared by the whole suite: real PostgreSQL schemas, real Redis.

The test database holds, committed once per run: the platform, two plain collectivités
(`alpha`, `beta`) for isolation tests, and the two demo collectivités from `seed_demo`.
Each test then runs in a transaction that is rolled back.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from portal.caching import forget_local_routes
from portal.models import Collectivite
from portal.tenancy import collectivite_create

TEST_COLLECTIVITES = {
    "alpha": {"schema": "alpha", "name": "Alpha", "domain": "alpha.localhost"},
    "beta": {"schema": "beta", "name": "Bêta", "domain": "beta.localhost"},
}


def collectivite_ensure(slug):
    spec = TEST_COLLECTIVITES[slug]
    existing = Collectivite.objects.filter(slug=slug).first()
    if existing:
        return existing
    return collectivite_create(
        schema=spec["schema"],
        name=spec["name"],
        domain=spec["domain"],
        communes=[{"code_insee": "44109", "nom": "Nantes"}],
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for slug in TEST_COLLECTIVITES:
            collectivite_ensure(slug)
        call_command("seed_demo", allow_demo=True, verbosity=0)
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache():
    connection.set_schema_to_public()
    cache.clear()
    forget_local_routes()  # routes read in a rolled-back test are not the database's
    # A request of an earlier test leaves its language active in this thread (LocaleMiddleware activates it
    # and nothing resets it): each test starts in the default language, as each request and task does.
    translation.deactivate()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def alpha(db):
    return Collectivite.objects.get(slug="alpha")


@pytest.fixture
def beta(db):
    return Collectivite.objects.get(slug="beta")


@pytest.fixture
def metz(db):
    return Collectivite.objects.get(slug="metz")


@pytest.fixture
def vie_et_boulogne(db):
    return Collectivite.objects.get(slug="vie-et-boulogne")
