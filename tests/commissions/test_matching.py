"""The allocation engine (commissions/matching.py) against its contract, shared/contracts/allocation.md.

No database: the engine is pure. The property tests check the engine against an independent naive
implementation and an independent stability checker, both written here from the contract's text.
"""

import copy
import itertools
import json
import random
import re
from collections import Counter, defaultdict
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissions.matching import (
    ProblemError,
    Result,
    allocate,
    parse_problem,
    result_to_json,
    stability_violations,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------------------------------
# An independent reading of the contract, on the raw JSON records.


def priority(applicant: dict, establishment: str) -> tuple:
    """Contract: effective score higher first, then earlier submitted_at, then smaller id."""
    bonus = applicant.get("bonus", {}).get(establishment, 0)
    return (-(applicant["score"] + bonus), datetime.fromisoformat(applicant["submitted_at"]), applicant["id"])


def group_chooses(seat: dict, candidates: list[dict]) -> list[dict]:
    """Contract: the open slots by priority, then each flag's reserved slots in alphabetical order."""
    remaining = sorted(candidates, key=lambda applicant: priority(applicant, seat["establishment"]))
    reserved = seat.get("reserved", {})
    chosen = []
    for _ in range(seat["capacity"] - sum(reserved.values())):
        if remaining:
            chosen.append(remaining.pop(0))
    for flag in sorted(reserved):
        for _ in range(reserved[flag]):
            if not remaining:
                break
            carrying = [applicant for applicant in remaining if flag in applicant.get("flags", [])]
            pick = carrying[0] if carrying else remaining[0]
            chosen.append(pick)
            remaining.remove(pick)
    return chosen


def naive_deferred_acceptance(data: dict) -> dict[str, tuple[str, str] | None]:
    """Round by round, as the contract tells it: every unassigned applicant proposes to its best wish not yet
    tried; every group re-runs its choice rule over everyone it holds plus its new proposers."""
    seats = {(seat["establishment"], seat["section"]): seat for seat in data["seats"]}
    held = {key: [] for key in seats}
    tried = {applicant["id"]: 0 for applicant in data["applicants"]}
    place = {applicant["id"]: None for applicant in data["applicants"]}
    while True:
        proposals = defaultdict(list)
        for applicant in data["applicants"]:
            if place[applicant["id"]] is not None:
                continue
            while tried[applicant["id"]] < len(applicant["wishes"]):
                key = (applicant["wishes"][tried[applicant["id"]]], applicant["section"])
                tried[applicant["id"]] += 1
                if key in seats:  # a wish with no group for its section is ignored
                    proposals[key].append(applicant)
                    break
        if not proposals:
            return place
        for key, proposers in proposals.items():
            for applicant in held[key]:
                place[applicant["id"]] = None
            held[key] = group_chooses(seats[key], held[key] + proposers)
            for applicant in held[key]:
                place[applicant["id"]] = key


def blocking_pairs(data: dict, place: dict) -> list[tuple[str, str]]:
    """Contract's stability: for each wish preferred to the place obtained, the group's choice rule over its
    admitted applicants plus this one must reject this one."""
    seats = {(seat["establishment"], seat["section"]): seat for seat in data["seats"]}
    admitted = defaultdict(list)
    for applicant in data["applicants"]:
        if place[applicant["id"]] is not None:
            admitted[place[applicant["id"]]].append(applicant)
    pairs = []
    for applicant in data["applicants"]:
        got = place[applicant["id"]]
        wishes = applicant["wishes"]
        preferred = wishes if got is None else wishes[: wishes.index(got[0])]
        for establishment in preferred:
            key = (establishment, applicant["section"])
            if key in seats and applicant in group_chooses(seats[key], admitted[key] + [applicant]):
                pairs.append((applicant["id"], establishment))
    return pairs


def engine_places(data: dict) -> dict[str, tuple[str, str] | None]:
    return allocate(parse_problem(data)).assignments


# ---------------------------------------------------------------------------------------------------------------------
# Small random problems, full of the awkward cases: ties, missing sections, empty groups, reservations.

ESTABLISHMENTS = [f"E{k}" for k in range(1, 9)]
SECTIONS = ["bebes", "moyens", "grands"]
FLAGS = ["handicap", "insertion"]
# Equal instants written differently, and a tie on the clock to the second.
DATES = [
    "2026-01-10T08:00:00Z",
    "2026-01-10T09:00:00+01:00",
    "2026-01-10T08:00:00.500000Z",
    "2025-12-31T23:59:59Z",
    "2026-02-01T12:00:00-03:00",
]
SCORES = [0, 5, 10, 10.5, 12, 12.5]
BONUSES = [0.5, 2, 2.5]


# Strategies are built once, not per record: building them is what costs in Hypothesis.
CAPACITY_DRAWS = {top: st.integers(0, top) for top in range(5)}
FLAG_LISTS = st.lists(st.sampled_from(FLAGS), unique=True)


@st.composite
def problems(draw, max_establishments=8, max_sections=3, max_applicants=30, max_capacity=4):
    establishments = ESTABLISHMENTS[: draw(st.integers(1, max_establishments))]
    sections = SECTIONS[: draw(st.integers(1, max_sections))]
    seats = []
    for establishment, section in itertools.product(establishments, sections):
        if draw(CAPACITY_DRAWS[3]) == 0:
            continue  # this establishment has no place of this section
        capacity = draw(CAPACITY_DRAWS[max_capacity])
        reserved = {}
        for flag in FLAGS:
            if draw(st.booleans()):
                reserved[flag] = draw(CAPACITY_DRAWS[capacity - sum(reserved.values())])
        seat = {"establishment": establishment, "section": section, "capacity": capacity}
        if reserved or draw(st.booleans()):
            seat["reserved"] = reserved
        seats.append(seat)
    count = draw(st.integers(0, max_applicants))
    ids = draw(st.lists(st.text("aAbB-09", min_size=1, max_size=3), min_size=count, max_size=count, unique=True))
    # E9 never has a group: a wish for it is ignored.
    wish_pool = st.sampled_from([*establishments, "E9"])
    records = st.fixed_dictionaries(
        {
            "score": st.sampled_from(SCORES),
            "submitted_at": st.sampled_from(DATES),
            "section": st.sampled_from(SECTIONS[:max_sections]),
            "wishes": st.lists(wish_pool, unique=True, max_size=5),
        },
        optional={"flags": FLAG_LISTS, "bonus": st.dictionaries(wish_pool, st.sampled_from(BONUSES), max_size=2)},
    )
    applicants = [{"id": identifier} | draw(records) for identifier in ids]
    return {"seats": seats, "applicants": applicants}


@PROPERTY
@given(problems())
def test_no_group_holds_more_than_its_capacity(data):
    result = allocate(parse_problem(data))
    filled = Counter(place for place in result.assignments.values() if place is not None)
    for seat in data["seats"]:
        assert filled[(seat["establishment"], seat["section"])] <= seat["capacity"]


@PROPERTY
@given(problems())
def test_an_applicant_is_only_placed_in_a_wished_establishment_of_its_own_section(data):
    places = engine_places(data)
    groups = {(seat["establishment"], seat["section"]) for seat in data["seats"]}
    assert set(places) == {applicant["id"] for applicant in data["applicants"]}
    for applicant in data["applicants"]:
        place = places[applicant["id"]]
        if place is not None:
            assert place in groups
            assert place[0] in applicant["wishes"]
            assert place[1] == applicant["section"]


@PROPERTY
@given(problems())
def test_the_assignment_is_stable(data):
    problem = parse_problem(data)
    result = allocate(problem)
    assert blocking_pairs(data, result.assignments) == []
    assert stability_violations(problem, result) == []


@PROPERTY
@given(problems())
def test_the_engine_equals_a_naive_round_by_round_deferred_acceptance(data):
    assert engine_places(data) == naive_deferred_acceptance(data)


@PROPERTY
@given(problems())
def test_the_same_input_gives_the_same_output(data):
    first = json.dumps(result_to_json(allocate(parse_problem(data))), sort_keys=True)
    second = json.dumps(result_to_json(allocate(parse_problem(copy.deepcopy(data)))), sort_keys=True)
    assert first == second


@PROPERTY
@given(problems(), st.randoms(use_true_random=False))
def test_the_output_does_not_depend_on_the_order_of_applicants_and_seats(data, rng):
    shuffled = copy.deepcopy(data)
    rng.shuffle(shuffled["seats"])
    rng.shuffle(shuffled["applicants"])
    for seat in shuffled["seats"]:
        if "reserved" in seat:
            items = list(seat["reserved"].items())
            rng.shuffle(items)
            seat["reserved"] = dict(items)
    original = json.dumps(result_to_json(allocate(parse_problem(data))), sort_keys=True)
    assert json.dumps(result_to_json(allocate(parse_problem(shuffled))), sort_keys=True) == original


@PROPERTY
@given(problems())
def test_the_output_covers_everyone_and_explains_every_wish_above_the_place(data):
    output = result_to_json(allocate(parse_problem(data)))
    seats = {(seat["establishment"], seat["section"]): seat for seat in data["seats"]}
    ids = {applicant["id"] for applicant in data["applicants"]}
    assert set(output["assignments"]) == ids
    assert set(output["explanations"]) == ids
    assert set(output["cutoffs"]) == {f"{e}/{s}" for e, s in seats}
    filled = Counter((p["establishment"], p["section"]) for p in output["assignments"].values() if p)
    for (establishment, section), seat in seats.items():
        cutoff = output["cutoffs"][f"{establishment}/{section}"]
        assert cutoff["filled"] == filled[(establishment, section)]
        assert cutoff["capacity"] == seat["capacity"]
        assert (cutoff["last_admitted"] is None) == (cutoff["filled"] == 0)
    for applicant in data["applicants"]:
        place = output["assignments"][applicant["id"]]
        wishes = applicant["wishes"]
        above = wishes if place is None else wishes[: wishes.index(place["establishment"])]
        lines = output["explanations"][applicant["id"]]
        assert [line["establishment"] for line in lines] == above
        for line in lines:
            seat = seats.get((line["establishment"], applicant["section"]))
            expected = "no_section" if seat is None or seat["capacity"] == 0 else "full"
            assert line["reason"] == expected
            assert line["establishment"] in line["text"]
            if expected == "full":
                # A refusal only happens when the group is full.
                assert (
                    output["cutoffs"][f"{line['establishment']}/{applicant['section']}"]["filled"] == seat["capacity"]
                )


def all_assignments(data: dict):
    """Every way to place each applicant in at most one of its eligible wishes, within capacities."""
    seats = {(seat["establishment"], seat["section"]): seat for seat in data["seats"]}
    options = []
    for applicant in data["applicants"]:
        keys = [(e, applicant["section"]) for e in applicant["wishes"] if (e, applicant["section"]) in seats]
        options.append([None, *keys])
    for combination in itertools.product(*options):
        filled = Counter(key for key in combination if key is not None)
        if all(filled[key] <= seats[key]["capacity"] for key in filled):
            yield {applicant["id"]: key for applicant, key in zip(data["applicants"], combination, strict=True)}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_establishments=3, max_sections=1, max_applicants=5, max_capacity=2))
