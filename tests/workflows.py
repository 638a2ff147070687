"""What every status workflow (portal.workflows) must guarantee, said once and asserted for each workflow's tests."""

from django_tenants.utils import tenant_context

from portal.workflows import Actor, TransitionError
from tests.utils import race


def all_pairs(workflow):
    """Every (from, to) of two different statuses: the table's moves and all the others."""
    return [(source, target) for source in workflow.enum.values for target in workflow.enum.values if source != target]


def stored(workflow, obj):
    """The stored status of `obj` and the number of its log rows."""
    row = workflow.model._base_manager.get(pk=obj.pk)
    return getattr(row, workflow.field), workflow.log_model.objects.filter(subject=obj).count()


def assert_refused_outside_the_table(workflow, obj, target):
    """Every actor the table does not allow is refused in French, and nothing changes (status, log)."""
    source = getattr(obj, workflow.field)
    before = stored(workflow, obj)
    for actor in Actor.values:
        if actor in workflow.actors(source, target):
            continue
        try:
            workflow.transition(obj, target, actor=actor, note="essai")
        except TransitionError as refused:
            message = str(refused)
        else:
            raise AssertionError(f"{source} → {target} by {actor} was allowed")
        assert "ne peut pas passer" in message or "n'est pas permis" in message, message
        assert f"« {workflow.label(source)} »" in message and f"« {workflow.label(target)} »" in message
        assert getattr(obj, workflow.field) == source
        assert stored(workflow, obj) == before


def assert_one_log_row(workflow, obj, target, *, actor, user=None, changes=None):
    """The move is done, with exactly one log row saying from, to, who and why."""
    source = getattr(obj, workflow.field)
    logs_before = stored(workflow, obj)[1]
    log = workflow.transition(obj, target, actor=actor, user=user, note="motif", changes=changes)
    assert stored(workflow, obj) == (target, logs_before + 1)
    assert (log.subject, log.from_status, log.to_status, log.actor, log.user, log.note) == (
        obj,
        source,
        target,
        actor,
        user,
        "motif",
    )
    return log


def assert_one_of_two_wins(collectivite, workflow, obj, attempts, *, changes=None):
    """Two moves of the same committed object at once, each from a copy read before either moved: one is done,
    the other refused in French, and one log row is written. `attempts` are two (target, actor)."""
    with tenant_context(collectivite):
        copies = [workflow.model._base_manager.get(pk=obj.pk) for _attempt in attempts]
    outcomes = race(
        collectivite,
        *(
            lambda copy=copy, target=target, actor=actor: workflow.transition(
                copy, target, actor=actor, changes=changes
            )
            for copy, (target, actor) in zip(copies, attempts, strict=True)
        ),
    )
    winners = [outcome for outcome in outcomes if isinstance(outcome, workflow.log_model)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, TransitionError)]
    assert len(winners) == len(refused) == 1, outcomes
    assert "a changé entre-temps" in str(refused[0]) or "ne peut pas passer" in str(refused[0])
    with tenant_context(collectivite):
        assert stored(workflow, obj) == (winners[0].to_status, 1)
    return winners[0]
