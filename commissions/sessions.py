"""Commission sessions and offers: prepare, score, allocate, derogate, validate, then offers and re-offers.

The engine (commissions.matching) is pure and takes one `section` per applicant, while sections belong to
establishments and each establishment names its own. Seat groups are keyed `("<establishment id>", "<section
code>")`. A dossier's section is the code of the section taking the child's age in each wished establishment
that has places this session; when wished establishments use different codes for that age, the dossier keeps the
most common code (ties: the code of its best-ranked wish) and only the wishes whose matching section has that
code. Those dropped wishes are listed in the dossier's `wishes` with `section: null` and shown to the commission,
which can still assign such a place by a derogation (eligibility is checked on age and wishes, not on codes).
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commissions import calendar, matching, notifications, scoring
from commissions.enums import (
    SITUATION_FLAGS,
    AnswerChannel,
    Attendance,
    DecisionSource,
    DeclineReason,
    OfferStatus,
    OverrideAction,
    SessionStatus,
)
from commissions.models import (
    CommissionSettings,
    Decision,
    Dossier,
    Offer,
    Override,
    Place,
    Regulation,
    Reservation,
    Session,
    SessionAttendance,
    SessionPlace,
    SessionSeat,
)
from commissions.services import facts_for_many
from commissions.signals import session_validated
from commissions.workflows import OFFER, SESSION
from creches.models import Establishment, PlaceOpening
from families.enums import WAITING_STATUSES, Actor, ApplicationStatus, AuditAction
from families.models import Application, Wish
from families.services import application_transition, audit
from families.workflow import APPLICATION
from portal.accounts.roles import Role
from portal.bulk import copy_insert
from portal.i18n import choice, deferred
from portal.models import Collectivite
from portal.perms import has_role
from portal.tasks import enqueue_on_commit
from portal.workflows import TransitionError

ELIGIBLE_STATUSES = (ApplicationStatus.COMPLETE, ApplicationStatus.LISTE_ATTENTE)


class SessionFrozen(ValidationError):
    def __init__(self):
        super().__init__(_("Cette commission est validée : ses décisions ne se modifient plus."), code="frozen")


def _locked_session(session, *, statuses=None):
    """Lock the session row and refuse any change once it is validated (status read from the database)."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.VALIDATED:
        raise SessionFrozen()
    if statuses is not None and locked.status not in statuses:
        raise ValidationError(_("Cette action n'est pas possible à cette étape de la commission."), code="status")
    return locked


def _required_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif : il figurera au procès-verbal."), code="reason")
    return reason


def _submitted_iso(application):
    moment = application.submitted_at or application.created_at
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Creation and preparation -------------------------------------------------------------------------------------


@transaction.atomic
def session_create(*, title, date, places_until, chair, members=(), user=None):
    """A new session in preparation, under the version of the règlement in force on its date."""
    regulation = Regulation.objects.in_force(date)
    if regulation is None:
        raise ValidationError(
            _(
                "Aucun règlement d'attribution n'est en vigueur le %(date)s : adoptez-en un avant de créer la commission."
            )
            % {"date": date.strftime("%d/%m/%Y")},
            code="regulation",
        )
    if not has_role(chair, Role.ELU, Role.MEMBRE_COMMISSION):
        raise ValidationError(_("La présidence revient à un·e élu·e ou à un membre de la commission."), code="chair")
    if places_until < date:
        raise ValidationError(_("La fin de la période des places doit suivre la date de la commission."))
    session = Session.objects.create(
        title=title, date=date, places_until=places_until, chair=chair, regulation=regulation, prepared_by=user
    )
    session.members.set(members)
    return session


def _reserved_for(capacity, reservations):
    """The section's reservations, capped so that together they never exceed the session's places."""
    reserved, left = {}, capacity
    for flag, count in sorted(reservations.items()):
        take = min(count, left)
        if take > 0:
            reserved[flag] = take
            left -= take
    return reserved


def places_sync():
    """Materialise the ledger: one Place per place declared by each opening (the missing ones are created).

    Concurrent callers may create the same rows: the unique (opening, ordinal) makes the second insert a no-op.
    """
    openings = PlaceOpening.objects.annotate(made=Count("places")).filter(made__lt=F("count"))
    Place.objects.bulk_create(
        [
            Place(opening=opening, ordinal=ordinal, section_id=opening.section_id, starts_on=opening.available_from)
            for opening in openings
            for ordinal in range(opening.made + 1, opening.count + 1)
        ],
        ignore_conflicts=True,
    )


@dataclass
class LeftOut:
    place: Place
    reason: str  # "window", "held", "offered" or "accepted"
    session: Session | None = None


