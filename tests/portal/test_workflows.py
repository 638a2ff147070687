"""portal.workflows, the one status-workflow mechanism, tried on its first user: the demande d'accueil.

The table of the demande itself is stated by hand in tests/families/test_workflow_rules.py; here, what the
mechanism guarantees whatever the table: refusals in French that change nothing, one log row per move, the
guard, the changes and the callbacks in the same transaction, and a race decided by the row lock.
"""

import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus as S
from families.models import Application, StatusChange
from families.workflow import APPLICATION
from portal.models import Collectivite
from portal.notifications import notify
from portal.outbox.models import OutboxMessage
from portal.workflows import Actor, Move, TransitionError, TransitionLog, Workflow
from tests.families.factories import application_in, family_in
from tests.workflows import (
    all_pairs,
    assert_one_log_row,
    assert_one_of_two_wins,
    assert_refused_outside_the_table,
    stored,
)


@pytest.fixture
def family(alpha):
    return family_in(alpha)


# --- the table ----------------------------------------------------------------------------------------------------


def test_the_table_answers_without_an_object():
    assert APPLICATION.allowed(S.BROUILLON, S.DEPOSEE, Actor.FAMILY)
    assert not APPLICATION.allowed(S.BROUILLON, S.DEPOSEE, Actor.STAFF)
    assert APPLICATION.actors(S.ACCEPTEE, S.ADMISE) == {Actor.STAFF}
    assert APPLICATION.targets(S.EXPIREE, Actor.FAMILY) == [S.DEPOSEE]
    assert APPLICATION.check(S.ACCEPTEE, S.ADMISE, Actor.STAFF) is None


def test_a_workflow_refuses_a_table_that_names_an_unknown_status_or_a_move_twice():
    with pytest.raises(ValueError, match="unknown status"):
        Workflow(model=Application, log_model=StatusChange, enum=S, noun="x", moves=[Move(S.BROUILLON, "nowhere")])
    with pytest.raises(ValueError, match="twice"):
        Workflow(
            model=Application,
            log_model=StatusChange,
            enum=S,
            noun="x",
            moves=[Move(S.BROUILLON, S.DEPOSEE, {Actor.FAMILY}), Move(S.BROUILLON, S.DEPOSEE, {Actor.STAFF})],
        )


def test_the_log_of_a_workflow_is_a_transition_log_with_a_subject():
    assert issubclass(StatusChange, TransitionLog)
    assert StatusChange._meta.get_field("subject").related_model is Application


# --- refusals change nothing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), all_pairs(APPLICATION))
def test_every_move_outside_the_table_is_refused_in_french_and_changes_nothing(alpha, family, source, target):
    _user, foyer, child = family
    application = application_in(alpha, foyer, child, status=source)
    with tenant_context(alpha):
        updated_at = Application.objects.get(pk=application.pk).updated_at
        assert_refused_outside_the_table(APPLICATION, application, target)
        assert Application.objects.get(pk=application.pk).updated_at == updated_at
        assert not OutboxMessage.objects.about(application).exists()


@pytest.mark.parametrize(("source", "target"), sorted(APPLICATION.moves))
def test_each_move_writes_exactly_one_log_row(alpha, family, source, target):
    user, foyer, child = family
    for actor in sorted(APPLICATION.actors(source, target)):
        application = application_in(alpha, foyer, child, status=source)
        with tenant_context(alpha):
            assert_one_log_row(APPLICATION, application, target, actor=actor, user=user)
            application.delete()  # one live request per child: the next actor starts again


def test_a_status_read_before_another_move_is_refused(alpha, family):
    _user, foyer, child = family
    application = application_in(alpha, foyer, child, status=S.DEPOSEE)
    with tenant_context(alpha):
        Application.objects.filter(pk=application.pk).update(status=S.INCOMPLETE)
        with pytest.raises(TransitionError) as refused:
            APPLICATION.transition(application, S.ANNULEE, actor=Actor.FAMILY)
        assert str(refused.value) == (
            "Une demande « déposée » a changé entre-temps (statut actuel : « incomplète ») : "
            "rechargez la page et recommencez."
        )
        assert Application.objects.get(pk=application.pk).status == S.INCOMPLETE
        assert not StatusChange.objects.filter(subject=application).exists()


# --- guard, changes and callbacks, one transaction ------------------------------------------------------------------


def not_a_priority_request(application, actor, user):
    if application.comment == "prioritaire":
        return "Une demande prioritaire ne se met pas en attente de pièces."
    return None


def tell_the_family(application, move, user):
    notify(
        "families/email/status",
        to=[application.family.account.email],
        context={"application": application, "change": application.transition_log},
        about=application,
        version=application.transition_log.pk,
    )


def broken_callback(application, move, user):
    raise RuntimeError("le courriel n'a pas pu être préparé")


def guarded_workflow(**on_enter):
    return Workflow(
        model=Application,
        log_model=StatusChange,
        enum=S,
        noun="Une demande",
        moves=[Move(S.DEPOSEE, S.INCOMPLETE, {Actor.STAFF}, guard=not_a_priority_request)],
        on_enter={S.INCOMPLETE: list(on_enter.values())},
    )


