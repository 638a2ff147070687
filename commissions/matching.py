"""The place-allocation engine: applicant-proposing deferred acceptance.

Normative spec: shared/contracts/allocation.md. This module is pure Python and imports nothing from
Django, so that the engine runs (and is tested and benchmarked) without settings or a database.

Entry points: `parse_problem` (dict from JSON -> `Problem`, strict), `allocate` (`Problem` -> `Result`),
`result_to_json` (`Result` -> the contract's output dict), `stability_violations` (a check) and `choose` (the
choice rule of one seat group).
"""

import functools
import gc
import heapq
import json
import math
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, datetime


class ProblemError(ValueError):
    """The problem is refused; the message is French and names the offending record."""


@dataclass(frozen=True, slots=True)
class SeatGroup:
    establishment: str
    section: str
    capacity: int
    reserved: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.establishment, self.section)

    @property
    def label(self) -> str:
        return f"{self.establishment}/{self.section}"


@dataclass(frozen=True, slots=True)
class Applicant:
    id: str
    score: float
    submitted_at: datetime  # aware, UTC
    section: str
    wishes: tuple[str, ...]
    flags: frozenset[str] = frozenset()
    bonus: dict[str, float] = field(default_factory=dict)

    def effective_score(self, establishment: str) -> float:
        return self.score + self.bonus.get(establishment, 0.0)

    def priority(self, establishment: str) -> tuple[float, datetime, str]:
        """Sort key at `establishment`: smaller is better, and no two applicants share one."""
        return (-self.effective_score(establishment), self.submitted_at, self.id)


@dataclass(frozen=True, slots=True)
class Problem:
    seats: tuple[SeatGroup, ...]
    applicants: tuple[Applicant, ...]


@dataclass(frozen=True, slots=True)
class Result:
    problem: Problem
    # applicant id -> (establishment, section), or None when unplaced; every applicant is a key.
    assignments: dict[str, tuple[str, str] | None]
    # (establishment, section) -> admitted applicant ids, best priority first; every group is a key.
    admitted: dict[tuple[str, str], tuple[str, ...]]


# ---------------------------------------------------------------------------------------------------------------------
# Parsing: refuse anything the contract does not describe, naming the record, before any allocation runs.

_SEAT_FIELDS = ("establishment", "section", "capacity", "reserved")
_SEAT_REQUIRED = ("establishment", "section", "capacity")
_APPLICANT_FIELDS = ("id", "score", "submitted_at", "section", "wishes", "flags", "bonus")
_APPLICANT_REQUIRED = ("id", "score", "submitted_at", "section", "wishes")


def _show(value) -> str:
    """A short rendering of a bad value for an error message."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _is_text(value) -> bool:
    return isinstance(value, str) and value != ""


def _is_int(value) -> bool:
    # bool is a subclass of int in Python, but `true` is not a number of places.
    return isinstance(value, int) and not isinstance(value, bool)


def _finite_number(value) -> float | None:
    """The value as a finite float, or None when it is not a real number (bools excluded)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _check_fields(record: dict, allowed: tuple[str, ...], required: tuple[str, ...], name: str) -> None:
    for key in record:
        if key not in allowed:
            raise ProblemError(f"{name} : champ inconnu « {_show(key)} »")
    for key in required:
        if key not in record:
            raise ProblemError(f"{name} : champ obligatoire manquant « {key} »")