@dataclass
class Preparation:
    """What preparing a session takes, and what it leaves out and why: shown before, applied by session_prepare."""

    places: list  # [(Place, reserved flag or "")], by section then start date
    left_out: list  # [LeftOut]
    dossiers: list  # [(Application, section code, wishes)] by seniority
    renewal_overdue: list  # [Application] past their renewal date: not eligible
    no_place_of_age: list  # [Application] wishing establishments with places, none of the child's age

    def left_out_by(self, reason):
        return [item for item in self.left_out if item.reason == reason]

    @property
    def held_elsewhere(self):
        return [item for item in self.left_out if item.reason in ("held", "offered")]

    @property
    def outside_window(self):
        return self.left_out_by("window")

    @property
    def taken_groups(self):
        return _groups((place, flag, None) for place, flag in self.places)

    @property
    def held_groups(self):
        return _groups((item.place, "", item.session) for item in self.held_elsewhere)

    @property
    def window_groups(self):
        return _groups((item.place, "", None) for item in self.outside_window)

    @property
    def accepted_count(self):
        return len(self.left_out_by("accepted"))


def _groups(items):
    """Places gathered by section (and holding session): how many, from when, how many reserved."""
    groups = {}
    for place, flag, session in items:
        key = (place.section_id, session.pk if session else None)
        group = groups.setdefault(
            key, {"section": place.section, "session": session, "count": 0, "first": place.starts_on, "reserved": 0}
        )
        group["count"] += 1
        group["reserved"] += bool(flag)
        group["first"] = min(group["first"], place.starts_on)
    return sorted(groups.values(), key=lambda g: (g["section"].establishment.name, g["section"].min_age_months))


def _hold_reason(hold, offers):
    if hold.session.status != SessionStatus.VALIDATED:
        return "held"
    return "accepted" if offers.get(hold.place_id) == OfferStatus.ACCEPTED else "offered"


def session_plan(session, *, lock=False):
    """The places this session may give and the requests it examines (see Preparation).

    With `lock`, the candidate places are locked (in id order, so that two preparations never deadlock) before
    their holds are read: a concurrent preparation waits, then sees this one's holds once it commits.
    """
    places_sync()
    candidates = Place.objects.filter(section__establishment__is_active=True, ordinal__lte=F("opening__count"))
    if lock:
        list(candidates.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    places = list(candidates.select_related("section__establishment").order_by("section_id", "starts_on", "pk"))
    holds = {
        hold.place_id: hold
        for hold in SessionPlace.objects.filter(held=True, place__in=[p.pk for p in places])
        .exclude(session=session)
        .select_related("session")
    }
    offers = dict(
        Offer.objects.filter(place__in=list(holds), status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED])
        .order_by("created_at")
        .values_list("place_id", "status")
    )
    taken, left_out = [], []
    for place in places:
        if place.pk in holds:
            hold = holds[place.pk]
            left_out.append(LeftOut(place, _hold_reason(hold, offers), hold.session))
        elif place.starts_on > session.places_until:
            left_out.append(LeftOut(place, "window"))
        else:
            taken.append(place)
    reservations = {}
    for reservation in Reservation.objects.filter(section__in={p.section_id for p in taken}):
        reservations.setdefault(reservation.section_id, {})[reservation.flag] = reservation.count
    flagged = []
    by_section = {}
    for place in taken:
        by_section.setdefault(place.section_id, []).append(place)
    for section_id, section_places in by_section.items():
        flags = [
            flag
            for flag, count in _reserved_for(len(section_places), reservations.get(section_id, {})).items()
            for _i in range(count)
        ]
        # Reserved places are the earliest ones: the families they are meant for get in first.
        flagged += [(place, flags[i] if i < len(flags) else "") for i, place in enumerate(section_places)]
    dossiers, overdue, no_age = _eligible(session, taken)
    return Preparation(
        places=flagged, left_out=left_out, dossiers=dossiers, renewal_overdue=overdue, no_place_of_age=no_age
    )


class _SeatView:
    """The section of a group of places, as compatible_wishes reads a seat."""

    def __init__(self, section):
        # pk is the section's id until session_prepare replaces it with its SessionSeat's.
        self.section, self.pk = section, section.pk


