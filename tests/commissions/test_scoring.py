"""The scoring of a request by a grid: pure functions, no database (commissions/scoring.py)."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from commissions.scoring import (
    MAX_POINTS,
    Facts,
    ParameterError,
    Rule,
    WishedEstablishment,
    clean_parameters,
    describe,
    score,
)


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def situation(code, points):
    return Rule(
        code, f"Situation {code}", "situation", clean_parameters("situation", {"situation": code, "points": points})
    )


def qf(bands, missing_points=0):
    parameters = {
        "measure": "quotient_familial",
        "bands": [{"from": low, "points": points} for low, points in bands],
        "missing_points": missing_points,
    }
    return Rule("qf", "Quotient familial", "bands", clean_parameters("bands", parameters))


def per_unit(measure, points, cap=None, kind="per_unit"):
    parameters = {"measure": measure, "points": points, "max_points": cap}
    return Rule(measure, measure, kind, clean_parameters(kind, parameters))


def bonus(reason, points):
    return Rule(
        reason,
        f"Bonus {reason}",
        "establishment_bonus",
        clean_parameters("establishment_bonus", {"reason": reason, "points": points}),
    )


QF_BANDS = [(0, 6), (500, 3), (800, 1), (1200, 0)]
LUTINS = WishedEstablishment(1, "Les Lutins", "Metz", "57463")
COCCINELLES = WishedEstablishment(2, "Les Coccinelles", "Woippy", "57751")


# --- situations ---------------------------------------------------------------------------------------------------


def test_a_situation_counts_only_when_the_family_has_it():
    rules = [situation("handicap_enfant", 10), situation("monoparentalite", 5)]
    result = score(Facts(situations=frozenset({"monoparentalite"})), rules)
    assert result.total == 5
    assert [(line.code, line.points) for line in result.lines] == [("monoparentalite", 5)]
    assert str(result.lines[0].detail) == "Situation reconnue → 5 points"


# --- bands --------------------------------------------------------------------------------------------------------


def test_the_quotient_familial_line_says_the_bracket_in_words():
    result = score(Facts(quotient_familial=620), [qf(QF_BANDS)])
    assert str(result.lines[0].detail) == "Quotient familial de 620 € : tranche 500–800 € → 3 points"
    assert result.total == 3


@pytest.mark.parametrize(
    ("value", "points"),
    [(0, 6), (499, 6), (500, 3), (799, 3), (800, 1), (1199, 1), (1200, 0), (5000, 0)],
)
def test_a_band_includes_its_lower_bound_and_excludes_the_next_one(value, points):
    assert score(Facts(quotient_familial=value), [qf(QF_BANDS)]).total == points


def test_the_last_band_has_no_upper_limit_and_a_value_below_the_first_band_gets_nothing():
    high = score(Facts(quotient_familial=2400), [qf(QF_BANDS)])
    assert str(high.lines[0].detail) == "Quotient familial de 2 400 € : tranche 1 200 € et plus → 0 point"
    low = score(Facts(quotient_familial=100), [qf([(300, 4), (600, 2)])])
    assert low.total == 0
    assert "hors tranches" in str(low.lines[0].detail)


def test_an_unknown_quotient_familial_gets_the_points_the_grid_sets_for_it():
    result = score(Facts(quotient_familial=None), [qf(QF_BANDS, missing_points=1)])
    assert result.total == 1
    assert str(result.lines[0].detail) == "Quotient familial non communiqué → 1 point"


def test_bands_on_seniority_use_the_months_waiting():
    rule = Rule(
        "anciennete",
        "Ancienneté",
        "bands",
        clean_parameters(
            "bands", {"measure": "months_waiting", "bands": [{"from": 0, "points": 0}, {"from": 12, "points": 4}]}
        ),
    )
    result = score(Facts(months_waiting=14), [rule])
    assert result.total == 4
    assert str(result.lines[0].detail) == "Demande déposée depuis 14 mois : tranche 12 mois et plus → 4 points"


# --- per unit and negative ----------------------------------------------------------------------------------------


def test_points_per_month_are_capped():
    rule = per_unit("months_waiting", 1, cap=24)
    assert str(score(Facts(months_waiting=14), [rule]).lines[0].detail) == (
        "14 mois d'attente depuis le dépôt × 1 point → 14 points"
    )
    capped = score(Facts(months_waiting=30), [rule])
    assert capped.total == 24
    assert (
        str(capped.lines[0].detail) == "30 mois d'attente depuis le dépôt × 1 point, plafonné à 24 points → 24 points"
    )


def test_points_per_commission_passed_are_capped():
    rule = per_unit("commissions_passed", 2, cap=6)
    assert [score(Facts(commissions_passed=n), [rule]).total for n in range(6)] == [0, 2, 4, 6, 6, 6]


def test_each_refused_offer_takes_points_away_and_no_refusal_shows_no_line():
    rule = per_unit("refused_offers", 5, kind="negative")
    assert score(Facts(refused_offers=0), [rule]).lines == ()
    result = score(Facts(refused_offers=2), [rule])
    assert result.total == -10
    assert str(result.lines[0].detail) == "2 offres adaptées refusées × -5 points → -10 points"


# --- establishment bonus ------------------------------------------------------------------------------------------


def test_the_sibling_bonus_counts_for_that_establishment_only():
    facts = Facts(sibling_establishments=frozenset({2, 99}), establishments=(LUTINS, COCCINELLES))
    result = score(facts, [situation("monoparentalite", 5), bonus("sibling", 5)])
    assert result.total == 0
    assert result.bonus == {2: 5}  # 99 is not asked for: nothing there
    assert (
        str(result.bonus_lines[0].detail)
        == "Frère ou sœur déjà accueilli·e à Les Coccinelles → +5 points pour cet établissement"
    )


def test_the_residence_bonus_goes_to_the_establishments_of_the_family_commune():
    facts = Facts(residence="57463", establishments=(LUTINS, COCCINELLES))
    result = score(facts, [bonus("residence", 3), bonus("sibling", 4)])
    assert result.bonus == {1: 3}
    assert score(Facts(residence="", establishments=(LUTINS,)), [bonus("residence", 3)]).bonus == {}


def test_bonuses_of_two_criteria_add_up_at_one_establishment():
    facts = Facts(residence="57463", sibling_establishments=frozenset({1}), establishments=(LUTINS,))
    assert score(facts, [bonus("residence", 3), bonus("sibling", 4)]).bonus == {1: 7}


# --- properties ---------------------------------------------------------------------------------------------------

points = st.integers(min_value=1, max_value=50)
situation_codes = st.sampled_from(["handicap_enfant", "monoparentalite", "insertion", "fratrie", "parent_mineur"])


@st.composite
def band_lists(draw):
    lows = sorted(draw(st.sets(st.integers(min_value=0, max_value=3000), min_size=1, max_size=6)))
    return [(low, draw(st.integers(min_value=0, max_value=20))) for low in lows]


@st.composite
def rules(draw):
    kind = draw(st.sampled_from(["situation", "bands", "per_unit", "negative", "establishment_bonus"]))
    if kind == "situation":
        return situation(draw(situation_codes), draw(points))
    if kind == "bands":
        return qf(draw(band_lists()), draw(st.integers(min_value=0, max_value=5)))
    if kind == "per_unit":
        per = draw(points)
        cap = draw(st.none() | st.integers(min_value=per, max_value=100))
        return per_unit(draw(st.sampled_from(["months_waiting", "commissions_passed"])), per, cap)
    if kind == "negative":
        per = draw(points)
        return per_unit("refused_offers", per, draw(st.none() | st.integers(min_value=per, max_value=100)), "negative")
    return bonus(draw(st.sampled_from(["sibling", "residence"])), draw(points))


facts_strategy = st.builds(
    Facts,
    situations=st.frozensets(situation_codes),
    quotient_familial=st.none() | st.integers(min_value=0, max_value=6000),
    months_waiting=st.integers(min_value=0, max_value=120),
    commissions_passed=st.integers(min_value=0, max_value=12),
    refused_offers=st.integers(min_value=0, max_value=5),
    sibling_establishments=st.frozensets(st.integers(min_value=1, max_value=3)),
    residence=st.sampled_from(["", "57463", "57751"]),
    establishments=st.just((LUTINS, COCCINELLES, WishedEstablishment(3, "Les Écureuils", "Metz", "57463"))),
)


@given(facts_strategy, st.lists(rules(), max_size=8))
def test_the_total_is_the_sum_of_the_lines_and_bonuses_are_apart(facts, grid):
    result = score(facts, grid)
    assert result.total == sum(line.points for line in result.lines)
    assert all(str(line.detail) and line.label for line in result.lines + result.bonus_lines)
    assert set(result.bonus) <= {1, 2, 3}
    assert sum(result.bonus.values()) == sum(line.points for line in result.bonus_lines)


@given(facts_strategy, st.lists(rules(), max_size=8))
def test_the_same_facts_and_grid_always_give_the_same_score(facts, grid):
    assert score(facts, grid) == score(facts, list(grid))


@given(facts_strategy, rules())
def test_no_line_ever_exceeds_its_cap(facts, rule):
    cap = rule.parameters.get("max_points")
    for line in score(facts, [rule]).lines:
        if cap is not None:
            assert abs(line.points) <= cap
        assert abs(line.points) <= MAX_POINTS * 100


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=10), st.integers(1, 60))
def test_per_unit_points_are_count_times_points_up_to_the_cap(count, per, cap):
    cap = max(cap, per)
    result = score(Facts(months_waiting=count), [per_unit("months_waiting", per, cap)])
    assert result.total == min(count * per, cap)


@given(band_lists(), st.integers(min_value=0, max_value=4000))
def test_a_value_gets_the_points_of_the_highest_band_it_reaches(bands, value):
    reached = [points for low, points in bands if value >= low]
    assert score(Facts(quotient_familial=value), [qf(bands)]).total == (reached[-1] if reached else 0)


@given(facts_strategy, st.integers(min_value=0, max_value=60))
def test_waiting_longer_never_lowers_the_score(facts, more):
    grid = [per_unit("months_waiting", 1, 24), qf(QF_BANDS)]
    longer = Facts(**{**facts.__dict__, "months_waiting": facts.months_waiting + more})
    assert score(longer, grid).total >= score(facts, grid).total


# --- parameters ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        ("situation", {"situation": "", "points": 3}, "Choisissez la situation particulière concernée."),
        ("situation", {"situation": "x", "points": True}, "« points » doit être un nombre entier."),
        ("situation", {"situation": "x", "points": 3, "bonus": 1}, "Paramètre(s) inconnu(s) : bonus."),
        ("bands", {"measure": "quotient_familial", "bands": []}, "Indiquez au moins une tranche."),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 800, "points": 1}, {"from": 500, "points": 3}]},
            "Tranche 2 : les bornes doivent aller croissant (500 après 800).",
        ),
        (
            "bands",
            {"measure": "age", "bands": [{"from": 0, "points": 1}]},
            "« mesure » n'est pas une valeur possible.",
        ),
        (
            "per_unit",
            {"measure": "months_waiting", "points": 2, "max_points": 1},
            "Le plafond ne peut pas être inférieur aux points d'une seule unité.",
        ),
        (
            "per_unit",
            {"measure": "months_waiting", "points": 0},
            "« points par unité » doit être compris entre 1 et 1 000.",
        ),
        (
            "negative",
            {"measure": "months_waiting", "points": 5},
            "« ce qui est compté » n'est pas une valeur possible.",
        ),
        ("establishment_bonus", {"reason": "distance", "points": 2}, "« motif » n'est pas une valeur possible."),
        ("unknown", {}, "Ce type de critère n'existe pas."),
        ("situation", [1, 2], "Les paramètres du critère doivent être un objet."),
    ],
)
def test_bad_parameters_are_refused_in_french(kind, parameters, message):
    with pytest.raises(ParameterError) as refused:
        clean_parameters(kind, parameters)
    assert message in refused.value.messages


def test_good_parameters_are_normalised():
    assert clean_parameters("per_unit", {"measure": "months_waiting", "points": 1}) == {
        "measure": "months_waiting",
        "points": 1,
        "max_points": None,
    }
    assert clean_parameters("bands", {"measure": "quotient_familial", "bands": [{"from": 0, "points": 2}]}) == {
        "measure": "quotient_familial",
        "bands": [{"from": 0, "points": 2}],
        "missing_points": 0,
    }


def test_every_kind_is_described_in_words():
    assert describe(situation("handicap_enfant", 10)) == ["10 points si la situation est reconnue."]
    assert describe(qf(QF_BANDS)) == [
        "Moins de 500 € : 6 points.",
        "De 500 à moins de 800 € : 3 points.",
        "De 800 à moins de 1 200 € : 1 point.",
        "1 200 € et plus : 0 point.",
        "Quotient familial non communiqué : 0 point.",
    ]
    assert describe(per_unit("months_waiting", 1, 24)) == [
        "1 point par mois d'attente depuis le dépôt de la demande, dans la limite de 24 points."
    ]
    assert describe(per_unit("refused_offers", 5, kind="negative")) == [
        "5 points retirés par offre de place adaptée refusée."
    ]
    assert "frère ou une sœur" in describe(bonus("sibling", 5))[0]
    assert "commune où habite la famille" in describe(bonus("residence", 3))[0]
