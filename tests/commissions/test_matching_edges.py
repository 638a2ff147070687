"""The allocation engine's edge cases, each with its literal expected result read from the contract
(shared/contracts/allocation.md), never computed by the engine's own helpers.

test_matching.py holds the property tests and the main rules; this file pins what they leave loose: whole
refusal messages, zero capacities and reservations, reserved slots displacing or refusing a newcomer,
every ground of an explanation, and the helpers `choose` and `stability_violations`.
"""

import gc

import pytest

from commissions.matching import (
    ProblemError,
    Result,
    allocate,
    choose,
    parse_problem,
    result_to_json,
    stability_violations,
)


def applicant(identifier, score, *wishes, date="2026-01-10T08:00:00Z", section="bebes", **extra):
    return {"id": identifier, "score": score, "submitted_at": date, "section": section, "wishes": list(wishes)} | extra


def seat(establishment, capacity, section="bebes", **reserved):
    return {"establishment": establishment, "section": section, "capacity": capacity, "reserved": reserved}


def places(data: dict) -> dict:
    return {key: place and place["establishment"] for key, place in output(data)["assignments"].items()}


def output(data: dict) -> dict:
    return result_to_json(allocate(parse_problem(data)))


def texts(data: dict, applicant_id: str) -> list[tuple[str, str, str]]:
    return [
        (line["establishment"], line["reason"], line["text"]) for line in output(data)["explanations"][applicant_id]
    ]


def refusal(data) -> str:
    with pytest.raises(ProblemError) as refused:
        parse_problem(data)
    return str(refused.value)


# ---------------------------------------------------------------------------------------------------------------------
# Refusals: the whole message, so that the record and the bad value it names are checked too.

LONG = "E" * 61


@pytest.mark.parametrize(
    "data, message",
    [
        ("seats", "le problème doit être un objet JSON avec « seats » et « applicants »"),
        ({"seats": []}, "problème : champ obligatoire manquant « applicants »"),
        ({"seats": [], "applicants": {}}, "problème : « applicants » doit être une liste"),
        ({"seats": [[1, "a"]], "applicants": []}, 'groupe n°1 : un objet JSON est attendu, reçu « [1, "a"] »'),
        (
            {"seats": [seat("E1", 1), {"establishment": "", "section": "b", "capacity": 1}], "applicants": []},
            "groupe n°2 : « establishment » doit être un texte non vide, reçu «  »",
        ),
        (
            {"seats": [{"establishment": "E1", "section": 4, "capacity": 1}], "applicants": []},
            "groupe n°1 : « section » doit être un texte non vide, reçu « 4 »",
        ),
        (
            {"seats": [seat("E1", 1, section="a/b")], "applicants": []},
            "groupe E1/a/b : « section » ne doit pas contenir de « / »",
        ),
        (
            {"seats": [seat("E1", 1.0)], "applicants": []},
            "groupe E1/bebes : la capacité doit être un nombre entier, reçu « 1.0 »",
        ),
        (
            {"seats": [seat("E1", 2, **{"": 1})], "applicants": []},
            "groupe E1/bebes : critère de réservation vide",
        ),
        (
            {"seats": [seat("E1", 2, insertion="1")], "applicants": []},
            "groupe E1/bebes : places réservées « insertion » : nombre entier attendu, reçu « 1 »",
        ),
        (
            {"seats": [seat("E1", 2, insertion=-1)], "applicants": []},
            "groupe E1/bebes : places réservées « insertion » négatives (-1)",
        ),
        (
            {"seats": [seat("E1", 2, a=2, b=1)], "applicants": []},
            "groupe E1/bebes : places réservées (3) supérieures à la capacité (2)",
        ),
        (
            {"seats": [{**seat("E1", 1), "reserved": 1}], "applicants": []},
            "groupe E1/bebes : « reserved » doit être un objet {critère: nombre de places}",
        ),
        ({"seats": [], "applicants": [7]}, "candidat n°1 : un objet JSON est attendu, reçu « 7 »"),
        (
            {"seats": [], "applicants": [applicant(5, 1, "E1")]},
            "candidat n°1 : « id » doit être un texte non vide, reçu « 5 »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", "douze", "E1")]},
            "candidat A : le score doit être un nombre, reçu « douze »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", float("-inf"), "E1")]},
            "candidat A : score non fini « -Infinity »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", section="")]},
            "candidat A : « section » doit être un texte non vide, reçu «  »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", date=None)]},
            "candidat A : date de dépôt illisible « null »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", date="2026-01-10 08:00")]},
            "candidat A : date de dépôt sans fuseau horaire « 2026-01-10 08:00 » (ajouter Z ou un décalage)",
        ),
        ({"seats": [], "applicants": [applicant("A", 1, "E1", "")]}, "candidat A : vœu n°2 invalide «  »"),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", flags=["x", "x"])]},
            "candidat A : critère en double « x »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", flags=[None])]},
            "candidat A : critère n°1 invalide « null »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", bonus={"": 1})]},
            "candidat A : bonus pour un établissement vide",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", bonus={"E1": "2"})]},
            "candidat A : bonus « E1 » : nombre fini attendu, reçu « 2 »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", bonus=None)]},
            "candidat A : « bonus » doit être un objet {établissement: points}",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1"), applicant("A", 2, "E2")]},
            "candidat A : identifiant en double",
        ),
        # A bad value is shown in full up to 60 characters, cut to 57 and an ellipsis beyond.
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", date="E" * 60)]},
            f"candidat A : date de dépôt illisible « {'E' * 60} »",
        ),
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", date=LONG)]},
            f"candidat A : date de dépôt illisible « {'E' * 57}… »",
        ),
        # A value JSON cannot write (from a Python caller) is shown as Python writes it.
        (
            {"seats": [], "applicants": [applicant("A", 1, "E1", date={1})]},
            "candidat A : date de dépôt illisible « {1} »",
        ),
    ],
)
def test_a_refusal_names_the_record_and_the_value_in_full(data, message):
    assert refusal(data) == message