def _eligible(session, places):
    sections = {}
    for place in sorted(places, key=lambda p: (p.section.min_age_months, p.section_id)):
        sections.setdefault(place.section_id, place.section)
    seats_by_establishment = {}
    for section in sections.values():
        seats_by_establishment.setdefault(section.establishment_id, []).append(_SeatView(section))
    applications = (
        Application.objects.filter(
            Exists(Wish.objects.filter(application=OuterRef("pk"), establishment__in=list(seats_by_establishment))),
            status__in=ELIGIBLE_STATUSES,
        )
        .select_related("family", "child")
        .order_by("submitted_at", "pk")
    )
    applications = list(applications)
    # The wishes as plain rows (a preparation reads thousands of them): the establishment's id, name, commune.
    wished_by = {}
    for row in (
        Wish.objects.filter(application__in=[application.pk for application in applications])
        .order_by("application", "rank")
        .values_list("application_id", "establishment_id", "establishment__name", "establishment__commune")
        .iterator(chunk_size=5000)
    ):
        wished_by.setdefault(row[0], []).append(row[1:])
    codes = dict(
        Establishment.objects.filter(pk__in={row[0] for rows in wished_by.values() for row in rows}).values_list(
            "pk", "code_insee"
        )
    )
    dossiers, overdue, no_age = [], [], []
    for application in applications:
        application.wished_establishments = tuple(
            scoring.WishedEstablishment(id=pk, name=name, commune=commune, code_insee=codes.get(pk, ""))
            for pk, name, commune in wished_by.get(application.pk, ())
        )
        if application.renewal_due_on is not None and application.renewal_due_on < session.date:
            overdue.append(application)
            continue
        wished = [(wished.id, wished.name) for wished in application.wished_establishments]
        code, wishes = compatible_wishes(application.age_at_start_months, wished, seats_by_establishment)
        if not code:
            no_age.append(application)
            continue
        dossiers.append((application, code, wishes))
    return dossiers, overdue, no_age


def _facts_json(facts):
    return {
        "situations": sorted(facts.situations),
        "quotient_familial": facts.quotient_familial,
        "months_waiting": facts.months_waiting,
        "commissions_passed": facts.commissions_passed,
        "refused_offers": facts.refused_offers,
        "sibling_establishments": sorted(facts.sibling_establishments),
        "residence": facts.residence,
        "establishments": [{"id": e.id, "name": e.name, "commune": e.commune} for e in facts.establishments],
    }


def _breakdown_json(score, labels_en):
    # Each detail is kept as a message, written in the language of whoever reads the dossier (Dossier.breakdown_lines).
    lines = [
        {
            "code": line.code,
            "label": line.label,
            "label_en": labels_en.get(line.code, ""),
            "detail": line.detail.as_json(),
            "points": line.points,
        }
        for line in score.lines
    ]
    lines += [
        {
            "code": line.code,
            "label": line.label,
            "label_en": labels_en.get(line.code, ""),
            "detail": line.detail.as_json(),
            "points": line.points,
            "establishment_id": line.establishment_id,
            "establishment_name": line.establishment_name,
        }
        for line in score.bonus_lines
    ]
    return lines


def compatible_wishes(age_months, wished, seats_by_establishment):
    """(section code, wishes): see the module's docstring. `wished` is [(establishment id, name)] by rank."""
    matches = []
    for establishment_id, name in wished:
        seat = next(
            (s for s in seats_by_establishment.get(establishment_id, ()) if s.section.takes_age(age_months)), None
        )
        matches.append((establishment_id, name, seat))
    codes = [seat.section.code for _id, _name, seat in matches if seat is not None]
    if not codes:
        return "", []
    counts = Counter(codes)
    best = max(counts.values())
    code = next(c for c in codes if counts[c] == best)  # ties: the best-ranked wish's code
    wishes = [
        {
            "establishment": establishment_id,
            "name": name,
            "section": seat.section.code if seat is not None and seat.section.code == code else None,
            "seat": seat.pk if seat is not None else None,
        }
        for establishment_id, name, seat in matches
    ]
    return code, wishes


def applications_move(applications, *, to_status, actor, user=None, reason=""):
    """application_transition for many requests at once, without notification: the same workflow (locks, checks,
    one log row each) in a few statements."""
    APPLICATION.transition_many(
        applications, to_status, actor=actor, user=user, note=reason, changes={"status_changed_at": timezone.now()}
    )


def session_preview(session):
    """What preparing `session` would take now, without taking it (the page shown before the agent confirms)."""
    if session.status != SessionStatus.PREPARATION:
        raise ValidationError(_("Cette commission est déjà préparée."), code="status")
    return session_plan(session)


