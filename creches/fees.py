"""What care costs a family: the PSU hourly fee of a crèche and the CMG for an assistant maternel.

Pure functions, no ORM: plain values and a `Scale` (one dated version of the barème, kept as data in
`creches.models.FeeScale`) go in; amounts and the formula in words, with the actual numbers, come out.
Every amount is rounded to the cent as the CAF does, and every intermediate number shown is the one
the next step uses, so that a parent can redo the computation by hand.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CENT = Decimal("0.01")

# Micro-crèche under the PAJE (CMG "structure"). Sources: Code de la sécurité sociale, art. L531-6
# and D531-23 (the CMG covers at most 85 % of what the family pays); service-public.fr, fiche F33648
# "CMG – Micro-crèche" (the micro-crèche charges at most 10 € an hour, the child is cared for at least
# 16 hours a month, the amount depends on resources, dependent children and age: halved from 3 to 6).
PAJE_MAX_SHARE = Decimal("0.85")
PAJE_MAX_HOURLY_RATE = Decimal("10")
PAJE_MIN_MONTHLY_HOURS = Decimal("16")
HUNDRED = Decimal(100)
MONTHS = Decimal(12)


@dataclass(frozen=True)
class CmgStructure:
    """The CMG for a micro-crèche under the PAJE ("CMG structure"), as the CAF publishes it each year.

    amounts: the monthly maximum for a child under 3, by resources bracket (under the 1st ceiling,
    under the 2nd, above); ceilings: the two annual resources ceilings for one child; ceiling_steps:
    what each further dependent child adds to each ceiling.
    """

    amounts: tuple
    ceilings: tuple
    ceiling_steps: tuple


@dataclass(frozen=True)
class Scale:
    """One version of the barème. Rates are percentages (0.0619 means 0.0619 %)."""

    valid_from: date
    floor: Decimal
    ceiling: Decimal
    # Taux d'effort for 1, 2, 3, 4 to 7, 8 and more dependent children.
    effort_rates: tuple
    reference_hourly_cost: Decimal
    cmg_structure: CmgStructure | None = None


@dataclass
class Estimate:
    """An amount per month and the formula that led to it, one sentence per step."""

    monthly_cost: Decimal
    steps: list = field(default_factory=list)
    hourly_fee: Decimal | None = None
    monthly_hours: Decimal | None = None
    monthly_resources: Decimal | None = None
    effort_rate: Decimal | None = None
    cmg: Decimal | None = None
    net_cost: Decimal | None = None


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def number(value, decimals=2):
    """French grouping and decimal comma; whole amounts without ",00"."""
    value = Decimal(value)
    if decimals == 2 and value == value.to_integral_value():
        decimals = 0
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def euros(value):
    return _("%(amount)s\u00a0€") % {"amount": number(value)}


def percent(value, decimals=4):
    return _("%(rate)s\u00a0%%") % {"rate": number_format(Decimal(value), decimals, use_l10n=True)}


def hours(value):
    return _("%(hours)s\u00a0h") % {"hours": number(value)}


def counted_children(children, aeeh_children=0):
    """Each child receiving the AEEH counts as one more child: the family gets the next (lower) rate.

    CNAF example: a family of two children, one of whom receives the AEEH, pays the rate of three.
    """
    if children < 1:
        raise ValueError("children must be at least 1")
    return children + max(0, min(aeeh_children, children))


def effort_rate(scale, children, aeeh_children=0):
    counted = counted_children(children, aeeh_children)
    if counted >= 8:
        index = 4
    elif counted >= 4:
        index = 3
    else:
        index = counted - 1
    return Decimal(scale.effort_rates[index])


def monthly_resources(scale, annual_resources):
    """Resources of year N-2 divided by twelve, brought within the floor and ceiling of the barème.

    Returns the amount used and the sentence that explains it.
    """
    annual_resources = Decimal(annual_resources)
    monthly = cents(annual_resources / MONTHS)
    sentence = _("Ressources mensuelles : %(annual)s ÷ 12 = %(monthly)s.") % {
        "annual": euros(annual_resources),
        "monthly": euros(monthly),
    }
    if monthly < scale.floor:
        sentence += " " + _("C'est moins que le plancher du barème : on retient %(floor)s.") % {
            "floor": euros(scale.floor)
        }
        monthly = Decimal(scale.floor)
    elif monthly > scale.ceiling:
        sentence += " " + _("C'est plus que le plafond du barème : on retient %(ceiling)s.") % {
            "ceiling": euros(scale.ceiling)
        }
        monthly = Decimal(scale.ceiling)
    return monthly, sentence


def rate_sentence(rate, children, aeeh_children):
    counted = counted_children(children, aeeh_children)
    sentence = ngettext(
        "Taux d'effort pour %(count)s enfant à charge : %(rate)s.",
        "Taux d'effort pour %(count)s enfants à charge : %(rate)s.",
        counted,
    ) % {"count": counted, "rate": percent(rate)}
    if counted != children:
        sentence += " " + ngettext(
            "(%(children)s enfant, compté comme %(counted)s : chaque enfant bénéficiaire de l'AEEH compte pour un enfant de plus.)",
            "(%(children)s enfants, comptés comme %(counted)s : chaque enfant bénéficiaire de l'AEEH compte pour un enfant de plus.)",
            children,
        ) % {"children": children, "counted": counted}
    return sentence


def planned_hours(hours_per_week, weeks_per_year):
    """The monthly hours of a contract (mensualisation): hours per week × weeks per year ÷ 12."""
    monthly = cents(Decimal(hours_per_week) * Decimal(weeks_per_year) / MONTHS)
    sentence = _("Heures par mois : %(hours)s par semaine × %(weeks)s semaines ÷ 12 = %(monthly)s.") % {
        "hours": hours(hours_per_week),
        "weeks": number(weeks_per_year),
        "monthly": hours(monthly),
    }
    return monthly, sentence


def psu_estimate(scale, *, annual_resources, children, hours_per_week, weeks_per_year, aeeh_children=0):
    """What a crèche under the PSU costs: resources × taux d'effort per hour, times the planned hours."""
    resources, resources_sentence = monthly_resources(scale, annual_resources)
    rate = effort_rate(scale, children, aeeh_children)
    hourly = cents(resources * rate / HUNDRED)
    monthly_hours, hours_sentence = planned_hours(hours_per_week, weeks_per_year)
    monthly_cost = cents(hourly * monthly_hours)
    steps = [
        resources_sentence,
        rate_sentence(rate, children, aeeh_children),
        _("Tarif horaire : %(resources)s × %(rate)s = %(hourly)s de l'heure.")
        % {"resources": euros(resources), "rate": percent(rate), "hourly": euros(hourly)},
        hours_sentence,
        _("Coût mensuel : %(hourly)s × %(hours)s = %(cost)s par mois.")
        % {"hourly": euros(hourly), "hours": hours(monthly_hours), "cost": euros(monthly_cost)},
    ]
    return Estimate(
        monthly_cost=monthly_cost,
        steps=steps,
        hourly_fee=hourly,
        monthly_hours=monthly_hours,
        monthly_resources=resources,
        effort_rate=rate,
        net_cost=monthly_cost,
    )