def test_valid_limits_are_accepted_as_they_are():
    problem = parse_problem(
        {
            "seats": [seat("E1", 0), seat("E2", 2, insertion=2, handicap=0)],
            "applicants": [
                applicant("A", 3, "E2", "E1", date="2026-01-10T10:30:00+02:00", flags=[], bonus={"E2": 1}),
                applicant("B", -2.5, date="2026-01-10T08:30:00Z"),
            ],
        }
    )
    first, second = problem.applicants
    assert (first.score, type(first.score), first.bonus, type(first.bonus["E2"])) == (3.0, float, {"E2": 1.0}, float)
    assert first.submitted_at.isoformat() == "2026-01-10T08:30:00+00:00"
    assert (first.wishes, first.flags, second.wishes, second.bonus) == (("E2", "E1"), frozenset(), (), {})
    assert [(s.establishment, s.capacity, s.reserved) for s in problem.seats] == [
        ("E1", 0, {}),
        ("E2", 2, {"insertion": 2, "handicap": 0}),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# The mechanism at its edges.


def test_a_group_of_capacity_zero_is_skipped_and_explained_as_no_place():
    data = {"seats": [seat("E1", 0), seat("E2", 1)], "applicants": [applicant("A", 5, "E1", "E2")]}
    assert places(data) == {"A": "E2"}
    assert texts(data, "A") == [
        ("E1", "no_section", "Aucune place de la section bebes n'est à attribuer à E1 lors de cette commission.")
    ]
    assert output(data)["cutoffs"]["E1/bebes"] == {"filled": 0, "capacity": 0, "last_admitted": None}


def test_a_reservation_of_zero_places_gives_no_precedence():
    data = {
        "seats": [seat("E1", 1, insertion=0)],
        "applicants": [applicant("A", 9, "E1"), applicant("B", 3, "E1", flags=["insertion"])],
    }
    assert places(data) == {"A": "E1", "B": None}


def test_two_reserved_places_of_one_flag_with_one_flagged_applicant_leave_the_other_to_the_best():
    data = {
        "seats": [seat("E1", 3, insertion=2)],
        "applicants": [
            applicant("A", 9, "E1"),
            applicant("B", 8, "E1"),
            applicant("C", 7, "E1"),
            applicant("F", 1, "E1", flags=["insertion"]),
        ],
    }
    assert places(data) == {"A": "E1", "B": "E1", "C": None, "F": "E1"}


def test_the_alphabetical_order_of_flags_not_the_file_order_decides_who_takes_a_double_flagged_place():
    """Same as the contract's example, with the reservations written in the other order in the file."""
    data = {
        "seats": [seat("E1", 2, zeta=1, alpha=1)],
        "applicants": [
            applicant("P", 10, "E1", flags=["zeta", "alpha"]),
            applicant("Q", 8, "E1", flags=["zeta"]),
            applicant("R", 9, "E1"),
        ],
    }
    assert places(data) == {"P": "E1", "Q": "E1", "R": None}


def test_a_weaker_flagged_newcomer_takes_the_reserved_place_from_a_held_applicant_who_then_moves_on():
    # B arrives first and holds the reserved place; F, weaker but flagged, takes it; B goes to E2.
    data = {
        "seats": [seat("E1", 2, insertion=1), seat("E2", 1)],
        "applicants": [
            applicant("A", 9, "E1"),
            applicant("B", 8, "E1", "E2"),
            applicant("F", 1, "E1", flags=["insertion"]),
        ],
    }
    assert places(data) == {"A": "E1", "B": "E2", "F": "E1"}


def test_a_flagged_newcomer_weaker_than_the_flagged_holder_is_refused_and_moves_on():
    data = {
        "seats": [seat("E1", 2, insertion=1), seat("E2", 1)],
        "applicants": [
            applicant("A", 9, "E1"),
            applicant("F", 5, "E1", flags=["insertion"]),
            applicant("G", 4, "E1", "E2", flags=["insertion"]),
        ],
    }
    assert places(data) == {"A": "E1", "F": "E1", "G": "E2"}


def test_a_stronger_newcomer_displaces_the_weakest_of_a_group_with_reservations():
    data = {
        "seats": [seat("E1", 2, insertion=1), seat("E2", 1)],
        "applicants": [
            applicant("A", 5, "E1", "E2"),
            applicant("B", 6, "E1", "E2"),
            applicant("C", 7, "E1"),
        ],
    }
    # No one carries the flag: the reserved place goes to the best remaining, so A (weakest) moves on.
    assert places(data) == {"A": "E2", "B": "E1", "C": "E1"}


def test_an_unflagged_newcomer_weaker_than_everyone_held_is_refused_even_with_a_reservation():
    data = {
        "seats": [seat("E1", 2, insertion=1), seat("E2", 1)],
        "applicants": [
            applicant("A", 9, "E1"),
            applicant("F", 8, "E1", flags=["insertion"]),
            applicant("W", 1, "E1", "E2"),
        ],
    }
    assert places(data) == {"A": "E1", "F": "E1", "W": "E2"}


def test_ties_go_to_the_earlier_request_then_to_the_smaller_id_as_text():
    data = {
        "seats": [seat("E1", 2)],
        "applicants": [
            applicant("D-9", 6, "E1", date="2026-01-10T08:00:00Z"),
            applicant("D-10", 6, "E1", date="2026-01-10T08:00:00Z"),
            applicant("D-1", 6, "E1", date="2026-01-10T08:00:01Z"),
        ],
    }
    assert places(data) == {"D-1": None, "D-10": "E1", "D-9": "E1"}


def test_a_bonus_at_an_establishment_not_wished_changes_nothing():
    data = {
        "seats": [seat("E1", 1)],
        "applicants": [applicant("A", 5, "E1", bonus={"E9": 50}), applicant("B", 6, "E1")],
    }
    assert places(data) == {"A": None, "B": "E1"}


def test_an_applicant_of_another_section_never_takes_a_place():
    data = {"seats": [seat("E1", 3)], "applicants": [applicant("A", 5, "E1", section="grands")]}
    assert places(data) == {"A": None}
    assert texts(data, "A") == [
        ("E1", "no_section", "Aucune place de la section grands n'est à attribuer à E1 lors de cette commission.")
    ]


def test_assignments_and_cutoffs_are_written_in_sorted_order_with_the_lowest_priority_admitted():
    data = {
        "seats": [seat("E2", 2, insertion=1), seat("E1", 1, section="moyens")],
        "applicants": [
            applicant("B", 9, "E2"),
            applicant("A", 2, "E2", flags=["insertion"], date="2026-01-10T09:00:00+01:00"),
            applicant("C", 4, "E2"),
        ],
    }
    result = output(data)
    assert list(result["assignments"]) == ["A", "B", "C"]
    assert list(result["cutoffs"]) == ["E1/moyens", "E2/bebes"]
    assert result["cutoffs"]["E2/bebes"] == {
        "filled": 2,
        "capacity": 2,
        "last_admitted": {"score": 2.0, "submitted_at": "2026-01-10T08:00:00Z"},
    }


# ---------------------------------------------------------------------------------------------------------------------
# Explanations: every ground, alone and together, with the French singular and plural.


def test_one_place_taken_on_score_is_explained_in_the_singular():
    data = {"seats": [seat("E1", 1)], "applicants": [applicant("A", 2, "E1"), applicant("B", 1, "E1")]}
    assert texts(data, "B") == [
        (
            "E1",
            "full",
            "La place de la section bebes de E1 a été attribuée à une demande ayant un score supérieur au vôtre "
            "(dernier admis : 2 points, vous : 1 point).",
        )
    ]


def test_several_places_taken_on_seniority_alone():
    data = {
        "seats": [seat("E1", 2)],
        "applicants": [
            applicant("A", 3, "E1", date="2026-01-01T08:00:00Z"),
            applicant("B", 3, "E1", date="2026-01-02T08:00:00Z"),
            applicant("C", 3, "E1", date="2026-01-03T08:00:00Z"),
        ],
    }
    assert texts(data, "C")[0][2] == (
        "Les 2 places de la section bebes de E1 ont été attribuées à des demandes de même score déposées avant "
        "la vôtre (dernier admis : 3 points, vous : 3 points)."
    )


def test_three_grounds_are_listed_with_commas_and_a_final_and():
    data = {
        "seats": [seat("E1", 5, insertion=1)],
        "applicants": [
            applicant("S1", 9, "E1"),
            applicant("S2", 8, "E1"),
            applicant("T1", 0.5, "E1", date="2026-01-01T08:00:00Z"),
            applicant("N1", 0.5, "E1"),
            applicant("N2", 0.5, "E1", date="2026-01-10T09:00:00+01:00"),
            applicant("R", 0, "E1", flags=["insertion"]),
        ],
    }
    # Ahead of N2: S1 and S2 on score, T1 on seniority, N1 by file number; R on the reserved place.
    assert places(data)["N2"] is None
    assert texts(data, "N2")[0][2] == (
        "Les 5 places de la section bebes de E1 ont été attribuées : 2 à des demandes ayant un score supérieur "
        "au vôtre, 1 à une demande de même score déposée avant la vôtre, 1 à une demande de même score déposée au "
        "même moment, départagée par le numéro de dossier et 1 à une demande bénéficiant d'une place réservée au "
        "titre du critère « insertion » (dernier admis : 0,5 point, vous : 0,5 point)."
    )


def test_several_places_by_file_number_and_several_reserved_places_of_one_flag():
    data = {
        "seats": [seat("E1", 4, insertion=2)],
        "applicants": [
            applicant("A1", 2, "E1"),
            applicant("A2", 2, "E1"),
            applicant("F1", 1, "E1", flags=["insertion"]),
            applicant("F2", 1.25, "E1", flags=["insertion"]),
            applicant("Z", 2, "E1"),
        ],
    }
    assert texts(data, "Z")[0][2] == (
        "Les 4 places de la section bebes de E1 ont été attribuées : 2 à des demandes de même score déposées au "
        "même moment, départagées par le numéro de dossier et 2 à des demandes bénéficiant de places réservées "
        "au titre du critère « insertion » (dernier admis : 2 points, vous : 2 points)."
    )


def test_three_reserved_flags_are_named_in_alphabetical_order():
    data = {
        "seats": [seat("E1", 3, c=1, a=1, b=1)],
        "applicants": [
            applicant("X", 0, "E1", flags=["c"]),
            applicant("Y", 0, "E1", flags=["a"]),
            applicant("W", 0, "E1", flags=["b"]),
            applicant("Z", 8, "E1"),
        ],
    }
    assert texts(data, "Z")[0][2] == (
        "Les 3 places de la section bebes de E1 ont été attribuées à des demandes bénéficiant de places réservées "
        "au titre des critères « a », « b » et « c ». Votre score : 8 points."
    )


def test_only_the_flags_of_places_taken_by_weaker_applicants_are_named():
    # F holds the insertion place but is ahead of Z on score: only the handicap place explains Z's refusal.
    data = {
        "seats": [seat("E1", 2, insertion=1, handicap=1)],
        "applicants": [
            applicant("F", 9, "E1", flags=["insertion"]),
            applicant("H", 1, "E1", flags=["handicap"]),
            applicant("Z", 5, "E1"),
        ],
    }
    assert texts(data, "Z")[0][2] == (
        "Les 2 places de la section bebes de E1 ont été attribuées : 1 à une demande ayant un score supérieur au "
        "vôtre et 1 à une demande bénéficiant d'une place réservée au titre du critère « handicap » "
        "(dernier admis : 9 points, vous : 5 points)."
    )


def test_the_effective_score_with_bonus_is_the_one_shown_and_compared():
    data = {
        "seats": [seat("E1", 1)],
        "applicants": [applicant("A", 1, "E1", bonus={"E1": 2.75}), applicant("B", 3.5, "E1", bonus={"E1": -0.5})],
    }
    assert places(data) == {"A": "E1", "B": None}
    assert texts(data, "B")[0][2].endswith("(dernier admis : 3,75 points, vous : 3 points).")


def test_refusals_below_everyone_admitted_share_a_text_by_score_and_ties_with_the_last_get_their_own():
    # Texts of refusals scored below every admitted applicant are written once per score; at the lowest
    # admitted score the dates decide, so B (earlier than R) and C (later) read different reasons.
    data = {
        "seats": [seat("E1", 2, insertion=1)],
        "applicants": [
            applicant("A", 5, "E1"),
            applicant("R", 3, "E1", date="2026-01-10T09:00:00Z", flags=["insertion"]),
            applicant("B", 3, "E1", date="2026-01-10T08:00:00Z"),
            applicant("C", 3, "E1", date="2026-01-10T10:00:00Z"),
            applicant("X", 1, "E1", bonus={"E1": 1}),
            applicant("Y", 1, "E1"),
            applicant("Z", 0, "E1"),
            applicant("Z2", 0, "E1", date="2026-01-01T08:00:00Z"),
        ],
    }
    head = "Les 2 places de la section bebes de E1 ont été attribuées"
    by_score = f"{head} à des demandes ayant un score supérieur au vôtre (dernier admis : 3 points, vous : "
    assert {key: texts(data, key)[0][2] for key in ("B", "C", "X", "Y", "Z", "Z2")} == {
        "B": f"{head} : 1 à une demande ayant un score supérieur au vôtre et 1 à une demande bénéficiant d'une "
        "place réservée au titre du critère « insertion » (dernier admis : 5 points, vous : 3 points).",
        "C": f"{head} : 1 à une demande ayant un score supérieur au vôtre et 1 à une demande de même score déposée "
        "avant la vôtre (dernier admis : 3 points, vous : 3 points).",
        "X": by_score + "2 points).",
        "Y": by_score + "1 point).",
        "Z": by_score + "0 point).",
        "Z2": by_score + "0 point).",
    }


@pytest.mark.parametrize(
    "score, shown",
    [
        (0, "0 point"),
        (-0.0, "0 point"),
        (1, "1 point"),
        (1.5, "1,5 point"),
        (2, "2 points"),
        (-3, "-3 points"),
        (12.125, "12,12 points"),
        (10, "10 points"),
    ],
)
def test_points_are_written_the_french_way(score, shown):
    data = {
        "seats": [seat("E1", 1, x=1)],
        "applicants": [applicant("F", -100, "E1", flags=["x"]), applicant("B", score, "E1")],
    }
    assert texts(data, "B")[0][2].endswith(f"Votre score : {shown}.")


def test_an_unplaced_applicant_has_every_wish_explained_in_its_order_and_a_placed_one_those_above():
    data = {
        "seats": [seat("E1", 1), seat("E2", 1), seat("E3", 1)],
        "applicants": [
            applicant("A", 9, "E2", "E1"),
            applicant("B", 8, "E3", "E1"),
            applicant("C", 7, "E1", "E9", "E3", "E2"),
            applicant("D", 6, "E3", "E2", "E1"),
        ],
    }
    assert places(data) == {"A": "E2", "B": "E3", "C": "E1", "D": None}
    assert [line[:2] for line in texts(data, "D")] == [("E3", "full"), ("E2", "full"), ("E1", "full")]
    assert texts(data, "C") == []
    assert texts(data, "A") == []


def test_a_place_obtained_lower_down_explains_only_the_wishes_above_it():
    data = {
        "seats": [seat("E1", 1), seat("E2", 1)],
        "applicants": [applicant("A", 9, "E1"), applicant("B", 1, "E9", "E1", "E2")],
    }
    assert [line[:2] for line in texts(data, "B")] == [("E9", "no_section"), ("E1", "full")]


# ---------------------------------------------------------------------------------------------------------------------
# The helpers the benchmark and the sessions use.


def test_choose_takes_the_open_slots_by_priority_then_each_flag_in_alphabetical_order():
    problem = parse_problem(
        {
            "seats": [seat("E1", 3, b=1, a=1)],
            "applicants": [
                applicant("P", 9, "E1"),
                applicant("Q", 8, "E1"),
                applicant("RB", 1, "E1", flags=["b"]),
                applicant("RA", 2, "E1", flags=["a"]),
            ],
        }
    )
    (group,) = problem.seats
    assert [chosen.id for chosen in choose(group, list(problem.applicants))] == ["P", "RA", "RB"]
    assert [chosen.id for chosen in choose(group, list(problem.applicants[:2]))] == ["P", "Q"]


def test_stability_violations_are_empty_for_the_engine_and_name_each_envied_place():
    data = {
        "seats": [seat("E1", 1), seat("E2", 1, section="grands")],
        "applicants": [
            applicant("A", 9, "E1", "E2"),
            applicant("B", 5, "E2", "E1"),
            applicant("G", 1, "E2", section="grands"),
        ],
    }
    problem = parse_problem(data)
    assert stability_violations(problem, allocate(problem)) == []
    swapped = Result(
        problem,
        {"A": None, "B": ("E1", "bebes"), "G": None},
        {("E1", "bebes"): ("B",), ("E2", "grands"): ()},
    )
    # A would be taken at E1; G at E2/grands, empty; B's wish E2 has no group of its section: not a violation.
    assert stability_violations(problem, swapped) == [("A", "E1"), ("G", "E2")]


def test_a_placed_applicant_is_not_its_own_rival_in_the_stability_check():
    data = {"seats": [seat("E1", 1), seat("E2", 1)], "applicants": [applicant("A", 9, "E1", "E2")]}
    problem = parse_problem(data)
    placed_lower = Result(problem, {"A": ("E2", "bebes")}, {("E1", "bebes"): (), ("E2", "bebes"): ("A",)})
    assert stability_violations(problem, placed_lower) == [("A", "E1")]


def test_an_admitted_group_is_read_in_its_order_at_that_establishment_bonus_included():
    # At E1, A (5 + 10) is ahead of F (6, flagged): C (12) is behind A on score and F took the reserved place.
    data = {
        "seats": [seat("E1", 2, insertion=1)],
        "applicants": [
            applicant("A", 5, "E1", bonus={"E1": 10}),
            applicant("F", 6, "E1", flags=["insertion"]),
            applicant("C", 12, "E1"),
        ],
    }
    assert places(data) == {"A": "E1", "C": None, "F": "E1"}
    assert texts(data, "C")[0][2] == (
        "Les 2 places de la section bebes de E1 ont été attribuées : 1 à une demande ayant un score supérieur au "
        "vôtre et 1 à une demande bénéficiant d'une place réservée au titre du critère « insertion » "
        "(dernier admis : 15 points, vous : 12 points)."
    )


def test_a_negative_zero_effective_score_is_shown_as_zero():
    data = {
        "seats": [seat("E1", 1, x=1)],
        "applicants": [applicant("F", -9, "E1", flags=["x"]), applicant("B", -0.0, "E1", bonus={"E1": -0.0})],
    }
    assert texts(data, "B")[0][2].endswith("Votre score : 0 point.")


def test_a_bad_value_keeps_its_accents_in_the_message():
    data = {"seats": [], "applicants": [applicant("A", 1, "E1") | {"wishes": {"Crèche": 1}}]}
    assert refusal(data) == 'candidat A : « wishes » doit être une liste, reçu « {"Crèche": 1} »'


def test_allocate_leaves_the_garbage_collector_as_it_found_it():
    problem = parse_problem({"seats": [seat("E1", 1)], "applicants": [applicant("A", 1, "E1")]})
    assert gc.isenabled()
    allocate(problem)
    assert gc.isenabled()
    gc.disable()
    try:
        allocate(problem)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_wish_without_a_group_does_not_stop_the_stability_check_of_the_next_ones():
    data = {"seats": [seat("E1", 1)], "applicants": [applicant("A", 9, "E9", "E1")]}
    problem = parse_problem(data)
    unplaced = Result(problem, {"A": None}, {("E1", "bebes"): ()})
    assert stability_violations(problem, unplaced) == [("A", "E1")]


def test_the_result_lists_each_group_best_priority_first():
    data = {
        "seats": [seat("E1", 3, insertion=1), seat("E2", 1)],
        "applicants": [
            applicant("B", 4, "E1"),
            applicant("F", 1, "E1", flags=["insertion"]),
            applicant("A", 2, "E1", bonus={"E1": 5}),
        ],
    }
    assert allocate(parse_problem(data)).admitted == {("E1", "bebes"): ("A", "B", "F"), ("E2", "bebes"): ()}