@transaction.atomic
def session_prepare(*, session, user):
    """Take the free places of the ledger and every eligible request; freeze their facts and score; number them."""
    session = _locked_session(session, statuses=[SessionStatus.PREPARATION])
    plan = session_plan(session, lock=True)
    if not plan.places:
        raise ValidationError(
            _(
                "Aucune place libre ne s'ouvre d'ici le %(end)s : déclarez les places avant de préparer "
                "(%(held)s places sont tenues par une autre commission, %(window)s s'ouvrent plus tard)."
            )
            % {
                "end": session.places_until.strftime("%d/%m/%Y"),
                "held": len(plan.held_elsewhere),
                "window": len(plan.outside_window),
            },
            code="no_seats",
        )
    by_section = {}
    for place, flag in plan.places:
        by_section.setdefault(place.section_id, []).append((place, flag))
    seats = SessionSeat.objects.bulk_create(
        SessionSeat(
            session=session,
            section=items[0][0].section,
            capacity=len(items),
            reserved=dict(Counter(flag for _place, flag in items if flag)),
        )
        for items in by_section.values()
    )
    seat_of = {seat.section_id: seat for seat in seats}
    # The partial unique index on held places is the last word if a preparation ever got past the lock.
    SessionPlace.objects.bulk_create(
        SessionPlace(session=session, seat=seat_of[place.section_id], place=place, reserved_for=flag)
        for place, flag in plan.places
    )
    # Criterion labels frozen in French with their English beside them, read in the reader's language
    # (Dossier.breakdown_lines), whatever the language of whoever prepared the session.
    with translation.override("fr"):
        rules = session.regulation.rules()
    labels_en = dict(session.regulation.criteria.values_list("code", "label_en"))
    # One statement per kind of row: the requests locked, then dossiers, log entries and statuses in bulk.
    locked = dict(
        Application.objects.select_for_update()
        .filter(pk__in=[application.pk for application, _c, _w in plan.dossiers], status__in=ELIGIBLE_STATUSES)
        .values_list("pk", "status")
    )
    taken = [(application, code, wishes) for application, code, wishes in plan.dossiers if application.pk in locked]
    for application, _code, _wishes in taken:
        application.status = locked[application.pk]  # as read under the lock
    all_facts = facts_for_many([application for application, _c, _w in taken], session.date)
    scores = scoring.score_many([all_facts[application.pk] for application, _c, _w in taken], rules)
    dossiers = []
    for n, ((application, code, wishes), score) in enumerate(zip(taken, scores, strict=True), start=1):
        facts = all_facts[application.pk]
        for wish in wishes:
            wish["seat"] = seat_of[wish["seat"]].pk if wish["seat"] is not None else None
        dossiers.append(
            Dossier(
                session=session,
                application=application,
                number=f"S{session.pk}-{n:04d}",
                age_months=application.age_at_start_months,
                section_code=code,
                wishes=wishes,
                facts=_facts_json(facts),
                score=score.total,
                breakdown=_breakdown_json(score, labels_en),
                bonus={str(key): value for key, value in score.bonus.items()},
                flags=sorted({SITUATION_FLAGS[s] for s in facts.situations if s in SITUATION_FLAGS}),
            )
        )
    # COPY rather than bulk_create: psycopg would quote their 1.3 MB of JSON in Python (portal/bulk.py).
    copy_insert(Dossier, dossiers)
    applications_move(
        [application for application, _c, _w in taken],
        to_status=ApplicationStatus.EN_COMMISSION,
        actor=Actor.STAFF,
        user=user,
        reason=session.title,
    )
    SESSION.transition(
        session,
        SessionStatus.OPEN,
        actor=Actor.STAFF,
        user=user,
        changes={"prepared_by": user, "prepared_at": timezone.now()},
    )
    return session


@transaction.atomic
def session_attendance_record(*, session, present, excused, user=None):
    """Who of the chair and members attends (the others are absent); recorded before validation, for the minutes."""
    session = _locked_session(session)
    composition = {session.chair_id, *session.members.values_list("pk", flat=True)}
    present_ids = {member.pk for member in present if member is not None}
    excused_ids = {member.pk for member in excused if member is not None}
    if (present_ids | excused_ids) - composition:
        raise ValidationError(_("Seuls la présidence et les membres de la commission figurent aux présences."))
    if present_ids & excused_ids:
        raise ValidationError(_("Une même personne ne peut être à la fois présente et excusée."))
    SessionAttendance.objects.filter(session=session).delete()
    SessionAttendance.objects.bulk_create(
        SessionAttendance(
            session=session,
            user_id=member,
            status=Attendance.PRESENT
            if member in present_ids
            else Attendance.EXCUSED
            if member in excused_ids
            else Attendance.ABSENT,
        )
        for member in sorted(composition)
    )
    return session


# --- Scores and the engine ------------------------------------------------------------------------------------------


@transaction.atomic
def session_adjust(*, dossier, points, reason, user):
    """The commission adds or removes points to a dossier; the reason goes to the procès-verbal."""
    session = _locked_session(dossier.session, statuses=[SessionStatus.OPEN])
    reason = _required_reason(reason)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk, session=session)
    dossier.adjustment, dossier.adjustment_reason = points, reason
    dossier.save(update_fields=["adjustment", "adjustment_reason"])
    Override.objects.create(
        session=session,
        dossier=dossier,
        action=OverrideAction.ADJUST,
        detail=scoring.signed_points_text(points),
        reason=reason,
        user=user,
    )
    return dossier


def _seat_key(seat):
    return (str(seat.section.establishment_id), seat.section.code)


def _applicant(dossier, wishes=None, section=None):
    return {
        "id": dossier.number,
        "score": float(dossier.effective_score),
        "submitted_at": _submitted_iso(dossier.application),
        "section": section or dossier.section_code,
        "wishes": wishes
        if wishes is not None
        else [str(wish["establishment"]) for wish in dossier.wishes if wish["section"]],
        "flags": list(dossier.flags),
        "bonus": {key: float(value) for key, value in dossier.bonus.items()},
    }