def _parse_seat(record, position: int) -> SeatGroup:
    if not isinstance(record, dict):
        raise ProblemError(f"groupe n°{position} : un objet JSON est attendu, reçu « {_show(record)} »")
    establishment, section = record.get("establishment"), record.get("section")
    if _is_text(establishment) and _is_text(section):
        name = f"groupe {establishment}/{section}"
    else:
        name = f"groupe n°{position}"
    _check_fields(record, _SEAT_FIELDS, _SEAT_REQUIRED, name)
    for key in ("establishment", "section"):
        value = record[key]
        if not _is_text(value):
            raise ProblemError(f"{name} : « {key} » doit être un texte non vide, reçu « {_show(value)} »")
        # Cutoffs are keyed "establishment/section": a slash would make two groups share a key.
        if "/" in value:
            raise ProblemError(f"{name} : « {key} » ne doit pas contenir de « / »")
    capacity = record["capacity"]
    if not _is_int(capacity):
        raise ProblemError(f"{name} : la capacité doit être un nombre entier, reçu « {_show(capacity)} »")
    if capacity < 0:
        raise ProblemError(f"{name} : capacité négative ({capacity})")
    reserved = record.get("reserved", {})
    if not isinstance(reserved, dict):
        raise ProblemError(f"{name} : « reserved » doit être un objet {{critère: nombre de places}}")
    for flag, count in reserved.items():
        if not _is_text(flag):
            raise ProblemError(f"{name} : critère de réservation vide")
        if not _is_int(count):
            raise ProblemError(
                f"{name} : places réservées « {flag} » : nombre entier attendu, reçu « {_show(count)} »"
            )
        if count < 0:
            raise ProblemError(f"{name} : places réservées « {flag} » négatives ({count})")
    if sum(reserved.values()) > capacity:
        raise ProblemError(
            f"{name} : places réservées ({sum(reserved.values())}) supérieures à la capacité ({capacity})"
        )
    return SeatGroup(establishment, section, capacity, dict(reserved))


def _parse_date(value, name: str) -> datetime:
    if not isinstance(value, str):
        raise ProblemError(f"{name} : date de dépôt illisible « {_show(value)} »")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(f"{name} : date de dépôt illisible « {_show(value)} »") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A naive date would be compared with aware ones under a guessed time zone: refuse it.
        raise ProblemError(f"{name} : date de dépôt sans fuseau horaire « {_show(value)} » (ajouter Z ou un décalage)")
    return moment.astimezone(UTC)