def test_a_guard_refuses_with_its_own_message_and_the_table_lists_only_what_it_allows(alpha, family):
    _user, foyer, child = family
    application = application_in(alpha, foyer, child, status=S.DEPOSEE)
    workflow = guarded_workflow()
    with tenant_context(alpha):
        Application.objects.filter(pk=application.pk).update(comment="prioritaire")
        application.comment = "prioritaire"
        assert workflow.targets(S.DEPOSEE, Actor.STAFF) == [S.INCOMPLETE]  # a status: the table only
        assert workflow.targets(application, Actor.STAFF) == []  # an object: the guard too
        assert not workflow.allowed(application, S.INCOMPLETE, Actor.STAFF)
        with pytest.raises(TransitionError, match="Une demande prioritaire ne se met pas en attente de pièces."):
            workflow.transition(application, S.INCOMPLETE, actor=Actor.STAFF)
        assert stored(APPLICATION, application) == (S.DEPOSEE, 0)


def test_changes_callbacks_and_log_are_saved_together(alpha, family):
    _user, foyer, child = family
    application = application_in(alpha, foyer, child, status=S.DEPOSEE)
    workflow = guarded_workflow(tell=tell_the_family)
    with tenant_context(alpha):
        log = workflow.transition(
            application, S.INCOMPLETE, actor=Actor.STAFF, note="Il manque l'avis", changes={"comment": "vu"}
        )
        row = Application.objects.get(pk=application.pk)
        assert (row.status, row.comment, application.comment) == (S.INCOMPLETE, "vu", "vu")
        assert application.updated_at == row.updated_at
        message = OutboxMessage.objects.about(application).get()
        assert message.version == str(log.pk) and application.number in message.subject


def test_a_failing_callback_undoes_the_move(alpha, family):
    _user, foyer, child = family
    application = application_in(alpha, foyer, child, status=S.DEPOSEE)
    workflow = guarded_workflow(tell=tell_the_family, broken=broken_callback)
    with tenant_context(alpha):
        with pytest.raises(RuntimeError):
            workflow.transition(application, S.INCOMPLETE, actor=Actor.STAFF, changes={"comment": "vu"})
        row = Application.objects.get(pk=application.pk)
        assert (row.status, row.comment) == (S.DEPOSEE, "")
        assert not StatusChange.objects.filter(subject=application).exists()
        assert not OutboxMessage.objects.about(application).exists()


# --- many at once -----------------------------------------------------------------------------------------------


def test_many_requests_move_together_or_not_at_all(alpha, family):
    _user, foyer, child = family
    second = family_in(alpha, email="deux@alpha.test")
    first = application_in(alpha, foyer, child, status=S.COMPLETE)
    other = application_in(alpha, second[1], second[2], status=S.LISTE_ATTENTE)
    with tenant_context(alpha):
        logs = APPLICATION.transition_many([first, other], S.EN_COMMISSION, actor=Actor.SYSTEM, note="Commission")
        assert [log.from_status for log in logs] == [S.COMPLETE, S.LISTE_ATTENTE]
        assert set(Application.objects.filter(pk__in=[first.pk, other.pk]).values_list("status", flat=True)) == {
            S.EN_COMMISSION
        }
        first.status = S.EN_COMMISSION
        Application.objects.filter(pk=other.pk).update(status=S.ADMISE)
        with pytest.raises(TransitionError, match="ne peut pas passer"):
            APPLICATION.transition_many([first, other], S.PROPOSITION, actor=Actor.SYSTEM)
        assert Application.objects.get(pk=first.pk).status == S.EN_COMMISSION
        assert StatusChange.objects.filter(subject__in=[first, other]).count() == 2


# --- a race, with real transactions -----------------------------------------------------------------------------


@pytest.fixture
def committed_request(django_db_setup, django_db_blocker):
    """A filed request in alpha, committed for real so that two threads see it; removed afterwards."""
    with django_db_blocker.unblock():
        alpha = Collectivite.objects.get(slug="alpha")
        user, foyer, child = family_in(alpha, email=f"course-{uuid.uuid4().hex[:8]}@alpha.test")
        application = application_in(alpha, foyer, child, status=S.DEPOSEE)
        try:
            yield alpha, application
        finally:
            with tenant_context(alpha):
                OutboxMessage.objects.about(application).delete()
                foyer.delete()
                user.delete()
            connection.set_schema_to_public()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((S.COMPLETE, Actor.STAFF), (S.ANNULEE, Actor.FAMILY)),
        ((S.INCOMPLETE, Actor.STAFF), (S.INCOMPLETE, Actor.STAFF)),
    ],
    ids=["different-moves", "same-move"],
)
def test_two_transitions_at_once_one_wins_the_other_is_refused(committed_request, first, second):
    alpha, application = committed_request
    assert_one_of_two_wins(alpha, APPLICATION, application, [first, second])