def test_every_applicant_weakly_prefers_the_engine_to_any_other_stable_assignment(data):
    """The contract's claim: the outcome is the applicant-optimal stable assignment (checked by brute force)."""
    places = engine_places(data)
    rank = {
        applicant["id"]: {e: k for k, e in enumerate(applicant["wishes"])} | {None: len(applicant["wishes"])}
        for applicant in data["applicants"]
    }
    for other in all_assignments(data):
        if blocking_pairs(data, other) == []:
            for identifier, key in other.items():
                mine = places[identifier]
                assert rank[identifier][mine and mine[0]] <= rank[identifier][key and key[0]]


# ---------------------------------------------------------------------------------------------------------------------
# Examples.


def applicant(identifier, score, *wishes, date="2026-01-10T08:00:00Z", section="bebes", **extra):
    return {"id": identifier, "score": score, "submitted_at": date, "section": section, "wishes": list(wishes)} | extra


def seat(establishment, capacity, section="bebes", **reserved):
    return {"establishment": establishment, "section": section, "capacity": capacity, "reserved": reserved}


def test_the_contract_sample_gives_the_contract_shape():
    data = {
        "seats": [{"establishment": "E1", "section": "bebes", "capacity": 3, "reserved": {"insertion": 1}}],
        "applicants": [
            {
                "id": "D-0001",
                "score": 14.5,
                "submitted_at": "2026-03-02T09:15:00Z",
                "section": "bebes",
                "wishes": ["E1", "E3"],
                "flags": ["insertion"],
                "bonus": {"E1": 2.0},
            }
        ],
    }
    assert result_to_json(allocate(parse_problem(data))) == {
        "assignments": {"D-0001": {"establishment": "E1", "section": "bebes"}},
        "cutoffs": {
            "E1/bebes": {
                "filled": 1,
                "capacity": 3,
                "last_admitted": {"score": 16.5, "submitted_at": "2026-03-02T09:15:00Z"},
            }
        },
        "explanations": {"D-0001": []},
    }