def _seat_json(seat, capacity=None, reserved=None):
    establishment, section = _seat_key(seat)
    return {
        "establishment": establishment,
        "section": section,
        "capacity": seat.capacity if capacity is None else capacity,
        "reserved": dict(seat.reserved if reserved is None else reserved),
    }


def _humanise(lines, seats):
    """The engine names establishments by id and sections by code: put the names families know instead."""
    names = {key: (seat.section.establishment.name, seat.section.name) for key, seat in seats.items()}
    out = []
    for line in lines:
        text = line["text"]
        for (establishment, code), (name, section_name) in names.items():
            if establishment != line["establishment"]:
                continue
            text = re.sub(
                rf"section {re.escape(code)} de {establishment}(?!\d)", f"section « {section_name} » de {name}", text
            )
        establishment_name = next(
            (name for (e, _c), (name, _s) in names.items() if e == line["establishment"]), line["establishment"]
        )
        text = re.sub(rf"à {re.escape(line['establishment'])} lors", f"à {establishment_name} lors", text)
        out.append({**line, "name": establishment_name, "text": text})
    return out


def _all_seats(session):
    return {_seat_key(seat): seat for seat in session.seats.select_related("section__establishment")}


@transaction.atomic
def session_allocate(*, session):
    """Run the engine on the session's dossiers and record its proposal (replacing any earlier one)."""
    session = _locked_session(session, statuses=[SessionStatus.OPEN])
    seats = _all_seats(session)
    dossiers = list(session.dossiers.select_related("application").order_by("number"))
    data = {
        "seats": [_seat_json(seat) for seat in seats.values()],
        "applicants": [_applicant(dossier) for dossier in dossiers],
    }
    result = matching.result_to_json(matching.allocate(matching.parse_problem(data)))
    Decision.objects.filter(dossier__session=session).delete()
    Decision.objects.bulk_create(
        Decision(
            dossier=dossier,
            seat=None
            if result["assignments"][dossier.number] is None
            else seats[
                (
                    result["assignments"][dossier.number]["establishment"],
                    result["assignments"][dossier.number]["section"],
                )
            ],
            source=DecisionSource.ENGINE,
            explanation=_humanise(result["explanations"][dossier.number], seats),
        )
        for dossier in dossiers
    )
    places_assign(session)
    # Cutoffs are not stored: commissions.figures computes them from the final decisions, for every reader.
    session.allocated_at = timezone.now()
    session.save(update_fields=["allocated_at"])
    return result


def _priority(decision):
    """The engine's order at the decision's establishment: effective score there, seniority, number."""
    dossier = decision.dossier
    establishment = str(decision.seat.section.establishment_id)
    return (
        -(dossier.effective_score + dossier.bonus.get(establishment, 0)),
        _submitted_iso(dossier.application),
        dossier.number,
    )


def places_assign(session):
    """Give each decision with a seat one of that seat's places of the ledger.

    Reserved places go first to the dossiers carrying their flag (best first); the other dossiers take the open
    places, then the reserved places no dossier of their public was left for (the engine never wastes them).
    """
    session_places = list(session.session_places.select_related("place").order_by("place__starts_on", "place_id"))
    decisions = list(
        Decision.objects.filter(dossier__session=session, seat__isnull=False).select_related(
            "dossier__application", "seat__section"
        )
    )
    by_seat = {}
    for decision in decisions:
        by_seat.setdefault(decision.seat_id, []).append(decision)
    for seat_id, seat_decisions in by_seat.items():
        seat_decisions.sort(key=_priority)
        free = [sp for sp in session_places if sp.seat_id == seat_id]
        given = {}
        for flag in sorted({sp.reserved_for for sp in free if sp.reserved_for}):
            reserved = [sp for sp in free if sp.reserved_for == flag]
            for decision in [d for d in seat_decisions if d.pk not in given and flag in d.dossier.flags]:
                if not reserved:
                    break
                given[decision.pk] = reserved.pop(0)
                free.remove(given[decision.pk])
        free.sort(key=lambda sp: (bool(sp.reserved_for), sp.place.starts_on, sp.place_id))
        for decision in seat_decisions:
            if decision.pk not in given and free:
                given[decision.pk] = free.pop(0)
        for decision in seat_decisions:
            decision.place_id = given[decision.pk].place_id if decision.pk in given else None
    Decision.objects.filter(dossier__session=session, seat__isnull=True).update(place=None)
    Decision.objects.bulk_update(decisions, ["place"])


def _commission_explanation(reason):
    """An override replaces the engine's explanation with the commission's reason."""
    return [{"establishment": "", "reason": "override", "text": reason}]


# --- Derogations ----------------------------------------------------------------------------------------------------


