"""The fee computations of creches.fees: pure functions, checked against hand-made sums."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from creches import fees
from creches.models import FeeScale

NBSP = "\u00a0"

SCALE_2025 = fees.Scale(
    valid_from=datetime.date(2025, 9, 1),
    floor=Decimal("801.00"),
    ceiling=Decimal("8500.00"),
    effort_rates=(Decimal("0.0619"), Decimal("0.0516"), Decimal("0.0413"), Decimal("0.0310"), Decimal("0.0206")),
    reference_hourly_cost=Decimal("4.85"),
)


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def plain(text):
    return text.replace(NBSP, " ")


@pytest.mark.parametrize(
    ("children", "rate"),
    [(1, "0.0619"), (2, "0.0516"), (3, "0.0413"), (4, "0.0310"), (7, "0.0310"), (8, "0.0206"), (11, "0.0206")],
)
def test_each_number_of_children_has_its_effort_rate(children, rate):
    assert fees.effort_rate(SCALE_2025, children) == Decimal(rate)


@pytest.mark.parametrize(("children", "rate"), [(1, "0.0516"), (2, "0.0413"), (3, "0.0310"), (7, "0.0206")])
def test_a_child_receiving_aeeh_moves_the_family_to_the_next_rate(children, rate):
    assert fees.effort_rate(SCALE_2025, children, aeeh_children=1) == Decimal(rate)


def test_aeeh_children_cannot_count_more_than_the_children():
    assert fees.counted_children(1, aeeh_children=5) == 2


def test_resources_below_the_floor_are_raised_to_the_floor():
    resources, sentence = fees.monthly_resources(SCALE_2025, Decimal("6000"))
    assert resources == Decimal("801.00")
    assert "plancher" in sentence
    assert plain(
        fees.psu_estimate(SCALE_2025, annual_resources=0, children=1, hours_per_week=40, weeks_per_year=45).steps[2]
    ) == ("Tarif horaire : 801 € × 0,0619 % = 0,50 € de l'heure.")


def test_resources_above_the_ceiling_are_brought_down_to_the_ceiling():
    estimate = fees.psu_estimate(
        SCALE_2025, annual_resources=Decimal("150000"), children=1, hours_per_week=40, weeks_per_year=45
    )
    assert estimate.monthly_resources == Decimal("8500")
    assert estimate.hourly_fee == Decimal("5.26")
    assert "plafond" in estimate.steps[0]
    assert plain(estimate.steps[2]) == "Tarif horaire : 8 500 € × 0,0619 % = 5,26 € de l'heure."


def test_psu_monthly_cost_is_hourly_fee_times_planned_hours():
    # 36 000 € a year → 3 000 € a month; 2 children → 0.0516 % → 1.548 → 1.55 € an hour.
    # 40 h × 45 weeks ÷ 12 = 150 h a month → 232.50 €.
    estimate = fees.psu_estimate(
        SCALE_2025, annual_resources=Decimal("36000"), children=2, hours_per_week=40, weeks_per_year=45
    )
    assert estimate.hourly_fee == Decimal("1.55")
    assert estimate.monthly_hours == Decimal("150.00")
    assert estimate.monthly_cost == Decimal("232.50")
    assert [plain(step) for step in estimate.steps] == [
        "Ressources mensuelles : 36 000 € ÷ 12 = 3 000 €.",
        "Taux d'effort pour 2 enfants à charge : 0,0516 %.",
        "Tarif horaire : 3 000 € × 0,0516 % = 1,55 € de l'heure.",
        "Heures par mois : 40 h par semaine × 45 semaines ÷ 12 = 150 h.",
        "Coût mensuel : 1,55 € × 150 h = 232,50 € par mois.",
    ]


def test_the_formula_says_when_aeeh_changed_the_rate():
    estimate = fees.psu_estimate(
        SCALE_2025, annual_resources=36000, children=2, aeeh_children=1, hours_per_week=40, weeks_per_year=45
    )
    assert estimate.effort_rate == Decimal("0.0413")
    assert "AEEH" in estimate.steps[1]
    assert "comptés comme 3" in estimate.steps[1]


def test_cmg_covers_the_reference_hour_beyond_the_family_effort():
    # 24 000 € → 2 000 €/month × 0.0619 % = 1.238 → 1.24 €/h; share = 1 − 1.24 / 4.85 = 0.7443.
    # 4.50 € × 150 h = 675 €; CMG = 675 × 0.7443 = 502.40 €; 172.60 € left.
    estimate = fees.cmg_estimate(
        SCALE_2025,
        annual_resources=Decimal("24000"),
        children=1,
        hours_per_week=40,
        weeks_per_year=45,
        hourly_wage=Decimal("4.50"),
    )
    assert estimate.monthly_cost == Decimal("675.00")
    assert estimate.cmg == Decimal("502.40")
    assert estimate.net_cost == Decimal("172.60")
    text = [plain(step) for step in estimate.steps]
    assert "Effort horaire de la famille : 2 000 € × 0,0619 % = 1,24 € de l'heure." in text
    assert any("1 − 1,24 € ÷ 4,85 €" in step and "74,43 %" in step for step in text)
    assert "CMG : 675 € × 74,43 % = 502,40 € par mois." in text


def test_cmg_is_never_negative():
    # A scale where the family effort at the ceiling exceeds the reference hour.
    scale = fees.Scale(
        valid_from=SCALE_2025.valid_from,
        floor=SCALE_2025.floor,
        ceiling=Decimal("10000"),
        effort_rates=SCALE_2025.effort_rates,
        reference_hourly_cost=Decimal("4.85"),
    )
    estimate = fees.cmg_estimate(
        scale, annual_resources=200000, children=1, hours_per_week=40, weeks_per_year=45, hourly_wage=5
    )
    assert estimate.cmg == Decimal("0")
    assert estimate.net_cost == estimate.monthly_cost
    assert any("jamais négatif" in step for step in estimate.steps)


def test_the_seeded_scale_is_the_2025_barème(metz):
    with tenant_context(metz):
        scale = FeeScale.objects.in_force_on(datetime.date(2025, 10, 1))
        assert scale.valid_from == datetime.date(2025, 9, 1)
        assert scale.resources_floor == Decimal("801.00")
        assert scale.resources_ceiling == Decimal("8500.00")
        assert scale.as_scale().effort_rates == SCALE_2025.effort_rates
        assert scale.reference_hourly_cost == Decimal("4.85")


def test_date_versioning_picks_the_scale_in_force(metz):
    with tenant_context(metz):
        later = FeeScale.objects.create(
            valid_from=datetime.date(2031, 1, 1),
            resources_floor=Decimal("850"),
            resources_ceiling=Decimal("9000"),
            effort_rate_1=Decimal("0.0600"),
            effort_rate_2=Decimal("0.0500"),
            effort_rate_3=Decimal("0.0400"),
            effort_rate_4_to_7=Decimal("0.0300"),
            effort_rate_8_plus=Decimal("0.0200"),
            reference_hourly_cost=Decimal("5.00"),
        )
        assert FeeScale.objects.in_force_on(datetime.date(2030, 12, 31)).valid_from == datetime.date(2025, 9, 1)
        assert FeeScale.objects.in_force_on(datetime.date(2031, 1, 1)) == later
        assert FeeScale.objects.in_force_on(datetime.date(2020, 1, 1)) is None


# --- Micro-crèche under the PAJE: CMG "structure" -------------------------------------------------

PAJE_SCALE = fees.Scale(
    valid_from=datetime.date(2025, 9, 1),
    floor=Decimal("801.00"),
    ceiling=Decimal("8500.00"),
    effort_rates=SCALE_2025.effort_rates,
    reference_hourly_cost=Decimal("4.85"),
    cmg_structure=fees.CmgStructure(
        amounts=(Decimal("958.66"), Decimal("798.88"), Decimal("639.11")),
        ceilings=(Decimal("22809"), Decimal("50686")),
        ceiling_steps=(Decimal("3237"), Decimal("7195")),
    ),
)
PAJE_INPUT = {"children": 1, "hours_per_week": 40, "weeks_per_year": 45}


@pytest.mark.parametrize(
    ("resources", "children", "bracket"),
    [(22809, 1, 0), (22810, 1, 1), (26046, 2, 0), (50686, 1, 1), (50687, 1, 2), (65076, 3, 1), (65077, 3, 2)],
)
def test_the_cmg_bracket_follows_the_ceilings_raised_for_each_further_child(resources, children, bracket):
    assert fees.cmg_structure_bracket(PAJE_SCALE.cmg_structure, Decimal(resources), children)[0] == bracket


def test_a_paje_micro_creche_costs_its_hourly_rate_less_the_bracket_maximum():
    # 40 h × 45 weeks ÷ 12 = 150 h; 150 × 9.50 = 1,425; 85 % = 1,211.25 > 798.88: the maximum applies.
    estimate = fees.paje_estimate(PAJE_SCALE, annual_resources=40000, hourly_rate="9.50", **PAJE_INPUT)
    assert estimate.monthly_cost == Decimal("1425.00")
    assert estimate.cmg == Decimal("798.88")
    assert estimate.net_cost == Decimal("626.12")
    assert plain(estimate.steps[-1]) == "Reste à payer : 1 425 € − 798,88 € = 626,12 € par mois, avant crédit d'impôt."
    assert any("sous le second plafond (50 686 € pour 1 enfant)" in plain(step) for step in estimate.steps)


def test_the_family_keeps_paying_at_least_fifteen_percent():
    # 10 h × 45 ÷ 12 = 37.5 h × 9 € = 337.50; 85 % = 286.88 < 958.66.
    estimate = fees.paje_estimate(
        PAJE_SCALE, annual_resources=20000, children=1, hours_per_week=10, weeks_per_year=45, hourly_rate=9
    )
    assert estimate.cmg == Decimal("286.88")
    assert estimate.net_cost == Decimal("50.62")


def test_the_maximum_is_halved_for_a_child_of_three_to_six():
    estimate = fees.paje_estimate(
        PAJE_SCALE, annual_resources=60000, hourly_rate="9.50", child_over_3=True, **PAJE_INPUT
    )
    assert estimate.cmg == Decimal("319.56")  # 639.11 ÷ 2, rounded to the cent


def test_a_micro_creche_above_ten_euros_an_hour_opens_no_right_to_the_cmg():
    estimate = fees.paje_estimate(PAJE_SCALE, annual_resources=20000, hourly_rate="10.50", **PAJE_INPUT)
    assert estimate.cmg == 0
    assert estimate.net_cost == estimate.monthly_cost
    assert "n'a pas droit au CMG" in estimate.steps[2]


def test_under_sixteen_hours_a_month_there_is_no_cmg():
    estimate = fees.paje_estimate(
        PAJE_SCALE, annual_resources=20000, children=1, hours_per_week=3, weeks_per_year=45, hourly_rate=9
    )
    assert estimate.monthly_hours == Decimal("11.25")
    assert estimate.cmg == 0


def test_a_scale_without_the_micro_creche_table_says_so():
    estimate = fees.paje_estimate(SCALE_2025, annual_resources=20000, hourly_rate=9, **PAJE_INPUT)
    assert estimate.cmg == 0
    assert "ne donne pas les montants du CMG micro-crèche" in estimate.steps[2]