def test_a_rejected_applicant_moves_on_and_can_displace_a_weaker_one():
    """The chain of deferred acceptance: B, pushed out of E1 by A, takes E2 from C."""
    data = {
        "seats": [seat("E1", 1), seat("E2", 1)],
        "applicants": [applicant("C", 5, "E2", "E1"), applicant("B", 10, "E1", "E2"), applicant("A", 15, "E1")],
    }
    assert engine_places(data) == {"A": ("E1", "bebes"), "B": ("E2", "bebes"), "C": None}


def test_a_reserved_place_goes_to_a_flagged_applicant_even_with_a_lower_score():
    data = {
        "seats": [seat("E1", 2, insertion=1)],
        "applicants": [
            applicant("A", 20, "E1"),
            applicant("B", 15, "E1"),
            applicant("C", 10, "E1", flags=["insertion"]),
        ],
    }
    assert engine_places(data) == {"A": ("E1", "bebes"), "B": None, "C": ("E1", "bebes")}


def test_an_unused_reservation_falls_back_to_the_best_remaining_applicant():
    data = {
        "seats": [seat("E1", 2, insertion=1)],
        "applicants": [applicant("A", 20, "E1"), applicant("B", 15, "E1"), applicant("C", 10, "E1")],
    }
    assert engine_places(data) == {"A": ("E1", "bebes"), "B": ("E1", "bebes"), "C": None}


