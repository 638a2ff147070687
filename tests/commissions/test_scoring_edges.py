"""The grid at its edges: one unit, exact bounds and maxima, missing keys, and the words a family reads there.

Pure (commissions/scoring.py); with test_scoring.py, the file `make mutation` scores the module against.
"""

import pytest
from django.utils import translation

from commissions.enums import CriterionKind
from commissions.models import Criterion
from commissions.scoring import (
    MAX_BANDS,
    Facts,
    ParameterError,
    Rule,
    WishedEstablishment,
    clean_parameters,
    describe,
    number_text,
    points_text,
    score,
    signed_points_text,
)
from tests.commissions.test_scoring import COCCINELLES, LUTINS, QF_BANDS, bonus, per_unit, qf, situation


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def refusal(kind, parameters):
    with pytest.raises(ParameterError) as refused:
        clean_parameters(kind, parameters)
    return refused.value


def seniority(bands):
    parameters = {"measure": "months_waiting", "bands": [{"from": low, "points": points} for low, points in bands]}
    return Rule("anciennete", "Ancienneté", "bands", clean_parameters("bands", parameters))


# --- words for numbers of points ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "text"),
    [(0, "0 point"), (1, "1 point"), (2, "2 points"), (-1, "-1 point"), (-2, "-2 points"), (1200, "1 200 points")],
)
def test_zero_and_one_point_are_singular_in_french(points, text):
    assert points_text(points) == text


@pytest.mark.parametrize(("value", "text"), [(1200, "1,200"), (-1234567, "-1,234,567"), (999, "999")])
def test_an_english_reader_reads_thousands_grouped_with_commas(value, text):
    with translation.override("en"):
        assert number_text(value) == text


def test_a_french_reader_reads_thousands_grouped_with_spaces():
    with translation.override("fr"):
        assert number_text(-1234567) == "-1 234 567"


@pytest.mark.parametrize(("points", "text"), [(1, "+1 point"), (3, "+3 points"), (0, "0 point"), (-2, "-2 points")])
def test_only_positive_points_carry_a_plus_sign(points, text):
    assert signed_points_text(points) == text


# --- one unit, exact bounds ---------------------------------------------------------------------------------------


def test_a_single_refused_offer_already_takes_points_away():
    result = score(Facts(refused_offers=1), [per_unit("refused_offers", 5, kind="negative")])
    assert result.total == -5
    assert [(line.code, str(line.detail)) for line in result.lines] == [
        ("refused_offers", "1 offre adaptée refusée × -5 points → -5 points")
    ]


def test_one_month_and_one_commission_are_said_in_the_singular():
    months = score(Facts(months_waiting=1), [per_unit("months_waiting", 2)])
    assert str(months.lines[0].detail) == "1 mois d'attente depuis le dépôt × 2 points → 2 points"
    one = score(Facts(commissions_passed=1), [per_unit("commissions_passed", 3)])
    assert str(one.lines[0].detail) == "1 commission passée sans proposition × 3 points → 3 points"
    two = score(Facts(commissions_passed=2), [per_unit("commissions_passed", 3)])
    assert str(two.lines[0].detail) == "2 commissions passées sans proposition × 3 points → 6 points"


def test_reaching_the_cap_exactly_is_not_said_to_be_capped():
    line = score(Facts(months_waiting=24), [per_unit("months_waiting", 1, cap=24)]).lines[0]
    assert (line.code, line.points) == ("months_waiting", 24)
    assert str(line.detail) == "24 mois d'attente depuis le dépôt × 1 point → 24 points"


def test_the_band_before_the_last_one_names_both_its_bounds():
    line = score(Facts(quotient_familial=1000), [qf(QF_BANDS)]).lines[0]
    assert (line.code, line.points) == ("qf", 1)
    assert str(line.detail) == "Quotient familial de 1 000 € : tranche 800–1 200 € → 1 point"


def test_a_value_below_every_band_is_said_to_be_outside_them():
    line = score(Facts(quotient_familial=100), [qf([(300, 4), (600, 2)])]).lines[0]
    assert (line.code, line.points) == ("qf", 0)
    assert str(line.detail) == "Quotient familial de 100 € : hors tranches → 0 point"


def test_an_unknown_quotient_familial_line_keeps_the_criterion_code():
    line = score(Facts(), [qf(QF_BANDS, missing_points=2)]).lines[0]
    assert (line.code, line.label, line.points) == ("qf", "Quotient familial", 2)


def test_one_month_of_seniority_is_said_in_the_singular():
    line = score(Facts(months_waiting=1), [seniority([(0, 0), (12, 4)])]).lines[0]
    assert str(line.detail) == "Demande déposée depuis 1 mois : tranche 0–12 mois → 0 point"


# --- establishment bonuses ----------------------------------------------------------------------------------------


def test_the_residence_bonus_names_the_commune_and_the_establishment():
    facts = Facts(residence="57463", establishments=(LUTINS, COCCINELLES))
    (line,) = score(facts, [bonus("residence", 3)]).bonus_lines
    assert (line.code, line.establishment_id, line.establishment_name, line.points) == (
        "residence",
        1,
        "Les Lutins",
        3,
    )
    assert str(line.detail) == "Domicile à Metz, commune de Les Lutins → +3 points pour cet établissement"


def test_the_residence_bonus_falls_back_on_the_insee_code_when_the_commune_is_unnamed():
    ruche = WishedEstablishment(3, "La Ruche", "", "57463")
    (line,) = score(Facts(residence="57463", establishments=(ruche,)), [bonus("residence", 1)]).bonus_lines
    assert str(line.detail) == "Domicile à 57463, commune de La Ruche → +1 point pour cet établissement"