def cmg_estimate(scale, *, annual_resources, children, hours_per_week, weeks_per_year, hourly_wage, aeeh_children=0):
    """What an assistant maternel costs once the CMG (reformed on 1 September 2025) is deducted.

    CMG = monthly cost × (1 − monthly resources × taux d'effort ÷ reference hourly cost), never below 0:
    the family keeps paying what it would pay per hour in a crèche, the CMG covers the rest of a
    reference hour.
    """
    resources, resources_sentence = monthly_resources(scale, annual_resources)
    rate = effort_rate(scale, children, aeeh_children)
    monthly_hours, hours_sentence = planned_hours(hours_per_week, weeks_per_year)
    hourly_wage = Decimal(hourly_wage)
    monthly_cost = cents(hourly_wage * monthly_hours)
    family_hourly = cents(resources * rate / HUNDRED)
    reference = Decimal(scale.reference_hourly_cost)
    share = max(Decimal(0), (1 - family_hourly / reference).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    cmg = cents(monthly_cost * share)
    steps = [
        resources_sentence,
        rate_sentence(rate, children, aeeh_children),
        hours_sentence,
        _("Coût mensuel de l'accueil : %(wage)s × %(hours)s = %(cost)s.")
        % {"wage": euros(hourly_wage), "hours": hours(monthly_hours), "cost": euros(monthly_cost)},
        _("Effort horaire de la famille : %(resources)s × %(rate)s = %(hourly)s de l'heure.")
        % {"resources": euros(resources), "rate": percent(rate), "hourly": euros(family_hourly)},
    ]
    if share > 0:
        steps.append(
            _(
                "Part prise en charge par le CMG : 1 − %(hourly)s ÷ %(reference)s (coût horaire de référence) = %(share)s."
            )
            % {"hourly": euros(family_hourly), "reference": euros(reference), "share": percent(share * HUNDRED, 2)}
        )
        steps.append(
            _("CMG : %(cost)s × %(share)s = %(cmg)s par mois.")
            % {"cost": euros(monthly_cost), "share": percent(share * HUNDRED, 2), "cmg": euros(cmg)}
        )
    else:
        steps.append(
            _(
                "L'effort horaire de la famille (%(hourly)s) atteint le coût horaire de référence (%(reference)s) : "
                "le CMG est nul (il n'est jamais négatif)."
            )
            % {"hourly": euros(family_hourly), "reference": euros(reference)}
        )
    net = monthly_cost - cmg
    steps.append(
        _("Reste à payer : %(cost)s − %(cmg)s = %(net)s par mois, avant crédit d'impôt.")
        % {"cost": euros(monthly_cost), "cmg": euros(cmg), "net": euros(net)}
    )
    return Estimate(
        monthly_cost=monthly_cost,
        steps=steps,
        hourly_fee=hourly_wage,
        monthly_hours=monthly_hours,
        monthly_resources=resources,
        effort_rate=rate,
        cmg=cmg,
        net_cost=net,
    )


def cmg_structure_bracket(table, annual_resources, children):
    """Index (0, 1, 2) of the resources bracket and the two ceilings for that many dependent children."""
    extra = Decimal(children - 1)
    first, second = (ceiling + extra * step for ceiling, step in zip(table.ceilings, table.ceiling_steps, strict=True))
    if annual_resources <= first:
        return 0, first, second
    if annual_resources <= second:
        return 1, first, second
    return 2, first, second


def paje_estimate(
    scale, *, annual_resources, children, hours_per_week, weeks_per_year, hourly_rate, child_over_3=False
):
    """What a micro-crèche under the PAJE costs once the CMG "structure" is deducted.

    CMG = the smaller of the bracket's monthly maximum (halved for a child of 3 to 6) and 85 % of the
    monthly bill; nothing when the hourly rate exceeds 10 € or the care is under 16 hours a month.
    """
    annual_resources = Decimal(annual_resources)
    hourly_rate = Decimal(hourly_rate)
    monthly_hours, hours_sentence = planned_hours(hours_per_week, weeks_per_year)
    monthly_cost = cents(hourly_rate * monthly_hours)
    steps = [
        hours_sentence,
        _("Coût mensuel : %(rate)s × %(hours)s = %(cost)s.")
        % {"rate": euros(hourly_rate), "hours": hours(monthly_hours), "cost": euros(monthly_cost)},
    ]
    table = scale.cmg_structure
    cmg = Decimal(0)
    if hourly_rate > PAJE_MAX_HOURLY_RATE:
        steps.append(
            _("Le tarif horaire dépasse %(cap)s : la famille n'a pas droit au CMG dans cette micro-crèche.")
            % {"cap": euros(PAJE_MAX_HOURLY_RATE)}
        )
    elif monthly_hours < PAJE_MIN_MONTHLY_HOURS:
        steps.append(_("Moins de %(minimum)s par mois : pas de CMG.") % {"minimum": hours(PAJE_MIN_MONTHLY_HOURS)})
    elif table is None:
        steps.append(_("Le barème en vigueur ne donne pas les montants du CMG micro-crèche : CMG non estimé."))
    else:
        bracket, first, second = cmg_structure_bracket(table, annual_resources, children)
        maximum = Decimal(table.amounts[bracket])
        children_phrase = ngettext("%(count)s enfant", "%(count)s enfants", children) % {"count": children}
        bracket_sentence = [
            _("Ressources annuelles de %(resources)s : sous le premier plafond (%(first)s pour %(children)s).")
            % {"resources": euros(annual_resources), "first": euros(first), "children": children_phrase},
            _("Ressources annuelles de %(resources)s : sous le second plafond (%(second)s pour %(children)s).")
            % {"resources": euros(annual_resources), "second": euros(second), "children": children_phrase},
            _("Ressources annuelles de %(resources)s : au-delà du second plafond (%(second)s pour %(children)s).")
            % {"resources": euros(annual_resources), "second": euros(second), "children": children_phrase},
        ][bracket]
        steps.append(bracket_sentence + " " + _("Montant maximal du CMG : %(maximum)s.") % {"maximum": euros(maximum)})
        if child_over_3:
            maximum = cents(maximum / 2)
            steps.append(
                _("Enfant de 3 à 6 ans : le montant maximal est divisé par deux, %(maximum)s.")
                % {"maximum": euros(maximum)}
            )
        share = cents(monthly_cost * PAJE_MAX_SHARE)
        cmg = min(maximum, share)
        steps.append(
            _("CMG : le plus petit de %(maximum)s et de %(rate)s du coût (%(share)s), soit %(cmg)s par mois.")
            % {
                "maximum": euros(maximum),
                "rate": percent(PAJE_MAX_SHARE * 100, decimals=0),
                "share": euros(share),
                "cmg": euros(cmg),
            }
        )
    net = monthly_cost - cmg
    steps.append(
        _("Reste à payer : %(cost)s − %(cmg)s = %(net)s par mois, avant crédit d'impôt.")
        % {"cost": euros(monthly_cost), "cmg": euros(cmg), "net": euros(net)}
    )
    return Estimate(
        monthly_cost=monthly_cost,
        steps=steps,
        hourly_fee=hourly_rate,
        monthly_hours=monthly_hours,
        cmg=cmg,
        net_cost=net,
    )