def test_open_slots_are_filled_first_so_a_top_flagged_applicant_does_not_use_the_reservation():
    data = {
        "seats": [seat("E1", 2, insertion=1)],
        "applicants": [
            applicant("X", 20, "E1", flags=["insertion"]),
            applicant("Y", 15, "E1"),
            applicant("Z", 10, "E1", flags=["insertion"]),
        ],
    }
    assert engine_places(data) == {"X": ("E1", "bebes"), "Y": None, "Z": ("E1", "bebes")}


def test_reserved_slots_are_taken_flag_by_flag_in_alphabetical_order():
    """P carries both flags: the handicap slot comes first and takes P, so the insertion slot goes to Q.
    Taking insertion first would have given the handicap slot, unused, to R."""
    data = {
        "seats": [seat("E1", 2, insertion=1, handicap=1)],
        "applicants": [
            applicant("P", 10, "E1", flags=["insertion", "handicap"]),
            applicant("Q", 8, "E1", flags=["insertion"]),
            applicant("R", 9, "E1"),
        ],
    }
    assert engine_places(data) == {"P": ("E1", "bebes"), "Q": ("E1", "bebes"), "R": None}


def test_equal_scores_are_split_by_the_earlier_request():
    data = {
        "seats": [seat("E1", 1)],
        "applicants": [
            applicant("A", 12, "E1", date="2026-02-01T08:00:00Z"),
            applicant("B", 12, "E1", date="2026-01-15T08:00:00Z"),
        ],
    }
    assert engine_places(data) == {"A": None, "B": ("E1", "bebes")}