def _check_eligible(dossier, seat):
    wished = {wish["establishment"] for wish in dossier.wishes}
    if seat.section.establishment_id not in wished:
        raise ValidationError(
            _("Le dossier %(number)s n'a pas demandé %(establishment)s.")
            % {"number": dossier.number, "establishment": seat.section.establishment.name},
            code="wish",
        )
    if not seat.section.takes_age(dossier.age_months):
        raise ValidationError(
            _("La section « %(section)s » n'accueille pas un enfant de %(age)s mois à l'entrée.")
            % {"section": seat.section.name, "age": dossier.age_months},
            code="age",
        )


def _decision_for(dossier):
    decision = Decision.objects.select_for_update().filter(dossier=dossier).first()
    return decision or Decision(dossier=dossier, source=DecisionSource.OVERRIDE)


@transaction.atomic
def override_assign(*, dossier, seat, reason, user):
    """Give `dossier` a place of `seat`, within its capacity, against the engine's proposal."""
    session = _locked_session(dossier.session, statuses=[SessionStatus.OPEN])
    reason = _required_reason(reason)
    seat = SessionSeat.objects.select_for_update().select_related("section__establishment").get(pk=seat.pk)
    if seat.session_id != session.pk:
        raise ValidationError(_("Cette place n'appartient pas à cette commission."))
    _check_eligible(dossier, seat)
    taken = Decision.objects.filter(seat=seat).exclude(dossier=dossier).count()
    if taken >= seat.capacity:
        raise ValidationError(
            _("Les %(capacity)s places de « %(seat)s » sont déjà attribuées : retirez d'abord une attribution.")
            % {"capacity": seat.capacity, "seat": seat.section},
            code="capacity",
        )
    decision = _decision_for(dossier)
    decision.seat, decision.source, decision.reason = seat, DecisionSource.OVERRIDE, reason
    decision.explanation = _commission_explanation(reason)
    decision.save()
    Override.objects.create(
        session=session,
        dossier=dossier,
        action=OverrideAction.ASSIGN,
        detail=str(seat.section),
        reason=reason,
        user=user,
    )
    places_assign(session)
    decision.refresh_from_db()
    return decision


@transaction.atomic
def override_unassign(*, dossier, reason, user):
    session = _locked_session(dossier.session, statuses=[SessionStatus.OPEN])
    reason = _required_reason(reason)
    decision = _decision_for(dossier)
    if decision.seat_id is None:
        raise ValidationError(_("Le dossier %(number)s n'a pas de place à retirer.") % {"number": dossier.number})
    detail = str(decision.seat.section)
    decision.seat, decision.place, decision.source, decision.reason = None, None, DecisionSource.OVERRIDE, reason
    decision.explanation = _commission_explanation(reason)
    decision.save()
    Override.objects.create(
        session=session, dossier=dossier, action=OverrideAction.UNASSIGN, detail=detail, reason=reason, user=user
    )
    places_assign(session)
    return decision


@transaction.atomic
def override_swap(*, dossier, other, reason, user):
    """Exchange the places (or lack of place) of two dossiers of the session."""
    session = _locked_session(dossier.session, statuses=[SessionStatus.OPEN])
    reason = _required_reason(reason)
    if other.session_id != session.pk or other.pk == dossier.pk:
        raise ValidationError(_("Choisissez un autre dossier de cette commission."))
    first, second = _decision_for(dossier), _decision_for(other)
    if first.seat_id is None and second.seat_id is None:
        raise ValidationError(_("Aucun des deux dossiers n'a de place : il n'y a rien à échanger."))
    if second.seat is not None:
        _check_eligible(dossier, second.seat)
    if first.seat is not None:
        _check_eligible(other, first.seat)
    first.seat, second.seat = second.seat, first.seat
    first.place, second.place = second.place, first.place
    for decision in (first, second):
        decision.source, decision.reason = DecisionSource.OVERRIDE, reason
        decision.explanation = _commission_explanation(reason)
        decision.save()
    Override.objects.create(
        session=session,
        dossier=dossier,
        other=other,
        action=OverrideAction.SWAP,
        detail=other.number,
        reason=reason,
        user=user,
    )
    places_assign(session)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


# --- Validation and offers ------------------------------------------------------------------------------------------


def _subdivision():
    return calendar.subdivision_of([commune.code_insee for commune in Collectivite.current_territory()])


def offer_deadline(notified_on):
    """The family's last day to answer: the collectivité's delay from the day it is told, holidays not counted."""
    return calendar.deadline_after(notified_on, CommissionSettings.current().offer_response_days, _subdivision())


def _moment(on):
    """The date and time an action is recorded at: now, or the given day (demo data replaying a past session)."""
    if on is None:
        return timezone.localdate(), timezone.now()
    return on, timezone.make_aware(datetime.datetime.combine(on, datetime.time(18, 0)))


def _make_offer(*, dossier, seat, place, on=None, notify=True):
    notified_on, _at = _moment(on)
    offer = Offer.objects.create(
        application=dossier.application,
        session=dossier.session,
        dossier=dossier,
        section=seat.section,
        establishment=seat.section.establishment,
        place=place,
        notified_on=notified_on,
        deadline=offer_deadline(notified_on),
    )
    if notify:
        notifications.offer_made(offer)
    return offer


