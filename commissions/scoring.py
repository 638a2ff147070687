"""Scoring a request with a règlement d'attribution: facts in, score and its breakdown out.

Pure: no ORM, no clock, no settings. `commissions.services.facts_for` reads the facts from the database and
`Criterion.as_rule` turns the stored criteria into `Rule`s; everything here works on plain values, so that a
score can be recomputed, explained and tested without a database. Only gettext is used, for the words a
family reads: a line's `detail` is a message (portal.i18n.Deferred) that `str()` writes in the reader's language,
so that a dossier frozen by a commission keeps it as a message and is read later in anyone's language.

Points are whole numbers, as in the published grids. A request's `total` is what every establishment sees;
`bonus` adds points at one establishment only (sibling already there, family living in its commune), which
is what the allocation engine's `bonus` expects.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commissions.enums import BandsMeasure, BonusReason, CriterionKind, DeclineReason, NegativeMeasure, UnitMeasure
from portal.i18n import Deferred, deferred, deferred_plural, ngettext_noop, number, number_text

MAX_POINTS = 1000
MAX_BANDS = 12
MAX_BOUND = 1_000_000


class ParameterError(ValueError):
    """The parameters of a criterion are refused; `messages` are French sentences for the administrator."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


@dataclass(frozen=True)
class WishedEstablishment:
    """An establishment the request asks for, as far as scoring needs to know it."""

    id: int
    name: str
    commune: str = ""
    code_insee: str = ""