def test_equal_scores_at_the_same_instant_are_split_by_the_smaller_id():
    """The same instant written in two time zones is a tie on seniority."""
    data = {
        "seats": [seat("E1", 1)],
        "applicants": [
            applicant("D-2", 12, "E1", date="2026-01-10T08:00:00Z"),
            applicant("D-10", 12, "E1", date="2026-01-10T09:00:00+01:00"),
        ],
    }
    assert engine_places(data) == {"D-10": ("E1", "bebes"), "D-2": None}


def test_a_bonus_counts_only_at_its_own_establishment():
    data = {
        "seats": [seat("E1", 1), seat("E2", 1)],
        "applicants": [
            applicant("A", 10, "E2", "E1", bonus={"E1": 3}),
            applicant("B", 12, "E1", "E2"),
            applicant("C", 11, "E2"),
        ],
    }
    # At E1, A has 13 and beats B; at E2, A has 10 and loses to B and C.
    assert engine_places(data) == {"A": ("E1", "bebes"), "B": ("E2", "bebes"), "C": None}


def test_a_wish_without_the_applicant_section_is_ignored():
    data = {
        "seats": [seat("E1", 1, section="grands"), seat("E2", 1)],
        "applicants": [applicant("A", 10, "E1", "E2")],
    }
    assert engine_places(data) == {"A": ("E2", "bebes")}


def explanations(data: dict) -> dict:
    return result_to_json(allocate(parse_problem(data)))["explanations"]


def test_a_refusal_on_score_is_explained_with_the_last_admitted_score():
    data = {
        "seats": [seat("E1", 3)],
        "applicants": [
            applicant("A", 15, "E1"),
            applicant("B", 14, "E1"),
            applicant("C", 12, "E1"),
            applicant("D", 10.5, "E1"),
        ],
    }
    assert explanations(data)["D"] == [
        {
            "establishment": "E1",
            "reason": "full",
            "text": "Les 3 places de la section bebes de E1 ont été attribuées à des demandes ayant un score "
            "supérieur au vôtre (dernier admis : 12 points, vous : 10,5 points).",
        }
    ]


def test_a_refusal_on_seniority_and_on_a_reserved_place_says_so():
    data = {
        "seats": [seat("E1", 2, insertion=1), seat("E2", 0)],
        "applicants": [
            applicant("A", 12, "E1", date="2026-01-01T08:00:00Z"),
            applicant("B", 12, "E2", "E1", "E3", date="2026-01-02T08:00:00Z"),
            applicant("C", 4, "E1", flags=["insertion"]),
        ],
    }
    lines = explanations(data)["B"]
    assert [(line["establishment"], line["reason"]) for line in lines] == [
        ("E2", "no_section"),
        ("E1", "full"),
        ("E3", "no_section"),
    ]
    assert lines[0]["text"] == "Aucune place de la section bebes n'est à attribuer à E2 lors de cette commission."
    assert lines[1]["text"] == (
        "Les 2 places de la section bebes de E1 ont été attribuées : 1 à une demande de même score déposée avant "
        "la vôtre et 1 à une demande bénéficiant d'une place réservée au titre du critère « insertion » "
        "(dernier admis : 12 points, vous : 12 points)."
    )


def test_a_refusal_by_the_file_number_says_so():
    data = {
        "seats": [seat("E1", 1)],
        "applicants": [applicant("D-1", 7, "E1"), applicant("D-2", 7, "E1")],
    }
    assert explanations(data)["D-2"][0]["text"] == (
        "La place de la section bebes de E1 a été attribuée à une demande de même score déposée au même moment, "
        "départagée par le numéro de dossier (dernier admis : 7 points, vous : 7 points)."
    )