def _parse_text_list(value, name: str, label: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ProblemError(f"{name} : « {label} » doit être une liste, reçu « {_show(value)} »")
    seen = set()
    for position, item in enumerate(value, start=1):
        if not _is_text(item):
            raise ProblemError(f"{name} : {what} n°{position} invalide « {_show(item)} »")
        if item in seen:
            raise ProblemError(f"{name} : {what} en double « {item} »")
        seen.add(item)
    return tuple(value)


def _parse_applicant(record, position: int) -> Applicant:
    if not isinstance(record, dict):
        raise ProblemError(f"candidat n°{position} : un objet JSON est attendu, reçu « {_show(record)} »")
    identifier = record.get("id")
    name = f"candidat {identifier}" if _is_text(identifier) else f"candidat n°{position}"
    _check_fields(record, _APPLICANT_FIELDS, _APPLICANT_REQUIRED, name)
    if not _is_text(identifier):
        raise ProblemError(f"{name} : « id » doit être un texte non vide, reçu « {_show(identifier)} »")
    if isinstance(record["score"], bool) or not isinstance(record["score"], int | float):
        raise ProblemError(f"{name} : le score doit être un nombre, reçu « {_show(record['score'])} »")
    score = _finite_number(record["score"])
    if score is None:
        raise ProblemError(f"{name} : score non fini « {_show(record['score'])} »")
    submitted_at = _parse_date(record["submitted_at"], name)
    section = record["section"]
    if not _is_text(section):
        raise ProblemError(f"{name} : « section » doit être un texte non vide, reçu « {_show(section)} »")
    # A repeated wish has no meaning in a ranking: refuse it rather than guess which rank was meant.
    wishes = _parse_text_list(record["wishes"], name, "wishes", "vœu")
    flags = frozenset(_parse_text_list(record.get("flags", []), name, "flags", "critère"))
    bonus = record.get("bonus", {})
    if not isinstance(bonus, dict):
        raise ProblemError(f"{name} : « bonus » doit être un objet {{établissement: points}}")
    parsed_bonus = {}
    for establishment, points in bonus.items():
        if not _is_text(establishment):
            raise ProblemError(f"{name} : bonus pour un établissement vide")
        number = _finite_number(points)
        if number is None:
            raise ProblemError(f"{name} : bonus « {establishment} » : nombre fini attendu, reçu « {_show(points)} »")
        parsed_bonus[establishment] = number
    return Applicant(identifier, score, submitted_at, section, wishes, flags, parsed_bonus)


def parse_problem(data) -> Problem:
    """Validate the contract's input (as decoded from JSON) strictly and build a `Problem`."""
    if not isinstance(data, dict):
        raise ProblemError("le problème doit être un objet JSON avec « seats » et « applicants »")
    _check_fields(data, ("seats", "applicants"), ("seats", "applicants"), "problème")
    for key in ("seats", "applicants"):
        if not isinstance(data[key], list):
            raise ProblemError(f"problème : « {key} » doit être une liste")
    seats, groups = [], set()
    for position, record in enumerate(data["seats"], start=1):
        seat = _parse_seat(record, position)
        if seat.key in groups:
            raise ProblemError(f"groupe {seat.label} : en double")
        groups.add(seat.key)
        seats.append(seat)
    applicants, ids = [], set()
    for position, record in enumerate(data["applicants"], start=1):
        applicant = _parse_applicant(record, position)
        if applicant.id in ids:
            raise ProblemError(f"candidat {applicant.id} : identifiant en double")
        ids.add(applicant.id)
        applicants.append(applicant)
    return Problem(tuple(seats), tuple(applicants))


# ---------------------------------------------------------------------------------------------------------------------
# The choice rule and the mechanism.


def _choose(capacity: int, reservations: list[tuple[str, int]], ranked: list, flags_of) -> tuple[list, list, list]:
    """Apply the contract's choice rule of one seat group.

    `ranked` is the candidates, best priority first; `reservations` is (flag, count) in alphabetical order.
    Returns (taken by open slots, (candidate, flag) taken by reserved slots in order, rejected).
    """
    open_slots = capacity - sum(count for _, count in reservations)
    remaining = ranked[open_slots:]
    reserved = []
    for flag, count in reservations:
        for _ in range(count):
            if not remaining:
                break
            # Best remaining carrying the flag, else best remaining: an unused reservation is not wasted.
            pick = next((k for k, candidate in enumerate(remaining) if flag in flags_of(candidate)), 0)
            reserved.append((remaining.pop(pick), flag))
    return ranked[:open_slots], reserved, remaining


def allocate(problem: Problem) -> Result:
    """Applicant-proposing deferred acceptance with the contract's choice rule.

    The problem must come from `parse_problem` (or be as valid). Proposals are processed one at a time,
    following chains of rejections (McVitie and Wilson): with this choice rule (substitutable, and always
    filling up to capacity) the outcome does not depend on the order of proposals, so it equals the
    round-by-round description of the contract.
    """
    # The engine builds some 10^5 small acyclic tuples; the cyclic garbage collector would rescan the
    # whole problem many times over for nothing (it doubles the run time at 30,000 applicants).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _deferred_acceptance(problem)
    finally:
        if collecting:
            gc.enable()


def _deferred_acceptance(problem: Problem) -> Result:
    # Canonical order first, so that nothing depends on the order of the input file.
    seats = sorted(problem.seats, key=lambda seat: seat.key)
    applicants = sorted(problem.applicants, key=lambda applicant: applicant.id)
    capacity = [seat.capacity for seat in seats]
    reservations = [sorted((flag, count) for flag, count in seat.reserved.items() if count > 0) for seat in seats]
    reserved_flags = [frozenset(flag for flag, _ in items) for items in reservations]
    flags = [applicant.flags for applicant in applicants]
    # section -> establishment -> group index. A wish with no group for its section is ignored; a group of
    # capacity 0 would reject everyone, so it is left out as well.
    groups_by_section: dict[str, dict[str, int]] = {}
    for g, seat in enumerate(seats):
        if seat.capacity > 0:
            groups_by_section.setdefault(seat.section, {})[seat.establishment] = g

    # Seniority rank folds (submitted_at, id) into one int, so that a priority is a flat tuple
    # (effective score, -seniority rank, index): larger is better and no two are equal. The sort is
    # stable and `applicants` is in id order, so equal dates stay in id order.
    submitted = [applicant.submitted_at for applicant in applicants]
    seniority = [0] * len(applicants)
    for rank, i in enumerate(sorted(range(len(applicants)), key=submitted.__getitem__)):
        seniority[i] = -rank

    # Each applicant's plan: its usable wishes in order, each with its precomputed priority there.
    plans = []
    for i, applicant in enumerate(applicants):
        groups = groups_by_section.get(applicant.section, {})
        usable = [(groups[e], e) for e in applicant.wishes if e in groups]
        if applicant.bonus:
            score, bonus = applicant.score, applicant.bonus
            plans.append([(g, (score + bonus.get(e, 0.0), seniority[i], i)) for g, e in usable])
        else:
            entry = (applicant.score, seniority[i], i)  # the same priority at every establishment
            plans.append([(g, entry) for g, _ in usable])

    def flags_of_entry(entry):
        return flags[entry[2]]

    # held[g] is a min-heap of priorities: the weakest held applicant is held[g][0].
    held = [[] for _ in seats]
    wishes_left = [iter(plan) for plan in plans]
    for first in range(len(applicants)):
        i = first
        # Follow the chain of rejections: whoever is turned away proposes to its next wish at once.
        while i is not None:
            step = next(wishes_left[i], None)
            if step is None:
                break  # no wish left: unplaced
            g, entry = step
            group = held[g]
            if len(group) < capacity[g]:
                heapq.heappush(group, entry)  # room left: the choice rule takes everyone
                i = None
            elif not reservations[g]:
                # Open slots only: the group keeps its best; swap with the weakest if the newcomer beats it.
                if entry > group[0]:
                    i = heapq.heapreplace(group, entry)[2]
            elif entry < group[0] and reserved_flags[g].isdisjoint(flags[i]):
                pass  # weaker than everyone held and no use for a reserved slot: rejected, next wish
            else:
                ranked = [*group, entry]
                ranked.sort(reverse=True)
                rejected = _choose(capacity[g], reservations[g], ranked, flags_of_entry)[2][0]
                if rejected is not entry:
                    group[group.index(rejected)] = entry
                    heapq.heapify(group)
                i = rejected[2]

    assignments: dict[str, tuple[str, str] | None] = {applicant.id: None for applicant in applicants}
    admitted = {}
    for g, seat in enumerate(seats):
        ranked = sorted(held[g], reverse=True)
        admitted[seat.key] = tuple(applicants[entry[2]].id for entry in ranked)
        for entry in ranked:
            assignments[applicants[entry[2]].id] = seat.key
    return Result(problem, assignments, admitted)


# ---------------------------------------------------------------------------------------------------------------------
# Checks and output.


def _wishes_above(applicant: Applicant, place: tuple[str, str] | None) -> tuple[str, ...]:
    """The wishes the applicant prefers to its place: all of them when unplaced."""
    if place is None or place[0] not in applicant.wishes:
        return applicant.wishes
    return applicant.wishes[: applicant.wishes.index(place[0])]


def _admitted_applicants(problem: Problem, assignments: dict) -> dict[tuple[str, str], list[Applicant]]:
    admitted = {seat.key: [] for seat in problem.seats}
    for applicant in problem.applicants:
        place = assignments.get(applicant.id)
        if place is not None:
            admitted.setdefault(place, []).append(applicant)
    return admitted


def _flags(applicant: Applicant) -> frozenset[str]:
    return applicant.flags


def choose(seat: SeatGroup, candidates: list[Applicant]) -> list[Applicant]:
    """The applicants the group's choice rule takes among `candidates`, in the order its slots take them."""
    ranked = sorted(candidates, key=lambda candidate: candidate.priority(seat.establishment))
    taken, reserved, _ = _choose(seat.capacity, sorted(seat.reserved.items()), ranked, _flags)
    return taken + [candidate for candidate, _ in reserved]


def stability_violations(problem: Problem, result: Result) -> list[tuple[str, str]]:
    """(applicant id, establishment) pairs where the group's choice rule, given its admitted applicants plus
    this applicant, would take this applicant although it prefers that establishment to its place."""
    seats = {seat.key: seat for seat in problem.seats}
    admitted = _admitted_applicants(problem, result.assignments)
    violations = []
    for applicant in sorted(problem.applicants, key=lambda applicant: applicant.id):
        for establishment in _wishes_above(applicant, result.assignments.get(applicant.id)):
            seat = seats.get((establishment, applicant.section))
            if seat is None:
                continue
            others = [other for other in admitted[seat.key] if other is not applicant]
            if any(chosen is applicant for chosen in choose(seat, [*others, applicant])):
                violations.append((applicant.id, establishment))
    return violations


# French texts shown to families, kept together so that a later change can route them through gettext.
TEXTS = {
    "no_section": "Aucune place de la section {section} n'est à attribuer à {establishment} lors de cette commission.",
    "head_one": "La place de la section {section} de {establishment} a été attribuée",
    "head_many": "Les {count} places de la section {section} de {establishment} ont été attribuées",
    "score_one": "à une demande ayant un score supérieur au vôtre",
    "score_many": "à des demandes ayant un score supérieur au vôtre",
    "seniority_one": "à une demande de même score déposée avant la vôtre",
    "seniority_many": "à des demandes de même score déposées avant la vôtre",
    "number_one": "à une demande de même score déposée au même moment, départagée par le numéro de dossier",
    "number_many": "à des demandes de même score déposées au même moment, départagées par le numéro de dossier",
    "reserved_one": "à une demande bénéficiant d'une place réservée au titre {criteria}",
    "reserved_many": "à des demandes bénéficiant de places réservées au titre {criteria}",
    "criterion": "du critère {names}",
    "criteria": "des critères {names}",
    "and": " et ",
    "points_one": "{number} point",
    "points_many": "{number} points",
    "last_and_you": " (dernier admis : {last}, vous : {you}).",
    "you": ". Votre score : {you}.",
}


def _points(value: float) -> str:
    value += 0.0  # turns -0.0 into 0.0, never shown as "-0"
    number = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    # French puts the singular under two: "1,5 point", "0 point".
    return TEXTS["points_one" if abs(value) < 2 else "points_many"].format(number=number)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + TEXTS["and"] + items[-1]


def _full_facts(seat: SeatGroup, admitted: list[Applicant], keys: list[tuple], applicant: Applicant) -> tuple:
    """What a full group's refusal of the applicant comes down to: who took the places, on what ground.

    `admitted` is the group's applicants, best priority first, and `keys` their priorities there.
    Returns two tuples: the group's side (section, establishment, places, counts by ground, reserved flags)
    and the scores (last score ahead, own score); texts are written once per distinct value of each.
    """
    establishment = seat.establishment
    my_score = applicant.score + applicant.bonus.get(establishment, 0.0)
    # Priorities sort by (-score, date, id): bisecting on a prefix counts who is ahead on each ground.
    ahead = bisect_left(keys, (-my_score, applicant.submitted_at, applicant.id))
    by_score = bisect_left(keys, (-my_score,), 0, ahead)
    by_seniority = bisect_left(keys, (-my_score, applicant.submitted_at), by_score, ahead) - by_score
    by_number = ahead - by_score - by_seniority  # same score and same moment: the id decided
    flags = ()
    if ahead < len(admitted):
        # Someone of lower priority holds a place: only a reserved slot of a flag the applicant lacks
        # allows that. Replay the choice rule to learn which flags.
        ranked = [*admitted[:ahead], applicant, *admitted[ahead:]]
        _, reserved, _ = _choose(seat.capacity, sorted(seat.reserved.items()), ranked, _flags)
        behind = {other.id for other in admitted[ahead:]}
        flags = tuple(sorted({flag for candidate, flag in reserved if candidate.id in behind}))
    counts = (by_score, by_seniority, by_number, len(admitted) - ahead)
    last = -keys[ahead - 1][0] if ahead else None  # the effective score of the last one ahead
    return (seat.section, establishment, len(admitted), counts, flags), (last, my_score)


def _full_body(section, establishment, places, counts, flags) -> str:
    names = _join([f"« {flag} »" for flag in flags]) if flags else ""
    criteria = TEXTS["criterion" if len(flags) == 1 else "criteria"].format(names=names)

    def phrase(count: int, kind: str) -> str:
        return TEXTS[f"{kind}_one" if count == 1 else f"{kind}_many"].format(criteria=criteria)

    head = TEXTS["head_one" if places == 1 else "head_many"].format(
        count=places, section=section, establishment=establishment
    )
    parts = [
        (count, kind)
        for kind, count in zip(("score", "seniority", "number", "reserved"), counts, strict=True)
        if count
    ]
    if len(parts) == 1:
        return f"{head} {phrase(*parts[0])}"
    return f"{head} : " + _join([f"{count} {phrase(count, kind)}" for count, kind in parts])


def _full_tail(last, my_score) -> str:
    if last is not None:
        return TEXTS["last_and_you"].format(last=_points(last), you=_points(my_score))
    return TEXTS["you"].format(you=_points(my_score))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def result_to_json(result: Result) -> dict:
    """The contract's output: assignments, cutoffs and explanations, each covering every applicant or group."""
    problem = result.problem
    seats = {seat.key: seat for seat in problem.seats}
    applicants = {applicant.id: applicant for applicant in problem.applicants}
    admitted, keys = {}, {}
    for key, ids in result.admitted.items():
        admitted[key] = sorted((applicants[i] for i in ids), key=lambda applicant: applicant.priority(key[0]))
        keys[key] = [applicant.priority(key[0]) for applicant in admitted[key]]

    assignments = {}
    for applicant_id in sorted(result.assignments):
        place = result.assignments[applicant_id]
        assignments[applicant_id] = None if place is None else {"establishment": place[0], "section": place[1]}

    cutoffs = {}
    for key in sorted(seats):
        seat, placed = seats[key], admitted.get(key, [])
        last = placed[-1] if placed else None
        cutoffs[seat.label] = {
            "filled": len(placed),
            "capacity": seat.capacity,
            "last_admitted": None
            if last is None
            else {"score": last.effective_score(seat.establishment), "submitted_at": _iso(last.submitted_at)},
        }

    # Some 10^5 refusals share far fewer texts (same group, same counts, same scores): each text is
    # written once per distinct value, in pieces that repeat even more.
    no_section_text = functools.cache(TEXTS["no_section"].format)
    body_text, tail_text = functools.cache(_full_body), functools.cache(_full_tail)

    # section -> establishment -> the group's refusals; a group of capacity 0 refuses on another ground.
    refusals: dict[str, dict[str, _Refusals]] = {}
    for key, seat in seats.items():
        if seat.capacity > 0:
            refusals.setdefault(seat.section, {})[seat.establishment] = _Refusals(seat, admitted[key], keys[key])

    explanations = {}
    for applicant_id in sorted(applicants):
        applicant = applicants[applicant_id]
        groups = refusals.get(applicant.section, {})
        lines = []
        for establishment in _wishes_above(applicant, result.assignments.get(applicant_id)):
            group = groups.get(establishment)
            if group is None:
                text = no_section_text(section=applicant.section, establishment=establishment)
                lines.append({"establishment": establishment, "reason": "no_section", "text": text})
            else:
                lines.append(
                    {
                        "establishment": establishment,
                        "reason": "full",
                        "text": group.text(applicant, body_text, tail_text),
                    }
                )
        explanations[applicant_id] = lines
    return {"assignments": assignments, "cutoffs": cutoffs, "explanations": explanations}


class _Refusals:
    """One group's refusals: its admitted applicants, best priority first, and the texts already written."""

    __slots__ = ("seat", "admitted", "keys", "lowest", "below", "below_body")

    def __init__(self, seat: SeatGroup, admitted: list[Applicant], keys: list[tuple]):
        self.seat, self.admitted, self.keys = seat, admitted, keys
        self.lowest = -keys[-1][0] if keys else -math.inf  # the lowest effective score admitted
        self.below: dict[float, str] = {}  # texts of refusals scored below everyone admitted, by score
        self.below_body = ""  # their common first part: every place taken on score

    def text(self, applicant: Applicant, body_text, tail_text) -> str:
        """Why the group refused the applicant, written by `body_text` and `tail_text` from `_full_facts`."""
        score = applicant.score + applicant.bonus.get(self.seat.establishment, 0.0)
        if score < self.lowest:
            # Everyone admitted scored more, and most refusals are of this kind: the group's side of the
            # facts is the same for all of them, and the scores are the last admitted's and the applicant's.
            text = self.below.get(score)
            if text is None:
                if not self.below_body:
                    self.below_body = body_text(*_full_facts(self.seat, self.admitted, self.keys, applicant)[0])
                text = self.below[score] = self.below_body + tail_text(self.lowest, score)
            return text
        body, tail = _full_facts(self.seat, self.admitted, self.keys, applicant)
        return body_text(*body) + tail_text(*tail)