@transaction.atomic
def session_validate(*, session, user, on=None, notify=True):
    """Freeze the session and apply its decisions: offers to the placed, the waiting list for the others."""
    session = _locked_session(session, statuses=[SessionStatus.OPEN])
    if refusal := SESSION.refusal(session, SessionStatus.VALIDATED, Actor.STAFF, user):
        raise TransitionError(refusal)  # before any decision is applied
    today, now = _moment(on)
    if today < session.date:
        raise ValidationError(
            _("La commission se réunit le %(date)s : elle ne peut pas être validée avant cette date.")
            % {"date": session.date.strftime("%d/%m/%Y")},
            code="too_early",
        )
    dossiers = session.dossiers.select_related(
        "application__family__account", "decision__seat__section__establishment", "decision__place"
    )
    unplaced = []
    for dossier in dossiers.order_by("number"):
        decision = getattr(dossier, "decision", None)
        seat = decision.seat if decision is not None else None
        to_status = ApplicationStatus.PROPOSITION if seat else ApplicationStatus.LISTE_ATTENTE
        application_transition(
            application=dossier.application,
            to_status=to_status,
            actor=Actor.STAFF,
            user=user,
            reason=session.title,
            notify=False,
        )
        if seat:
            _make_offer(dossier=dossier, seat=seat, place=decision.place, on=on, notify=notify)
        else:
            unplaced.append(dossier.application)
            if notify:
                notifications.not_placed(dossier)
        if notify:
            enqueue_on_commit("commissions.tasks.build_letter", dossier.pk)
    # No family without a solution: apps that follow up those left without a place listen (rpe).
    session_validated.send(sender=Session, session=session, unplaced=unplaced)
    # The places nobody received go back to the ledger for the next session.
    session.session_places.exclude(place__in=Decision.objects.filter(dossier__session=session).values("place")).update(
        held=False
    )
    SESSION.transition(
        session,
        SessionStatus.VALIDATED,
        actor=Actor.STAFF,
        user=user,
        changes={"validated_at": now, "validated_by": user},
    )
    enqueue_on_commit("commissions.tasks.build_minutes", session.pk)
    return session


def _locked_pending_offer(offer):
    locked = Offer.objects.select_for_update().select_related("section__establishment", "dossier").get(pk=offer.pk)
    if locked.status != OfferStatus.PENDING:
        raise ValidationError(_("Cette proposition a déjà reçu une réponse."), code="answered")
    return locked


def _recorded(actor, user, offer, answer, channel, note):
    """The history's words for an answer the guichet records for the family (phone, desk), and its audit line."""
    if actor != Actor.STAFF:
        return ""
    if channel not in AnswerChannel.values:
        raise ValidationError(_("Indiquez comment la famille a répondu."), code="channel")
    # Layouts only, nothing to translate in them: the answer and the channel are translated when read.
    text = deferred("%(answer)s %(how)s", answer=deferred(answer), how=choice(AnswerChannel(channel)))
    text = text if not note else deferred("%(text)s — %(note)s", text=text, note=note)
    audit(
        user=user,
        application=offer.application,
        action=AuditAction.UPDATE,
        detail=deferred(
            gettext_noop("proposition de place (%(establishment)s) : %(text)s"),
            establishment=offer.establishment.name,
            text=text,
        ),
    )
    return text


@transaction.atomic
def offer_accept(*, offer, user, actor=Actor.FAMILY, channel="", note="", on=None, notify=True):
    """The family takes the place: its other waiting requests for the child are closed.

    The guichet may record an answer the family gave by phone or at the desk: `actor=Actor.STAFF`, the channel
    and a note go to the request's history and the audit log.
    """
    offer = _locked_pending_offer(offer)
    today, now = _moment(on)
    if offer.deadline < today:
        raise ValidationError(_("Le délai de réponse est dépassé."), code="late")
    application = offer.application
    recorded = _recorded(actor, user, offer, gettext_noop("Place acceptée"), channel, note.strip())
    application_transition(
        application=application, to_status=ApplicationStatus.ACCEPTEE, actor=actor, user=user, reason=recorded
    )
    OFFER.transition(offer, OfferStatus.ACCEPTED, actor=actor, user=user, note=recorded, changes={"responded_at": now})
    reason = deferred(
        gettext_noop("Place acceptée à %(establishment)s (demande %(number)s)."),
        establishment=offer.establishment.name,
        number=application.number,
    )
    others = Application.objects.filter(
        child_id=application.child_id, status__in=[*WAITING_STATUSES, ApplicationStatus.PROPOSITION]
    )
    for other in others.exclude(pk=application.pk):
        for pending in other.offers.pending():
            OFFER.transition(
                pending,
                OfferStatus.DECLINED,
                actor=actor,
                user=user,
                note=reason,
                changes={"responded_at": now, "decline_reason": reason.french()},
            )
        application_transition(
            application=other, to_status=ApplicationStatus.ANNULEE, actor=actor, user=user, reason=reason
        )
    if notify:
        notifications.admission_to_directors(offer)
    return offer


