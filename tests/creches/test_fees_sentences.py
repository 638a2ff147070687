"""The fee formulas as a parent reads them: whole sentences, the bounds of the barème, rounding to the cent.

Pure (creches/fees.py); with test_fees.py, the file `make mutation` scores the module against. Every expected
number below is worked out by hand in the comment above it.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from creches import fees
from tests.creches.test_fees import SCALE_2025, plain


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def scale_with(**changes):
    values = {
        "valid_from": SCALE_2025.valid_from,
        "floor": SCALE_2025.floor,
        "ceiling": SCALE_2025.ceiling,
        "effort_rates": SCALE_2025.effort_rates,
        "reference_hourly_cost": SCALE_2025.reference_hourly_cost,
        **changes,
    }
    return fees.Scale(**values)


# --- numbers in French --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [("801.00", "801 €"), ("0.5", "0,50 €"), ("1234.56", "1 234,56 €"), ("12500", "12 500 €")],
)
def test_amounts_are_written_the_french_way_without_useless_cents(amount, text):
    assert plain(fees.euros(Decimal(amount))) == text


def test_rates_and_hours_are_written_the_french_way():
    assert plain(fees.percent(Decimal("0.0619"))) == "0,0619 %"
    assert plain(fees.percent(Decimal("74.43"), 2)) == "74,43 %"
    assert plain(fees.hours(Decimal("150.00"))) == "150 h"
    assert plain(fees.hours(Decimal("32.5"))) == "32,50 h"
    assert fees.number(Decimal("3"), 0) == "3"


@pytest.mark.parametrize(
    ("value", "rounded"), [("0.005", "0.01"), ("1.545", "1.55"), ("1.544", "1.54"), ("2", "2.00")]
)
def test_amounts_are_rounded_half_up_to_the_cent_as_the_caf_does(value, rounded):
    assert fees.cents(Decimal(value)) == Decimal(rounded)


# --- resources within the barème ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annual", "monthly", "sentence"),
    [
        # 6 000 ÷ 12 = 500 < 801: the floor.
        (
            "6000",
            "801",
            "Ressources mensuelles : 6 000 € ÷ 12 = 500 €. C'est moins que le plancher du barème : on retient 801 €.",
        ),
        # 801 × 12 = 9 612: exactly the floor, nothing to say.
        ("9612", "801", "Ressources mensuelles : 9 612 € ÷ 12 = 801 €."),
        # 8 500 × 12 = 102 000: exactly the ceiling.
        ("102000", "8500", "Ressources mensuelles : 102 000 € ÷ 12 = 8 500 €."),
        # 150 000 ÷ 12 = 12 500 > 8 500: the ceiling.
        (
            "150000",
            "8500",
            "Ressources mensuelles : 150 000 € ÷ 12 = 12 500 €. C'est plus que le plafond du barème : on retient 8 500 €.",
        ),
        # 25 000 ÷ 12 = 2 083.333… → 2 083.33.
        ("25000", "2083.33", "Ressources mensuelles : 25 000 € ÷ 12 = 2 083,33 €."),
    ],
)
def test_monthly_resources_are_brought_within_the_floor_and_the_ceiling(annual, monthly, sentence):
    resources, said = fees.monthly_resources(SCALE_2025, Decimal(annual))
    assert resources == Decimal(monthly)
    assert plain(said) == sentence


# --- children and the AEEH ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("children", "aeeh", "sentence"),
    [
        (1, 0, "Taux d'effort pour 1 enfant à charge : 0,0619 %."),
        (
            1,
            1,
            "Taux d'effort pour 2 enfants à charge : 0,0516 %. (1 enfant, compté comme 2 : chaque enfant "
            "bénéficiaire de l'AEEH compte pour un enfant de plus.)",
        ),
        (
            2,
            1,
            "Taux d'effort pour 3 enfants à charge : 0,0413 %. (2 enfants, comptés comme 3 : chaque enfant "
            "bénéficiaire de l'AEEH compte pour un enfant de plus.)",
        ),
    ],
)
def test_the_rate_sentence_says_how_the_children_were_counted(children, aeeh, sentence):
    rate = fees.effort_rate(SCALE_2025, children, aeeh)
    assert plain(fees.rate_sentence(rate, children, aeeh)) == sentence


def test_a_family_has_at_least_one_child_and_negative_aeeh_counts_for_nothing():
    with pytest.raises(ValueError, match="^children must be at least 1$"):
        fees.counted_children(0)
    assert fees.counted_children(1) == 1
    assert fees.counted_children(2, aeeh_children=-1) == 2
    assert fees.counted_children(3, aeeh_children=2) == 5


def test_planned_hours_are_rounded_to_the_cent():
    # 10 h × 47 weeks ÷ 12 = 39.1666… → 39.17 h.
    monthly, sentence = fees.planned_hours(10, 47)
    assert monthly == Decimal("39.17")
    assert plain(sentence) == "Heures par mois : 10 h par semaine × 47 semaines ÷ 12 = 39,17 h."


# --- whole estimates ----------------------------------------------------------------------------------------------


def test_a_crèche_estimate_has_no_cmg_and_costs_what_it_says():
    estimate = fees.psu_estimate(
        SCALE_2025, annual_resources=Decimal("36000"), children=2, hours_per_week=40, weeks_per_year=45
    )
    assert (estimate.monthly_resources, estimate.effort_rate) == (Decimal("3000.00"), Decimal("0.0516"))
    assert (estimate.cmg, estimate.net_cost) == (None, Decimal("232.50"))


def test_an_assistant_maternel_estimate_in_whole_sentences():
    # 24 000 € → 2 000 €/month; 1 child → 0.0619 % → 1.238 → 1.24 €/h; share = 1 − 1.24 ÷ 4.85 = 0.74433 → 74.43 %.
    # 4.50 € × 150 h = 675 €; CMG = 675 × 0.7443 = 502.4025 → 502.40 €; 675 − 502.40 = 172.60 € left.
    estimate = fees.cmg_estimate(
        SCALE_2025,
        annual_resources=Decimal("24000"),
        children=1,
        hours_per_week=40,
        weeks_per_year=45,
        hourly_wage=Decimal("4.50"),
    )
    assert [plain(step) for step in estimate.steps] == [
        "Ressources mensuelles : 24 000 € ÷ 12 = 2 000 €.",
        "Taux d'effort pour 1 enfant à charge : 0,0619 %.",
        "Heures par mois : 40 h par semaine × 45 semaines ÷ 12 = 150 h.",
        "Coût mensuel de l'accueil : 4,50 € × 150 h = 675 €.",
        "Effort horaire de la famille : 2 000 € × 0,0619 % = 1,24 € de l'heure.",
        "Part prise en charge par le CMG : 1 − 1,24 € ÷ 4,85 € (coût horaire de référence) = 74,43 %.",
        "CMG : 675 € × 74,43 % = 502,40 € par mois.",
        "Reste à payer : 675 € − 502,40 € = 172,60 € par mois, avant crédit d'impôt.",
    ]
    assert (estimate.hourly_fee, estimate.monthly_hours) == (Decimal("4.50"), Decimal("150.00"))
    assert (estimate.monthly_resources, estimate.effort_rate) == (Decimal("2000.00"), Decimal("0.0619"))
    assert (estimate.monthly_cost, estimate.cmg, estimate.net_cost) == (
        Decimal("675.00"),
        Decimal("502.40"),
        Decimal("172.60"),
    )


def test_the_cmg_share_is_rounded_half_up_to_a_hundredth_of_a_percent():
    # 30 000 € → 2 500 €/month × 0.0619 % = 1.5475 → 1.55 €/h; 1 − 1.55 ÷ 4.85 = 0.680412… → 0.6804.
    # 5 € × 100 h (25 h × 48 weeks ÷ 12) = 500 €; CMG = 500 × 0.6804 = 340.20 €.
    estimate = fees.cmg_estimate(
        SCALE_2025, annual_resources=30000, children=1, hours_per_week=25, weeks_per_year=48, hourly_wage=5
    )
    assert (estimate.monthly_cost, estimate.cmg, estimate.net_cost) == (
        Decimal("500.00"),
        Decimal("340.20"),
        Decimal("159.80"),
    )


def test_a_child_receiving_aeeh_lowers_the_family_effort_and_raises_the_cmg():
    # 24 000 € → 2 000 €/month; 1 child + AEEH counts as 2 → 0.0516 % → 1.032 → 1.03 €/h.
    # 1 − 1.03 ÷ 4.85 = 0.78763… → 78.76 %; 675 € × 0.7876 = 531.63 €; 143.37 € left.
    estimate = fees.cmg_estimate(
        SCALE_2025,
        annual_resources=24000,
        children=1,
        aeeh_children=1,
        hours_per_week=40,
        weeks_per_year=45,
        hourly_wage=Decimal("4.50"),
    )
    assert estimate.effort_rate == Decimal("0.0516")
    assert (estimate.cmg, estimate.net_cost) == (Decimal("531.63"), Decimal("143.37"))


def test_a_share_exactly_between_two_ten_thousandths_is_rounded_up():
    # A made-up barème: 3 600 € → 300 €/month × 0.01 % = 0.03 €/h; 1 − 0.03 ÷ 1.60 = 0.98125 → 0.9813 (half up,
    # where banker's rounding would give 0.9812). 2 € × 150 h = 300 €; CMG = 300 × 0.9813 = 294.39 €.
    scale = scale_with(
        floor=Decimal("300"), effort_rates=(Decimal("0.0100"),) * 5, reference_hourly_cost=Decimal("1.60")
    )
    estimate = fees.cmg_estimate(
        scale, annual_resources=3600, children=1, hours_per_week=40, weeks_per_year=45, hourly_wage=2
    )
    assert (estimate.cmg, estimate.net_cost) == (Decimal("294.39"), Decimal("5.61"))


def test_a_family_effort_equal_to_the_reference_hour_gets_no_cmg():
    # 8 500 € (ceiling) × 0.0619 % = 5.2615 → 5.26 €/h, exactly the reference cost of this scale: share 0.
    scale = scale_with(reference_hourly_cost=Decimal("5.26"))
    estimate = fees.cmg_estimate(
        scale, annual_resources=200000, children=1, hours_per_week=40, weeks_per_year=45, hourly_wage=5
    )
    assert (estimate.monthly_cost, estimate.cmg, estimate.net_cost) == (
        Decimal("750.00"),
        Decimal("0"),
        Decimal("750.00"),
    )
    assert [plain(step) for step in estimate.steps[-2:]] == [
        "L'effort horaire de la famille (5,26 €) atteint le coût horaire de référence (5,26 €) : "
        "le CMG est nul (il n'est jamais négatif).",
        "Reste à payer : 750 € − 0 € = 750 € par mois, avant crédit d'impôt.",
    ]