def test_a_place_entirely_reserved_is_explained_with_the_applicant_score():
    data = {
        "seats": [seat("E1", 1, handicap=1)],
        "applicants": [applicant("A", 1, "E1", flags=["handicap"]), applicant("B", 1.5, "E1")],
    }
    assert explanations(data)["B"][0]["text"] == (
        "La place de la section bebes de E1 a été attribuée à une demande bénéficiant d'une place réservée "
        "au titre du critère « handicap ». Votre score : 1,5 point."
    )


def test_places_reserved_under_two_flags_are_named_together():
    data = {
        "seats": [seat("E1", 2, insertion=1, handicap=1)],
        "applicants": [
            applicant("H", 1, "E1", flags=["handicap"]),
            applicant("I", 2, "E1", flags=["insertion"]),
            applicant("X", 5, "E1"),
        ],
    }
    assert explanations(data)["X"][0]["text"] == (
        "Les 2 places de la section bebes de E1 ont été attribuées à des demandes bénéficiant de places réservées "
        "au titre des critères « handicap » et « insertion ». Votre score : 5 points."
    )


def test_the_first_wish_obtained_needs_no_explanation():
    data = {"seats": [seat("E1", 1)], "applicants": [applicant("A", 1, "E1", "E2")]}
    assert explanations(data) == {"A": []}


def test_cutoffs_give_the_last_admitted_effective_score_in_utc():
    data = {
        "seats": [seat("E1", 2), seat("E2", 1)],
        "applicants": [
            applicant("A", 10, "E1", bonus={"E1": 2.5}, date="2026-01-10T09:30:00+01:00"),
            applicant("B", 14, "E1"),
        ],
    }
    assert result_to_json(allocate(parse_problem(data)))["cutoffs"] == {
        "E1/bebes": {
            "filled": 2,
            "capacity": 2,
            "last_admitted": {"score": 12.5, "submitted_at": "2026-01-10T08:30:00Z"},
        },
        "E2/bebes": {"filled": 0, "capacity": 1, "last_admitted": None},
    }


def test_stability_violations_finds_an_applicant_a_group_would_rather_take():
    data = {"seats": [seat("E1", 1)], "applicants": [applicant("A", 15, "E1"), applicant("B", 10, "E1")]}
    problem = parse_problem(data)
    unfair = Result(problem, {"A": None, "B": ("E1", "bebes")}, {("E1", "bebes"): ("B",)})
    assert stability_violations(problem, unfair) == [("A", "E1")]


def test_the_engine_handles_an_empty_problem():
    assert result_to_json(allocate(parse_problem({"seats": [], "applicants": []}))) == {
        "assignments": {},
        "cutoffs": {},
        "explanations": {},
    }


def test_a_larger_random_problem_matches_the_naive_implementation():
    rng = random.Random(7)
    establishments = [f"C{k:02d}" for k in range(40)]
    data = {
        "seats": [
            seat(e, capacity, section=s, **({"insertion": 1} if capacity and rng.random() < 0.3 else {}))
            for e in establishments
            for s in ("bebes", "moyens")
            for capacity in [rng.randint(0, 6)]
        ],
        "applicants": [
            applicant(
                f"D-{k:04d}",
                rng.randint(0, 20) / 2,
                *rng.sample(establishments, 5),
                section=rng.choice(["bebes", "moyens"]),
                date=rng.choice(DATES),
                flags=["insertion"] if rng.random() < 0.1 else [],
            )
            for k in range(600)
        ],
    }
    places = engine_places(data)
    assert places == naive_deferred_acceptance(data)
    assert blocking_pairs(data, places) == []


# ---------------------------------------------------------------------------------------------------------------------
# Bad input: refused with a message naming the record.


def valid_problem() -> dict:
    return {
        "seats": [seat("E1", 3, insertion=1), seat("E2", 2)],
        "applicants": [
            applicant("D-0001", 14.5, "E1", "E2", flags=["insertion"], bonus={"E1": 2.0}),
            applicant("D-0002", 10, "E2"),
        ],
    }


def set_seat(field, value):
    def change(data):
        data["seats"][0][field] = value

    return change


def set_applicant(field, value):
    def change(data):
        data["applicants"][0][field] = value

    return change


