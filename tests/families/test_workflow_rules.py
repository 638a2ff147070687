"""The status workflow of a demande, said without reading the code: a literal table and the rules behind it.

Pure (families/workflow.py, no database). `make mutation` scores the module against this file; the service
that applies the table to a stored request is tested in test_workflow.py from the same literal table.
"""

import pytest
from django.utils import translation

from families.enums import Actor, ApplicationStatus
from families.workflow import NEXT_STEPS, TRANSITIONS, TransitionError, allowed_actors, check_transition, targets

S = ApplicationStatus

# Every allowed move and who may make it, written out by hand (what the règlement and the guichet's
# procedure say); nothing here is computed from families/workflow.py. Statuses by member name, in lower case.
EXPECTED_TABLE = """
brouillon      deposee        family
brouillon      annulee        family staff
deposee        incomplete     staff
deposee        complete       staff
deposee        annulee        family staff
deposee        expiree        system
incomplete     deposee        family staff
incomplete     complete       staff
incomplete     annulee        family staff
incomplete     expiree        system
complete       deposee        family staff
complete       en_commission  staff system
complete       annulee        family staff
complete       expiree        system
en_commission  proposition    staff system
en_commission  liste_attente  staff system
en_commission  complete       staff system
liste_attente  en_commission  staff system
liste_attente  proposition    staff system
liste_attente  annulee        family staff
liste_attente  expiree        system
proposition    acceptee       family staff
proposition    refusee        family staff system
proposition    annulee        family staff
refusee        liste_attente  staff system
acceptee       admise         staff
expiree        deposee        family
"""


def parse(table):
    expected = {}
    for line in table.strip().splitlines():
        from_status, to_status, *actors = line.split()
        expected[(S[from_status.upper()], S[to_status.upper()])] = set(actors)
    return expected


EXPECTED = parse(EXPECTED_TABLE)
ALL_PAIRS = [(frm, to) for frm in S.values for to in S.values if frm != to]
FORBIDDEN = [
    (frm, to, actor) for frm, to in ALL_PAIRS for actor in Actor.values if actor not in EXPECTED.get((frm, to), ())
]
ALLOWED = [(frm, to, actor) for (frm, to), actors in EXPECTED.items() for actor in sorted(actors)]


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def test_the_table_is_exactly_the_expected_one():
    assert {pair: set(actors) for pair, actors in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("from_status", "to_status", "actor"), ALLOWED)
def test_each_expected_move_is_allowed_to_its_actor(from_status, to_status, actor):
    assert check_transition(from_status, to_status, actor) is None
    assert actor in allowed_actors(from_status, to_status)
    assert to_status in targets(from_status, actor)


@pytest.mark.parametrize(("from_status", "to_status", "actor"), FORBIDDEN)
def test_every_other_move_is_refused(from_status, to_status, actor):
    in_table = (from_status, to_status) in EXPECTED
    with pytest.raises(TransitionError, match="n'est pas permis" if in_table else "ne peut pas passer"):
        check_transition(from_status, to_status, actor)
    assert actor not in allowed_actors(from_status, to_status)
    assert to_status not in targets(from_status, actor)


# --- rules a person would state, each checked over every status ---------------------------------------------------


@pytest.mark.parametrize("from_status", S.values)
def test_a_family_never_makes_its_own_request_complete_admitted_or_scheduled(from_status):
    for to_status in (S.COMPLETE, S.ADMISE, S.EN_COMMISSION, S.PROPOSITION, S.LISTE_ATTENTE, S.INCOMPLETE):
        with pytest.raises(TransitionError):
            check_transition(from_status, to_status, Actor.FAMILY)


def test_what_a_family_may_do_at_each_status():
    family = {status: set(targets(status, Actor.FAMILY)) for status in S.values}
    assert family == {
        S.BROUILLON: {S.DEPOSEE, S.ANNULEE},
        S.DEPOSEE: {S.ANNULEE},
        S.INCOMPLETE: {S.DEPOSEE, S.ANNULEE},
        S.COMPLETE: {S.DEPOSEE, S.ANNULEE},
        S.EN_COMMISSION: set(),
        S.PROPOSITION: {S.ACCEPTEE, S.REFUSEE, S.ANNULEE},
        S.ACCEPTEE: set(),
        S.REFUSEE: set(),
        S.ADMISE: set(),
        S.LISTE_ATTENTE: {S.ANNULEE},
        S.ANNULEE: set(),
        S.EXPIREE: {S.DEPOSEE},
    }


def test_a_place_is_accepted_by_the_family_or_its_answer_recorded_by_the_guichet_and_only_the_guichet_admits():
    assert allowed_actors(S.PROPOSITION, S.ACCEPTEE) == {Actor.FAMILY, Actor.STAFF}
    assert allowed_actors(S.ACCEPTEE, S.ADMISE) == {Actor.STAFF}
    assert [frm for frm in S.values if allowed_actors(frm, S.ACCEPTEE)] == [S.PROPOSITION]
    assert [frm for frm in S.values if allowed_actors(frm, S.ADMISE)] == [S.ACCEPTEE]


