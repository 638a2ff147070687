"""The service applies the transition table to a stored request: each move works for its actors only, is logged
and mailed; the table itself is the literal one of test_workflow_rules.py, not read from the code."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from families.enums import Actor
from families.models import Application, StatusChange
from families.services import application_transition
from families.workflow import TransitionError
from tests.families.factories import application_in, family_in
from tests.families.test_workflow_rules import ALL_PAIRS, EXPECTED


@pytest.fixture
def family(alpha):
    return family_in(alpha)


@pytest.mark.parametrize(("from_status", "to_status"), sorted(EXPECTED))
@pytest.mark.parametrize("actor", Actor.values)
def test_each_transition_is_open_to_its_actors_only(
    alpha, family, from_status, to_status, actor, mailoutbox, django_capture_on_commit_callbacks
):
    user, foyer, child = family
    application = application_in(alpha, foyer, child, status=from_status)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        if actor in EXPECTED[(from_status, to_status)]:
            application_transition(application=application, to_status=to_status, actor=actor, reason="motif")
            assert Application.objects.get(pk=application.pk).status == to_status
            change = StatusChange.objects.get(subject=application)
            assert (change.from_status, change.to_status, change.actor, change.note) == (
                from_status,
                to_status,
                actor,
                "motif",
            )
        else:
            with pytest.raises(TransitionError, match="n'est pas permis"):
                application_transition(application=application, to_status=to_status, actor=actor)
            assert Application.objects.get(pk=application.pk).status == from_status
            assert not StatusChange.objects.filter(subject=application).exists()
    connection.set_schema_to_public()
    allowed = actor in EXPECTED[(from_status, to_status)]
    assert len(mailoutbox) == (1 if allowed else 0)
    if allowed:
        assert application.number in mailoutbox[0].subject
        assert mailoutbox[0].to == [user.email]


@pytest.mark.parametrize(("from_status", "to_status"), [pair for pair in ALL_PAIRS if pair not in EXPECTED])
def test_moves_outside_the_table_are_refused(alpha, family, from_status, to_status):
    _user, foyer, child = family
    application = application_in(alpha, foyer, child, status=from_status)
    with tenant_context(alpha):
        for actor in Actor.values:
            with pytest.raises(TransitionError, match="ne peut pas passer"):
                application_transition(application=application, to_status=to_status, actor=actor)
        assert Application.objects.get(pk=application.pk).status == from_status