def drop_applicant_field(field):
    def change(data):
        del data["applicants"][0][field]

    return change


BAD_INPUTS = {
    "not an object": (lambda data: data.clear() or data.update(x=1), "problème : champ inconnu « x »"),
    "missing applicants": (lambda data: data.pop("applicants"), "champ obligatoire manquant « applicants »"),
    "seats not a list": (lambda data: data.update(seats={}), "« seats » doit être une liste"),
    "negative capacity": (set_seat("capacity", -1), "groupe E1/bebes : capacité négative (-1)"),
    "boolean capacity": (set_seat("capacity", True), "groupe E1/bebes : la capacité doit être un nombre entier"),
    "fractional capacity": (set_seat("capacity", 2.5), "groupe E1/bebes : la capacité doit être un nombre entier"),
    "text capacity": (set_seat("capacity", "3"), "groupe E1/bebes : la capacité doit être un nombre entier"),
    "reservations above capacity": (
        set_seat("reserved", {"insertion": 2, "handicap": 2}),
        "groupe E1/bebes : places réservées (4) supérieures à la capacité (3)",
    ),
    "negative reservation": (
        set_seat("reserved", {"insertion": -1}),
        "groupe E1/bebes : places réservées « insertion » négatives",
    ),
    "boolean reservation": (
        set_seat("reserved", {"insertion": True}),
        "groupe E1/bebes : places réservées « insertion »",
    ),
    "reservations not an object": (set_seat("reserved", ["insertion"]), "groupe E1/bebes : « reserved »"),
    "null reservations": (set_seat("reserved", None), "groupe E1/bebes : « reserved »"),
    "unknown seat field": (set_seat("capcity", 3), "groupe E1/bebes : champ inconnu « capcity »"),
    "missing section": (
        lambda data: data["seats"][0].pop("section"),
        "groupe n°1 : champ obligatoire manquant « section »",
    ),
    "slash in a name": (
        set_seat("establishment", "E1/A"),
        "groupe E1/A/bebes : « establishment » ne doit pas contenir",
    ),
    "duplicate seat group": (lambda data: data["seats"].append(seat("E1", 1)), "groupe E1/bebes : en double"),
    "seat not an object": (lambda data: data["seats"].append("E3"), "groupe n°3 : un objet JSON est attendu"),
    "duplicate id": (
        lambda data: data["applicants"].append(applicant("D-0001", 3, "E1")),
        "candidat D-0001 : identifiant en double",
    ),
    "unreadable date": (
        set_applicant("submitted_at", "2026-13-01"),
        "candidat D-0001 : date de dépôt illisible « 2026-13-01 »",
    ),
    "numeric date": (
        set_applicant("submitted_at", 20260101),
        "candidat D-0001 : date de dépôt illisible « 20260101 »",
    ),
    "naive date": (
        set_applicant("submitted_at", "2026-01-10T08:00:00"),
        "candidat D-0001 : date de dépôt sans fuseau horaire",
    ),
    "boolean score": (set_applicant("score", True), "candidat D-0001 : le score doit être un nombre"),
    "text score": (set_applicant("score", "12"), "candidat D-0001 : le score doit être un nombre"),
    "infinite score": (set_applicant("score", float("inf")), "candidat D-0001 : score non fini"),
    "not-a-number score": (set_applicant("score", float("nan")), "candidat D-0001 : score non fini"),
    "huge score": (set_applicant("score", 10**400), "candidat D-0001 : score non fini"),
    "wishes not a list": (set_applicant("wishes", "E1"), "candidat D-0001 : « wishes » doit être une liste"),
    "duplicate wish": (set_applicant("wishes", ["E1", "E2", "E1"]), "candidat D-0001 : vœu en double « E1 »"),
    "non-text wish": (set_applicant("wishes", ["E1", 2]), "candidat D-0001 : vœu n°2 invalide « 2 »"),
    "flags not a list": (set_applicant("flags", "insertion"), "candidat D-0001 : « flags » doit être une liste"),
    "null flags": (set_applicant("flags", None), "candidat D-0001 : « flags » doit être une liste"),
    "duplicate flag": (set_applicant("flags", ["insertion", "insertion"]), "candidat D-0001 : critère en double"),
    "bonus not an object": (set_applicant("bonus", [2]), "candidat D-0001 : « bonus » doit être un objet"),
    "boolean bonus": (set_applicant("bonus", {"E1": False}), "candidat D-0001 : bonus « E1 » : nombre fini attendu"),
    "infinite bonus": (set_applicant("bonus", {"E1": float("inf")}), "candidat D-0001 : bonus « E1 »"),
    "missing section of an applicant": (
        drop_applicant_field("section"),
        "candidat D-0001 : champ obligatoire manquant « section »",
    ),
    "unknown applicant field": (set_applicant("nom", "Dupont"), "candidat D-0001 : champ inconnu « nom »"),
    "missing id": (drop_applicant_field("id"), "candidat n°1 : champ obligatoire manquant « id »"),
    "empty id": (set_applicant("id", ""), "candidat n°1 : « id » doit être un texte non vide"),
    "applicant not an object": (
        lambda data: data["applicants"].append(None),
        "candidat n°3 : un objet JSON est attendu",
    ),
}


