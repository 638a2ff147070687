"""A foyer has one or two responsables: the form, the service and the database each say so."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django_tenants.utils import tenant_context

from families import services
from families.enums import ProfessionalSituation
from families.models import Family, Guardian
from tests.families.factories import family_in
from tests.utils import client_for


def foyer_post(guardians, total, initial):
    """What the foyer form posts: the address part, then `total` guardian forms of which `initial` exist."""
    data = {
        "address": "3 rue Haute",
        "postal_code": "44000",
        "commune_choice": "44109",
        "dependent_children": "1",
        "responsables-TOTAL_FORMS": str(total),
        "responsables-INITIAL_FORMS": str(initial),
        "responsables-MIN_NUM_FORMS": "1",
        "responsables-MAX_NUM_FORMS": "2",
    }
    for index, (pk, first_name) in enumerate(guardians):
        data |= {
            f"responsables-{index}-id": str(pk or ""),
            f"responsables-{index}-first_name": first_name,
            f"responsables-{index}-last_name": "Durand",
            f"responsables-{index}-professional_situation": ProfessionalSituation.EMPLOI,
        }
    return data


def guardians_of(collectivite, family):
    with tenant_context(collectivite):
        names = list(family.guardians.order_by("position").values_list("position", "first_name"))
    connection.set_schema_to_public()
    return names


def test_a_family_adds_its_second_responsable(alpha):
    user, family, _child = family_in(alpha)
    first = guardians_of(alpha, family)
    client = client_for(alpha, user)
    with tenant_context(alpha):
        first_pk = family.guardians.get().pk
    connection.set_schema_to_public()
    response = client.post("/famille/foyer/", foyer_post([(first_pk, "Alex"), (None, "Sam")], total=2, initial=1))
    assert response.status_code == 302
    assert first == [(1, "Alex")]
    assert guardians_of(alpha, family) == [(1, "Alex"), (2, "Sam")]


def test_re_posting_the_form_as_new_cannot_add_a_third_responsable(alpha):
    user, family, _child = family_in(alpha)
    client = client_for(alpha, user)
    with tenant_context(alpha):
        first_pk = family.guardians.get().pk
    connection.set_schema_to_public()
    client.post("/famille/foyer/", foyer_post([(first_pk, "Alex"), (None, "Sam")], total=2, initial=1))
    for attempt in range(3):
        response = client.post("/famille/foyer/", foyer_post([(None, f"Intrus{attempt}")], total=1, initial=0))
        assert response.status_code == 400
        assert "au plus deux responsables" in response.content.decode()
    assert guardians_of(alpha, family) == [(1, "Alex"), (2, "Sam")]


def test_removing_one_responsable_frees_its_place_for_another(alpha):
    user, family, _child = family_in(alpha)
    with tenant_context(alpha):
        first = family.guardians.get()
        Guardian.objects.create(family=family, first_name="Sam", last_name="Durand", position=2,
                                professional_situation=ProfessionalSituation.EMPLOI)  # fmt: skip
        services.family_guardians_save(
            family=family,
            removed=[first],
            added=[Guardian(first_name="Lou", last_name="Durand", professional_situation="emploi")],
        )
    assert guardians_of(alpha, family) == [(1, "Lou"), (2, "Sam")]


def test_the_service_refuses_a_third_responsable_in_french(alpha):
    _user, family, _child = family_in(alpha)
    with tenant_context(alpha):
        extra = [Guardian(first_name=name, last_name="D", professional_situation="emploi") for name in ("B", "C")]
        with pytest.raises(ValidationError, match="au plus deux responsables"):
            services.family_guardians_save(family=family, added=extra)
        assert family.guardians.count() == 1


@pytest.mark.parametrize("position", [2, 3, 0])
def test_the_database_refuses_a_third_responsable_or_a_shared_place(alpha, position):
    _user, family, _child = family_in(alpha)
    with tenant_context(alpha):
        if position == 2:
            Guardian.objects.create(
                family=family, first_name="B", last_name="D", position=2, professional_situation="emploi"
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Guardian.objects.create(
                family=family, first_name="C", last_name="D", position=position, professional_situation="emploi"
            )


def race(collectivite, family_pk, attempt):
    """Run `attempt(family)` in two threads at once, each on its own connection; return their outcomes."""
    barrier = threading.Barrier(2)
    outcomes = []

    def contender(name):
        try:
            connection.set_tenant(collectivite)
            family = Family.objects.get(pk=family_pk)
            barrier.wait(timeout=10)
            with transaction.atomic():
                attempt(family, name)
            outcomes.append("saved")
        except (ValidationError, IntegrityError) as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=(name,)) for name in ("Premier", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.fixture
def committed_family(metz):
    """A demo foyer with one responsable (committed data, seen by other connections); restored afterwards."""
    with tenant_context(metz):
        family = Family.objects.annotate(count=Count("guardians")).filter(count=1).order_by("pk").first()
    connection.set_schema_to_public()
    yield family
    # Outside the test's transaction, like the contenders: undo what they committed.
    cleanup = threading.Thread(target=remove_added_guardians, args=(metz, family.pk))
    cleanup.start()
    cleanup.join()


def remove_added_guardians(collectivite, family_pk):
    connection.set_tenant(collectivite)
    Guardian.objects.filter(family_id=family_pk, position=2).delete()
    connection.close()


def test_two_saves_at_once_add_one_second_responsable_not_two(metz, committed_family):
    def add(family, name):
        guardian = Guardian(first_name=name, last_name="Durand", professional_situation="emploi")
        services.family_guardians_save(family=family, added=[guardian])

    assert race(metz, committed_family.pk, add) == ["ValidationError", "saved"]


def test_two_raw_inserts_at_once_are_refused_by_the_database(metz, committed_family):
    def insert(family, name):
        Guardian.objects.create(
            family=family, first_name=name, last_name="Durand", position=2, professional_situation="emploi"
        )

    assert race(metz, committed_family.pk, insert) == ["IntegrityError", "saved"]