def test_bonuses_are_described_in_whole_sentences():
    assert describe(bonus("sibling", 5)) == [
        "5 points de plus pour l'établissement où un frère ou une sœur est déjà accueilli·e, "
        "pour cet établissement seulement."
    ]
    assert describe(bonus("residence", 1)) == [
        "1 point de plus pour les établissements situés dans la commune où habite la famille, "
        "pour ces établissements seulement."
    ]


def test_points_per_commission_passed_are_described_in_a_whole_sentence():
    assert describe(per_unit("commissions_passed", 2)) == [
        "2 points par commission déjà passée sans proposition de place."
    ]


# --- parameters at their limits -----------------------------------------------------------------------------------


def test_the_exact_maxima_are_accepted():
    assert clean_parameters("situation", {"situation": "x", "points": 1000})["points"] == 1000
    bands = [{"from": 0, "points": 1000}, {"from": 1_000_000, "points": 0}]
    assert clean_parameters("bands", {"measure": "quotient_familial", "bands": bands})["bands"] == bands
    twelve = [{"from": 100 * index, "points": 1} for index in range(MAX_BANDS)]
    assert len(clean_parameters("bands", {"measure": "quotient_familial", "bands": twelve})["bands"]) == 12


@pytest.mark.parametrize(
    ("kind", "parameters", "messages"),
    [
        ("situation", {"situation": "x", "points": 1001}, ["« points » doit être compris entre 1 et 1 000."]),
        ("situation", {"situation": "x"}, ["« points » doit être un nombre entier."]),
        ("establishment_bonus", {"reason": "sibling"}, ["« points » doit être un nombre entier."]),
        (
            "establishment_bonus",
            {"reason": "sibling", "points": 0},
            ["« points » doit être compris entre 1 et 1 000."],
        ),
        ("per_unit", {"measure": "months_waiting"}, ["« points par unité » doit être un nombre entier."]),
        (
            "per_unit",
            {"measure": "months_waiting", "points": 1, "max_points": 0},
            ["« plafond » doit être compris entre 1 et 1 000."],
        ),
        (
            "negative",
            {"measure": "refused_offers", "points": 1, "max_points": "5"},
            ["« plafond » doit être un nombre entier."],
        ),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 0, "points": 1}], "missing_points": -1},
            ["« points si le quotient familial est inconnu » doit être compris entre 0 et 1 000."],
        ),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 0, "points": 1}] * 13},
            ["Pas plus de 12 tranches."],
        ),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 0}]},
            ["Tranche 1 : indiquez sa borne basse et ses points."],
        ),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 0, "points": 1}, 7]},
            ["Tranche 2 : indiquez sa borne basse et ses points."],
        ),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": -1, "points": 1}]},
            ["« tranche 1, à partir de » doit être compris entre 0 et 1 000 000."],
        ),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 1_000_001, "points": 1}]},
            ["« tranche 1, à partir de » doit être compris entre 0 et 1 000 000."],
        ),
        (
            # The first bad band stops the check: no second message about the next one.
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 0, "points": -1}, {"from": 0, "points": 1}]},
            ["« tranche 1, points » doit être compris entre 0 et 1 000."],
        ),
        (
            "bands",
            {"measure": "quotient_familial", "bands": [{"from": 500, "points": 1}, {"from": 500, "points": 2}]},
            ["Tranche 2 : les bornes doivent aller croissant (500 après 500)."],
        ),
        (
            "situation",
            {"situation": "x", "points": 2, "weight": 1, "bonus": 2},
            ["Paramètre(s) inconnu(s) : bonus, weight."],
        ),
    ],
)
def test_parameters_at_their_limits_are_refused_with_exactly_these_messages(kind, parameters, messages):
    assert refusal(kind, parameters).messages == messages


def test_a_refusal_reads_as_its_messages_one_after_the_other():
    refused = refusal("situation", {"situation": "", "points": 0})
    assert refused.messages == [
        "Choisissez la situation particulière concernée.",
        "« points » doit être compris entre 1 et 1 000.",
    ]
    assert (
        str(refused)
        == "Choisissez la situation particulière concernée. « points » doit être compris entre 1 et 1 000."
    )


def test_a_situation_the_family_has_counts_and_its_code_is_kept():
    # Positive control for the refusals above: the same kind of rule, well formed, gives its points.
    (line,) = score(Facts(situations=frozenset({"x"})), [situation("x", 1000)]).lines
    assert (line.code, line.points, str(line.detail)) == ("x", 1000, "Situation reconnue → 1 000 points")


# --- the grid's words in the reader's language --------------------------------------------------------------------


def test_score_lines_name_the_criterion_in_the_readers_language():
    criterion = Criterion(
        code="fratrie", label="Fratrie accueillie", label_en="Sibling in care", kind=CriterionKind.SITUATION
    )
    untranslated = Criterion(code="handicap", label="Handicap", label_en="", kind=CriterionKind.SITUATION)
    with translation.override("en"):
        assert criterion.as_rule().label == "Sibling in care"
        assert untranslated.as_rule().label == "Handicap"
    with translation.override("fr"):
        assert criterion.as_rule().label == "Fratrie accueillie"


def test_an_english_reader_reads_a_line_s_months_and_points_in_english_plurals():
    facts = Facts(months_waiting=14, quotient_familial=1000)
    waiting, bracket, qf_line = score(
        facts, [per_unit("months_waiting", 1, cap=24), seniority([(0, 0), (12, 4)]), qf(QF_BANDS)]
    ).lines
    with translation.override("en"):
        assert str(waiting.detail) == "14 months of waiting since submission × 1 point → 14 points"
        assert str(bracket.detail) == "Application submitted 14 months ago: bracket 12 months or more → 4 points"
        assert str(qf_line.detail) == "Family quotient (QF) of €1,000: bracket 800–1,200 € → 1 point"