def test_the_valid_base_problem_is_accepted():
    assert len(parse_problem(valid_problem()).applicants) == 2


@pytest.mark.parametrize("change, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_refused_with_a_message_naming_the_record(change, message):
    data = valid_problem()
    change(data)
    with pytest.raises(ProblemError) as refusal:
        parse_problem(data)
    assert message in str(refusal.value)


def test_a_problem_that_is_not_an_object_is_refused():
    with pytest.raises(ProblemError, match="le problème doit être un objet JSON"):
        parse_problem([])


# ---------------------------------------------------------------------------------------------------------------------
# The management command: no database needed.


def test_command_writes_the_result_and_a_summary(tmp_path, capsys):
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(json.dumps(valid_problem()), encoding="utf-8")
    call_command("allocate_places", "--input", str(source), "--output", str(target))
    output = json.loads(target.read_text(encoding="utf-8"))
    assert output == result_to_json(allocate(parse_problem(valid_problem())))
    assert "2 places attribuées sur 5, 2 candidats, temps moteur" in capsys.readouterr().out
    assert {path.name for path in tmp_path.iterdir()} == {"problem.json", "result.json"}  # no temporary left


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"seats": [], "applicants": [', "JSON invalide (ligne 1"),
        ('{"seats": [], "seats": [], "applicants": []}', "clé « seats » en double"),
        (json.dumps({"seats": [seat("E1", -2)], "applicants": []}), "groupe E1/bebes : capacité négative"),
        (
            json.dumps({"seats": [], "applicants": [applicant("D-0003", 1, "E1", date="2026-13-01")]}),
            "candidat D-0003 : date de dépôt illisible « 2026-13-01 »",
        ),
    ],
    ids=["broken JSON", "duplicate key", "negative capacity", "bad date"],
)
def test_command_refuses_bad_input_and_writes_nothing(tmp_path, content, message):
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("allocate_places", "--input", str(source), "--output", str(target))
    assert not target.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["problem.json"]


def test_command_leaves_a_previous_result_untouched_on_error(tmp_path):
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text("not json", encoding="utf-8")
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("allocate_places", "--input", str(source), "--output", str(target))
    assert target.read_text(encoding="utf-8") == "previous"


def test_command_refuses_a_missing_input_file(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("allocate_places", "--input", str(tmp_path / "absent.json"), "--output", str(tmp_path / "r.json"))
    assert list(tmp_path.iterdir()) == []


def test_command_refuses_an_output_in_a_missing_directory(tmp_path):
    source = tmp_path / "problem.json"
    source.write_text(json.dumps(valid_problem()), encoding="utf-8")
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        call_command("allocate_places", "--input", str(source), "--output", str(tmp_path / "absent" / "r.json"))
    assert [path.name for path in tmp_path.iterdir()] == ["problem.json"]