@dataclass(frozen=True)
class Facts:
    """What the grid looks at in a request, on a given day."""

    situations: frozenset[str] = frozenset()
    quotient_familial: int | None = None
    months_waiting: int = 0
    commissions_passed: int = 0
    refused_offers: int = 0
    # The reasons given for the refusals whose reason is known (commissions.enums.DeclineReason values).
    refusal_reasons: tuple[str, ...] = ()
    sibling_establishments: frozenset[int] = frozenset()
    residence: str = ""  # code INSEE of the family's commune
    establishments: tuple[WishedEstablishment, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One criterion of the grid, with parameters already checked by `clean_parameters`."""

    code: str
    label: str
    kind: str
    parameters: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """One criterion that counts for every establishment, with its points explained in words (`str(detail)`)."""

    code: str
    label: str
    detail: Deferred
    points: int


@dataclass(frozen=True)
class BonusLine:
    """Points a criterion gives at one establishment only."""

    code: str
    label: str
    detail: Deferred
    points: int
    establishment_id: int
    establishment_name: str


@dataclass(frozen=True)
class Score:
    total: int
    lines: tuple[Line, ...] = ()
    bonus_lines: tuple[BonusLine, ...] = ()
    # establishment id -> extra points there (the engine's `bonus`)
    bonus: dict[int, int] = field(default_factory=dict)


# --- Words -------------------------------------------------------------------------------------------------------
# A line's detail is built from messages (portal.i18n): its numbers, plurals and words are written when it is read.


def points_message(points, *, signed=False):
    """A number of points: "0 point" in French, "0 points" in English; "+3 points" when signed and positive."""
    return deferred_plural(
        ngettext_noop("%(points)s point", "%(points)s points"), points, points=number(points, signed=signed)
    )


def points_text(points):
    return str(points_message(points))


def signed_points_text(points):
    return str(points_message(points, signed=True))


def _unit_of(measure):
    return "€" if measure == BandsMeasure.QUOTIENT_FAMILIAL else deferred(gettext_noop("mois"))


def _bracket_message(bands, index, measure):
    """The bracket of the band at `index`, short form: "500–800 €", "1 200 € et plus"."""
    unit = _unit_of(measure)
    low = bands[index]["from"]
    if index + 1 < len(bands):
        high = bands[index + 1]["from"]
        return deferred(gettext_noop("%(low)s–%(high)s %(unit)s"), low=number(low), high=number(high), unit=unit)
    return deferred(gettext_noop("%(low)s %(unit)s et plus"), low=number(low), unit=unit)


def _bracket_sentence(bands, index, measure):
    """The bracket in a full sentence for the public page: "de 500 à moins de 800 €"."""
    unit = str(_unit_of(measure))
    low = bands[index]["from"]
    if index + 1 < len(bands):
        high = bands[index + 1]["from"]
        if low == 0:
            return _("moins de %(high)s %(unit)s") % {"high": number_text(high), "unit": unit}
        return _("de %(low)s à moins de %(high)s %(unit)s") % {
            "low": number_text(low),
            "high": number_text(high),
            "unit": unit,
        }
    return _("%(low)s %(unit)s et plus") % {"low": number_text(low), "unit": unit}


def _capitalised(text):
    return text[:1].upper() + text[1:]


def _quantity_message(measure, count):
    if measure == UnitMeasure.MONTHS_WAITING:
        forms = ngettext_noop("%(count)s mois d'attente depuis le dépôt", "%(count)s mois d'attente depuis le dépôt")
    elif measure == UnitMeasure.COMMISSIONS_PASSED:
        forms = ngettext_noop(
            "%(count)s commission passée sans proposition", "%(count)s commissions passées sans proposition"
        )
    else:
        forms = ngettext_noop("%(count)s offre adaptée refusée", "%(count)s offres adaptées refusées")
    return deferred_plural(forms, count, count=number(count))


def _per_unit_text(measure):
    return {
        UnitMeasure.MONTHS_WAITING: _("par mois d'attente depuis le dépôt de la demande"),
        UnitMeasure.COMMISSIONS_PASSED: _("par commission déjà passée sans proposition de place"),
        NegativeMeasure.REFUSED_OFFERS: _("par offre de place adaptée refusée"),
    }[measure]


# --- Parameters ----------------------------------------------------------------------------------------------------

_KEYS = {
    CriterionKind.SITUATION: {"situation", "points"},
    CriterionKind.BANDS: {"measure", "bands", "missing_points"},
    CriterionKind.PER_UNIT: {"measure", "points", "max_points"},
    CriterionKind.ESTABLISHMENT_BONUS: {"reason", "points"},
    CriterionKind.NEGATIVE: {"measure", "points", "max_points", "exempt"},
}


def _integer(value, name, errors, *, minimum, maximum=MAX_POINTS, required=True):
    if value is None and not required:
        return None
    # bool is an int in Python, but `true` is not a number of points.
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(_("« %(name)s » doit être un nombre entier.") % {"name": name})
        return None
    if not minimum <= value <= maximum:
        errors.append(
            _("« %(name)s » doit être compris entre %(minimum)s et %(maximum)s.")
            % {"name": name, "minimum": number_text(minimum), "maximum": number_text(maximum)}
        )
        return None
    return value


def _choice(value, name, choices, errors):
    if value not in choices.values:
        errors.append(_("« %(name)s » n'est pas une valeur possible.") % {"name": name})
        return None
    return value


def clean_parameters(kind, parameters):
    """The parameters of a criterion of `kind`, checked and normalised; ParameterError (French) otherwise."""
    if kind not in CriterionKind.values:
        raise ParameterError([_("Ce type de critère n'existe pas.")])
    if not isinstance(parameters, Mapping):
        raise ParameterError([_("Les paramètres du critère doivent être un objet.")])
    errors = []
    unknown = sorted(set(parameters) - _KEYS[kind])
    if unknown:
        errors.append(_("Paramètre(s) inconnu(s) : %(keys)s.") % {"keys": ", ".join(map(str, unknown))})
    cleaned = {}
    if kind == CriterionKind.SITUATION:
        situation = parameters.get("situation")
        if not isinstance(situation, str) or not situation.strip():
            errors.append(_("Choisissez la situation particulière concernée."))
        else:
            cleaned["situation"] = situation.strip()
        cleaned["points"] = _integer(parameters.get("points"), _("points"), errors, minimum=1)
    elif kind == CriterionKind.BANDS:
        cleaned["measure"] = _choice(parameters.get("measure"), _("mesure"), BandsMeasure, errors)
        cleaned["bands"] = _clean_bands(parameters.get("bands"), errors)
        cleaned["missing_points"] = _integer(
            parameters.get("missing_points", 0), _("points si le quotient familial est inconnu"), errors, minimum=0
        )
    elif kind in (CriterionKind.PER_UNIT, CriterionKind.NEGATIVE):
        measures = UnitMeasure if kind == CriterionKind.PER_UNIT else NegativeMeasure
        cleaned["measure"] = _choice(parameters.get("measure"), _("ce qui est compté"), measures, errors)
        cleaned["points"] = _integer(parameters.get("points"), _("points par unité"), errors, minimum=1)
        cleaned["max_points"] = _integer(parameters.get("max_points"), _("plafond"), errors, minimum=1, required=False)
        if cleaned["points"] and cleaned["max_points"] and cleaned["max_points"] < cleaned["points"]:
            errors.append(_("Le plafond ne peut pas être inférieur aux points d'une seule unité."))
        if kind == CriterionKind.NEGATIVE:
            exempt = parameters.get("exempt", [])
            if not isinstance(exempt, list) or any(reason not in DeclineReason.values for reason in exempt):
                errors.append(_("Les refus exemptés sont une liste de raisons de refus connues."))
            else:
                cleaned["exempt"] = sorted(set(exempt))
    else:
        cleaned["reason"] = _choice(parameters.get("reason"), _("motif"), BonusReason, errors)
        cleaned["points"] = _integer(parameters.get("points"), _("points"), errors, minimum=1)
    if errors:
        raise ParameterError(errors)
    return cleaned


def _clean_bands(bands, errors):
    if not isinstance(bands, list) or not bands:
        errors.append(_("Indiquez au moins une tranche."))
        return None
    if len(bands) > MAX_BANDS:
        errors.append(_("Pas plus de %(count)s tranches.") % {"count": MAX_BANDS})
        return None
    cleaned = []
    for position, band in enumerate(bands, start=1):
        if not isinstance(band, Mapping) or set(band) != {"from", "points"}:
            errors.append(_("Tranche %(position)s : indiquez sa borne basse et ses points.") % {"position": position})
            return None
        low = _integer(
            band["from"],
            _("tranche %(position)s, à partir de") % {"position": position},
            errors,
            minimum=0,
            maximum=MAX_BOUND,
        )
        points = _integer(
            band["points"], _("tranche %(position)s, points") % {"position": position}, errors, minimum=0
        )
        if low is None or points is None:
            return None
        if cleaned and low <= cleaned[-1]["from"]:
            errors.append(
                _("Tranche %(position)s : les bornes doivent aller croissant (%(low)s après %(previous)s).")
                % {"position": position, "low": number_text(low), "previous": number_text(cleaned[-1]["from"])}
            )
            return None
        cleaned.append({"from": low, "points": points})
    return cleaned


# --- Describing a rule (the public grid) -------------------------------------------------------------------------


def describe(rule):
    """The points of a rule in words, as sentences for the public page and the administrator."""
    p = rule.parameters
    if rule.kind == CriterionKind.SITUATION:
        return [_("%(points)s si la situation est reconnue.") % {"points": points_text(p["points"])}]
    if rule.kind == CriterionKind.BANDS:
        sentences = [
            _("%(bracket)s : %(points)s.")
            % {
                "bracket": _capitalised(_bracket_sentence(p["bands"], index, p["measure"])),
                "points": points_text(band["points"]),
            }
            for index, band in enumerate(p["bands"])
        ]
        if p["measure"] == BandsMeasure.QUOTIENT_FAMILIAL:
            sentences.append(
                _("Quotient familial non communiqué : %(points)s.") % {"points": points_text(p["missing_points"])}
            )
        return sentences
    if rule.kind in (CriterionKind.PER_UNIT, CriterionKind.NEGATIVE):
        if rule.kind == CriterionKind.PER_UNIT:
            sentence = _("%(points)s %(per)s") % {
                "points": points_text(p["points"]),
                "per": _per_unit_text(p["measure"]),
            }
        else:
            sentence = _("%(points)s retirés %(per)s") % {
                "points": points_text(p["points"]),
                "per": _per_unit_text(p["measure"]),
            }
        if p["max_points"]:
            sentence = _("%(sentence)s, dans la limite de %(cap)s") % {
                "sentence": sentence,
                "cap": points_text(p["max_points"]),
            }
        sentences = [sentence + "."]
        if p.get("exempt"):
            sentences.append(
                _("Ne comptent pas les refus pour : %(reasons)s.")
                % {"reasons": ", ".join(str(DeclineReason(reason).label) for reason in p["exempt"])}
            )
        return sentences
    if p["reason"] == BonusReason.SIBLING:
        return [
            _(
                "%(points)s de plus pour l'établissement où un frère ou une sœur est déjà accueilli·e, "
                "pour cet établissement seulement."
            )
            % {"points": points_text(p["points"])}
        ]
    return [
        _(
            "%(points)s de plus pour les établissements situés dans la commune où habite la famille, "
            "pour ces établissements seulement."
        )
        % {"points": points_text(p["points"])}
    ]


# --- Scoring -------------------------------------------------------------------------------------------------------


def _band_index(bands, value):
    """The band `value` falls in (lower bound included), or None below the first one."""
    found = None
    for index, band in enumerate(bands):
        if value >= band["from"]:
            found = index
    return found


def _bands_line(rule, facts):
    p = rule.parameters
    if p["measure"] == BandsMeasure.QUOTIENT_FAMILIAL:
        value = facts.quotient_familial
        if value is None:
            points = p["missing_points"]
            return Line(
                rule.code,
                rule.label,
                deferred(gettext_noop("Quotient familial non communiqué → %(points)s"), points=points_message(points)),
                points,
            )
        measured = deferred(gettext_noop("Quotient familial de %(value)s €"), value=number(value))
    else:
        value = facts.months_waiting
        measured = deferred_plural(
            ngettext_noop("Demande déposée depuis %(value)s mois", "Demande déposée depuis %(value)s mois"),
            value,
            value=number(value),
        )
    index = _band_index(p["bands"], value)
    if index is None:
        return Line(
            rule.code,
            rule.label,
            deferred(
                gettext_noop("%(measured)s : hors tranches → %(points)s"), measured=measured, points=points_message(0)
            ),
            0,
        )
    points = p["bands"][index]["points"]
    detail = deferred(
        gettext_noop("%(measured)s : tranche %(bracket)s → %(points)s"),
        measured=measured,
        bracket=_bracket_message(p["bands"], index, p["measure"]),
        points=points_message(points),
    )
    return Line(rule.code, rule.label, detail, points)


def counted_refusals(facts, exempt=()):
    """Refusals the grid counts: all of them but those whose reason it exempts."""
    exempted = sum(1 for reason in facts.refusal_reasons if reason in exempt)
    return max(0, facts.refused_offers - exempted)


def _count_of(measure, facts, exempt=()):
    return {
        UnitMeasure.MONTHS_WAITING: facts.months_waiting,
        UnitMeasure.COMMISSIONS_PASSED: facts.commissions_passed,
        NegativeMeasure.REFUSED_OFFERS: counted_refusals(facts, exempt),
    }[measure]


def _per_unit_line(rule, facts, sign):
    p = rule.parameters
    count = max(0, _count_of(p["measure"], facts, p.get("exempt", ())))
    raw = count * p["points"]
    capped = p["max_points"] is not None and raw > p["max_points"]
    magnitude = p["max_points"] if capped else raw
    points = sign * magnitude
    quantity, per = _quantity_message(p["measure"], count), points_message(sign * p["points"])
    if capped:
        detail = deferred(
            gettext_noop("%(quantity)s × %(per)s, plafonné à %(cap)s → %(points)s"),
            quantity=quantity,
            per=per,
            cap=points_message(sign * p["max_points"]),
            points=points_message(points),
        )
    else:
        detail = deferred(
            gettext_noop("%(quantity)s × %(per)s → %(points)s"),
            quantity=quantity,
            per=per,
            points=points_message(points),
        )
    return Line(rule.code, rule.label, detail, points)


def _bonus_lines(rule, facts):
    p = rule.parameters
    for establishment in facts.establishments:
        if p["reason"] == BonusReason.SIBLING:
            applies = establishment.id in facts.sibling_establishments
            msgid = gettext_noop("Frère ou sœur déjà accueilli·e à %(name)s → %(points)s pour cet établissement")
        else:
            applies = bool(facts.residence) and establishment.code_insee == facts.residence
            # Read by the family and by staff alike: a fact in the third person, not "vous".
            msgid = gettext_noop("Domicile à %(commune)s, commune de %(name)s → %(points)s pour cet établissement")
        if applies:
            yield BonusLine(
                rule.code,
                rule.label,
                deferred(
                    msgid,
                    name=establishment.name,
                    commune=establishment.commune or establishment.code_insee,
                    points=points_message(p["points"], signed=True),
                ),
                p["points"],
                establishment.id,
                establishment.name,
            )


def score(facts: Facts, rules: Iterable[Rule]) -> Score:
    """Apply the grid to the facts. Lines follow the order of the rules; the total is the sum of the lines."""
    return _score(facts, list(rules), {})


def score_many(facts_list: Iterable[Facts], rules: Iterable[Rule]) -> list[Score]:
    """score() of many requests under one grid (a commission scores hundreds at once).

    A line depends only on its rule and on the value the rule measures: each (rule, value) is worded once.
    """
    rules, cache = list(rules), {}
    return [_score(facts, rules, cache) for facts in facts_list]


def _measured(rule, facts):
    """What a line of `rule` depends on in `facts` (the key of score_many's cache)."""
    p = rule.parameters
    if rule.kind == CriterionKind.SITUATION:
        return p["situation"] in facts.situations
    if rule.kind == CriterionKind.BANDS:
        return facts.quotient_familial if p["measure"] == BandsMeasure.QUOTIENT_FAMILIAL else facts.months_waiting
    return _count_of(p["measure"], facts, p.get("exempt", ()))


def _line(rule, facts):
    """The rule's line for these facts, or None when the rule gives no line."""
    if rule.kind == CriterionKind.SITUATION:
        if rule.parameters["situation"] not in facts.situations:
            return None
        points = rule.parameters["points"]
        return Line(
            rule.code,
            rule.label,
            deferred(gettext_noop("Situation reconnue → %(points)s"), points=points_message(points)),
            points,
        )
    if rule.kind == CriterionKind.BANDS:
        return _bands_line(rule, facts)
    if rule.kind == CriterionKind.PER_UNIT:
        return _per_unit_line(rule, facts, 1)
    if _count_of(rule.parameters["measure"], facts, rule.parameters.get("exempt", ())) > 0:
        return _per_unit_line(rule, facts, -1)
    return None


def _score(facts, rules, cache):
    lines, bonus_lines = [], []
    for index, rule in enumerate(rules):
        if rule.kind == CriterionKind.ESTABLISHMENT_BONUS:
            bonus_lines.extend(_bonus_lines(rule, facts))
            continue
        key = (index, _measured(rule, facts))
        if key not in cache:
            cache[key] = _line(rule, facts)
        if cache[key] is not None:
            lines.append(cache[key])
    bonus = {}
    for line in bonus_lines:
        bonus[line.establishment_id] = bonus.get(line.establishment_id, 0) + line.points
    return Score(
        total=sum(line.points for line in lines),
        lines=tuple(lines),
        bonus_lines=tuple(bonus_lines),
        bonus=bonus,
    )
