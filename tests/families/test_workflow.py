"""The one transition table: every allowed move works for its actors and only for them."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from families.enums import Actor, ApplicationStatus
from families.models import Application, StatusChange
from families.services import application_transition
from families.workflow import TRANSITIONS, TransitionError
from tests.families.builders import application_in, family_in

ALL_PAIRS = [(frm, to) for frm in ApplicationStatus.values for to in ApplicationStatus.values if frm != to]


@pytest.fixture
def family(alpha):
    return family_in(alpha)


@pytest.mark.parametrize(("from_status", "to_status"), sorted(TRANSITIONS))
@pytest.mark.parametrize("actor", Actor.values)
def test_each_transition_is_open_to_its_actors_only(
    alpha, family, from_status, to_status, actor, mailoutbox, django_capture_on_commit_callbacks
):
    user, foyer, child = family
    application = application_in(alpha, foyer, child, status=from_status)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        if actor in TRANSITIONS[(from_status, to_status)]:
            application_transition(application=application, to_status=to_status, actor=actor, reason="motif")
            assert Application.objects.get(pk=application.pk).status == to_status
            change = StatusChange.objects.get(application=application)
            assert (change.from_status, change.to_status, change.actor, change.reason) == (
                from_status,
                to_status,
                actor,
                "motif",
            )
        else:
            with pytest.raises(TransitionError, match="n'est pas permis"):
                application_transition(application=application, to_status=to_status, actor=actor)
            assert Application.objects.get(pk=application.pk).status == from_status
            assert not StatusChange.objects.filter(application=application).exists()
    connection.set_schema_to_public()
    allowed = actor in TRANSITIONS[(from_status, to_status)]
    assert len(mailoutbox) == (1 if allowed else 0)
    if allowed:
        assert application.number in mailoutbox[0].subject
        assert mailoutbox[0].to == [user.email]


@pytest.mark.parametrize(("from_status", "to_status"), [pair for pair in ALL_PAIRS if pair not in TRANSITIONS])
def test_moves_outside_the_table_are_refused(alpha, family, from_status, to_status):
    _user, foyer, child = family
    application = application_in(alpha, foyer, child, status=from_status)
    with tenant_context(alpha):
        for actor in Actor.values:
            with pytest.raises(TransitionError, match="ne peut pas passer"):
                application_transition(application=application, to_status=to_status, actor=actor)
        assert Application.objects.get(pk=application.pk).status == from_status


def test_no_transition_leaves_a_closed_request_except_a_new_period_after_expiry():
    closed = {ApplicationStatus.ADMISE, ApplicationStatus.ANNULEE, ApplicationStatus.EXPIREE}
    leaving = {pair: actors for pair, actors in TRANSITIONS.items() if pair[0] in closed}
    assert leaving == {(ApplicationStatus.EXPIREE, ApplicationStatus.DEPOSEE): {Actor.FAMILY}}