def test_the_system_never_cancels_accepts_or_admits():
    for from_status in S.values:
        for to_status in (S.ANNULEE, S.ACCEPTEE, S.ADMISE, S.DEPOSEE, S.INCOMPLETE):
            assert Actor.SYSTEM not in allowed_actors(from_status, to_status)


def test_only_the_system_expires_a_request_and_only_while_it_waits():
    expiring = {frm for frm in S.values if allowed_actors(frm, S.EXPIREE)}
    assert expiring == {S.DEPOSEE, S.INCOMPLETE, S.COMPLETE, S.LISTE_ATTENTE}
    assert all(allowed_actors(frm, S.EXPIREE) == {Actor.SYSTEM} for frm in expiring)


@pytest.mark.parametrize("closed", [S.ADMISE, S.ANNULEE])
def test_a_closed_request_never_moves_again(closed):
    for actor in Actor.values:
        assert targets(closed, actor) == []


def test_an_expired_request_only_comes_back_when_its_family_takes_it_up_for_a_new_period():
    assert {actor: targets(S.EXPIREE, actor) for actor in Actor.values} == {
        Actor.FAMILY: [S.DEPOSEE],
        Actor.AM: [],
        Actor.STAFF: [],
        Actor.SYSTEM: [],
    }


def test_nothing_goes_back_to_a_draft():
    assert [frm for frm in S.values if allowed_actors(frm, S.BROUILLON)] == []


def test_every_status_can_be_reached_from_a_draft():
    reached, frontier = {S.BROUILLON}, [S.BROUILLON]
    while frontier:
        status = frontier.pop()
        for actor in Actor.values:
            for target in targets(status, actor):
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(S.values)


def test_targets_follow_the_order_of_the_table():
    # The guichet's buttons appear in this order.
    assert targets(S.DEPOSEE, Actor.STAFF) == [S.INCOMPLETE, S.COMPLETE, S.ANNULEE]
    assert targets(S.EN_COMMISSION, Actor.SYSTEM) == [S.PROPOSITION, S.LISTE_ATTENTE, S.COMPLETE]


def test_an_unknown_move_has_no_actor():
    assert allowed_actors(S.ADMISE, S.BROUILLON) == set()
    assert allowed_actors("inconnu", S.DEPOSEE) == set()


# --- what people read ---------------------------------------------------------------------------------------------


def test_a_move_outside_the_table_is_refused_in_words():
    with pytest.raises(TransitionError) as refused:
        check_transition(S.ADMISE, S.DEPOSEE, Actor.STAFF)
    assert str(refused.value) == "Une demande « admise » ne peut pas passer à « déposée »."


@pytest.mark.parametrize(
    ("actor", "who"), [(Actor.FAMILY, "la famille"), (Actor.SYSTEM, "automatique")], ids=["family", "system"]
)
def test_a_move_refused_to_an_actor_names_the_actor(actor, who):
    with pytest.raises(TransitionError) as refused:
        check_transition(S.ACCEPTEE, S.ADMISE, actor)
    assert str(refused.value) == f"Ce passage de « acceptée » à « admise » n'est pas permis ({who})."


def test_the_guichet_is_named_when_it_may_not_file_for_the_family():
    with pytest.raises(TransitionError) as refused:
        check_transition(S.BROUILLON, S.DEPOSEE, Actor.STAFF)
    assert str(refused.value) == "Ce passage de « brouillon » à « déposée » n'est pas permis (le guichet)."


def test_the_family_reads_a_next_step_for_every_status():
    assert {status: str(NEXT_STEPS[status]) for status in S.values} == {
        S.BROUILLON: "Complétez votre demande, joignez les pièces, puis déposez-la.",
        S.DEPOSEE: "Le guichet vérifie votre demande et vos pièces.",
        S.INCOMPLETE: "Il manque des pièces ou des informations : ajoutez-les, le guichet reprendra l'instruction.",
        S.COMPLETE: "Votre demande est complète : elle sera examinée à la prochaine commission d'attribution.",
        S.EN_COMMISSION: "La commission d'attribution examine votre demande.",
        S.PROPOSITION: "Une place vous est proposée : répondez avant la date indiquée.",
        S.ACCEPTEE: "Vous avez accepté la place : l'établissement vous contacte pour l'admission.",
        S.REFUSEE: "Vous avez refusé la place proposée.",
        S.ADMISE: "Votre enfant est admis.",
        S.LISTE_ATTENTE: (
            "Votre demande reste sur la liste d'attente avec son ancienneté ; "
            "elle sera revue à la prochaine commission."
        ),
        S.ANNULEE: "Cette demande est annulée.",
        S.EXPIREE: (
            "Cette demande a expiré faute de renouvellement. Vous pouvez la reprendre : "
            "elle repart pour une nouvelle période, à la date d'aujourd'hui."
        ),
    }