@transaction.atomic
def offer_decline(
    *, offer, user, reason, actor=Actor.FAMILY, status=OfferStatus.DECLINED, channel="", on=None, notify=True, kind=""
):
    """The family (or the deadline) turns the place down; the freed place is offered to the next dossier at once.

    With `actor=Actor.STAFF` the guichet records the family's answer given by phone or at the desk (`channel`).
    """
    if kind and kind not in DeclineReason.values:
        raise ValidationError(_("Choisissez la raison du refus dans la liste."), code="kind")
    if status == OfferStatus.EXPIRED:
        # The deadline has no words of its own: the kind is the reason, read in the reader's language.
        kind, reason, note = DeclineReason.EXPIRED, "", choice(DeclineReason.EXPIRED)
    else:
        reason = note = _required_reason(reason)
    offer = _locked_pending_offer(offer)
    recorded = _recorded(actor, user, offer, gettext_noop("Place refusée"), channel, reason)
    application_transition(
        application=offer.application,
        to_status=ApplicationStatus.REFUSEE,
        actor=actor,
        user=user,
        reason=recorded or note,
    )
    OFFER.transition(
        offer,
        status,
        actor=actor,
        user=user,
        note=recorded or note,
        changes={"responded_at": _moment(on)[1], "decline_reason": reason, "decline_kind": kind},
    )
    seat = SessionSeat.objects.select_related("section__establishment").get(
        session=offer.session, section=offer.section
    )
    new_offer = reoffer(seat=seat, freed_by=offer.dossier, place=offer.place, on=on, notify=notify)
    if new_offer is None:
        # Nobody of this session can take it: the place is free for the next session, and only for it.
        SessionPlace.objects.filter(session=offer.session, place=offer.place).update(held=False)
    return offer, new_offer


@transaction.atomic
def reoffer(*, seat, freed_by, place=None, on=None, notify=True):
    """Run the engine over the session's dossiers still without a place, for one freed place of `seat`."""
    session = Session.objects.select_for_update().get(pk=seat.session_id)
    establishment = str(seat.section.establishment_id)
    candidates = [
        dossier
        for dossier in session.dossiers.select_related("application", "decision").filter(
            application__status=ApplicationStatus.LISTE_ATTENTE
        )
        if getattr(dossier, "decision", None) is not None
        and dossier.decision.seat_id is None
        and seat.section.takes_age(dossier.age_months)
        and seat.section.establishment_id in {wish["establishment"] for wish in dossier.wishes}
    ]
    if not candidates:
        return None
    data = {
        "seats": [_seat_json(seat, capacity=1, reserved={})],
        "applicants": [_applicant(d, wishes=[establishment], section=seat.section.code) for d in candidates],
    }
    result = matching.allocate(matching.parse_problem(data))
    winner = next(d for d in candidates if result.assignments[d.number] is not None)
    message = deferred(
        gettext_noop("Place libérée par le refus de la proposition faite au dossier %(number)s."),
        number=freed_by.number,
    )
    reason = message.french()  # the decision and the override belong to the French procès-verbal
    decision = Decision.objects.select_for_update().get(pk=winner.decision.pk)
    decision.seat, decision.place, decision.source, decision.reason = seat, place, DecisionSource.REOFFER, reason
    # The engine's line saying this establishment was full is no longer true.
    decision.explanation = [line for line in decision.explanation if line.get("establishment") != establishment]
    decision.save(update_fields=["seat", "place", "source", "reason", "explanation"])
    Override.objects.create(
        session=session,
        dossier=winner,
        other=freed_by,
        action=OverrideAction.REOFFER,
        detail=str(seat.section),
        reason=reason,
    )
    application_transition(
        application=winner.application,
        to_status=ApplicationStatus.PROPOSITION,
        actor=Actor.SYSTEM,
        reason=message,
        notify=False,
    )
    offer = _make_offer(dossier=winner, seat=seat, place=place, on=on, notify=notify)
    if notify:
        enqueue_on_commit("commissions.tasks.build_letter", winner.pk)
    return offer


def offers_expire(today=None, *, notify=True):
    """Pending offers past their deadline count as declined by the system, and their places are offered again."""
    today = today or timezone.localdate()
    count = 0
    for offer in Offer.objects.pending().filter(deadline__lt=today).order_by("deadline", "pk"):
        offer_decline(
            offer=offer,
            user=None,
            reason="",
            actor=Actor.SYSTEM,
            status=OfferStatus.EXPIRED,
            on=None if today == timezone.localdate() else today,
            notify=notify,
        )
        count += 1
    return count
