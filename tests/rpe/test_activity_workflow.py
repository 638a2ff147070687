"""The AM's activity as a workflow (rpe.workflows.ACTIVITY): the guarantees every workflow gives (tests/workflows.py)."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from portal.models import Collectivite
from portal.tenancy import collectivite_create
from portal.workflows import Actor
from rpe.enums import ActivityStatus
from rpe.models import AssistantMaternel
from rpe.workflows import ACTIVITY
from tests.rpe.factories import AssistantMaternelFactory, RelaisFactory
from tests.workflows import (
    all_pairs,
    assert_one_log_row,
    assert_one_of_two_wins,
    assert_refused_outside_the_table,
)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), all_pairs(ACTIVITY))
def test_every_move_outside_the_table_is_refused_and_changes_nothing(alpha, source, target):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(activity_status=source)
        assert_refused_outside_the_table(ACTIVITY, am, target)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), list(ACTIVITY.moves))
def test_each_move_of_the_table_writes_one_log_row(alpha, source, target):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(activity_status=source)
        actor = sorted(ACTIVITY.actors(source, target))[0]
        assert_one_log_row(ACTIVITY, am, target, actor=actor)


@pytest.fixture
def committed_am(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        collectivite = collectivite_create(
            schema="activite",
            name="Activité",
            domain="activite.localhost",
            communes=[{"code_insee": "44109", "nom": "N"}],
        )
        try:
            with tenant_context(collectivite):
                am = AssistantMaternelFactory(relais=RelaisFactory())
            connection.set_schema_to_public()
            yield collectivite, am
        finally:
            connection.set_schema_to_public()
            Collectivite.objects.get(pk=collectivite.pk).delete(force_drop=True)


def test_the_am_suspending_while_the_list_archives_her_one_wins(committed_am):
    collectivite, am = committed_am
    winner = assert_one_of_two_wins(
        collectivite,
        ACTIVITY,
        am,
        [(ActivityStatus.SUSPENDED, Actor.AM), (ActivityStatus.ARCHIVED, Actor.SYSTEM)],
    )
    with tenant_context(collectivite):
        assert AssistantMaternel.objects.get(pk=am.pk).activity_status == winner.to_status
