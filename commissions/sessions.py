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

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions import matching, notifications, scoring
from commissions.enums import (
    SITUATION_FLAGS,
    AnswerChannel,
    DecisionSource,
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
    Regulation,
    Reservation,
    Session,
    SessionSeat,
)
from commissions.services import facts_for
from creches.models import PlaceOpening, Section
from families.enums import WAITING_STATUSES, Actor, ApplicationStatus, AuditAction
from families.models import Application, Wish
from families.services import application_transition, audit
from portal.accounts.roles import Role

ELIGIBLE_STATUSES = (ApplicationStatus.COMPLETE, ApplicationStatus.LISTE_ATTENTE)
EXPIRED_REASON = "délai dépassé"


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
    if not chair.has_role(Role.ELU, Role.MEMBRE_COMMISSION):
        raise ValidationError(_("La présidence revient à un·e élu·e ou à un membre de la commission."), code="chair")
    if places_until < date:
        raise ValidationError(_("La fin de la période des places doit suivre la date de la commission."))
    session = Session.objects.create(
        title=title, date=date, places_until=places_until, chair=chair, regulation=regulation, prepared_by=user
    )
    session.members.set(members)
    return session


def _reserved_for(section_id, capacity, reservations):
    """The section's reservations, capped so that together they never exceed the session's places."""
    reserved, left = {}, capacity
    for flag, count in sorted(reservations.get(section_id, {}).items()):
        take = min(count, left)
        if take > 0:
            reserved[flag] = take
            left -= take
    return reserved


def seats_for(session):
    """(section, capacity, reserved) of the places opening between the session's date and `places_until`."""
    totals = (
        PlaceOpening.objects.filter(
            available_from__gte=session.date,
            available_from__lte=session.places_until,
            section__establishment__is_active=True,
        )
        .values("section")
        .annotate(places=Sum("count"))
    )
    capacities = {row["section"]: row["places"] for row in totals if row["places"]}
    reservations = {}
    for reservation in Reservation.objects.filter(section__in=capacities):
        reservations.setdefault(reservation.section_id, {})[reservation.flag] = reservation.count
    sections = Section.objects.filter(pk__in=capacities).select_related("establishment")
    return [
        (section, capacities[section.pk], _reserved_for(section.pk, capacities[section.pk], reservations))
        for section in sections
    ]


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


def _breakdown_json(score):
    lines = [
        {"code": line.code, "label": line.label, "detail": line.detail, "points": line.points} for line in score.lines
    ]
    lines += [
        {
            "code": line.code,
            "label": line.label,
            "detail": line.detail,
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


@transaction.atomic
def session_prepare(*, session, user):
    """Take the places opening and every eligible request; freeze their facts and score; number them."""
    session = _locked_session(session, statuses=[SessionStatus.PREPARATION])
    seats = []
    for section, capacity, reserved in seats_for(session):
        seats.append(
            SessionSeat.objects.create(session=session, section=section, capacity=capacity, reserved=reserved)
        )
    if not seats:
        raise ValidationError(
            _("Aucune place ne s'ouvre entre le %(start)s et le %(end)s : déclarez les places avant de préparer.")
            % {"start": session.date.strftime("%d/%m/%Y"), "end": session.places_until.strftime("%d/%m/%Y")},
            code="no_seats",
        )
    seats_by_establishment = {}
    for seat in sorted(seats, key=lambda s: (s.section.min_age_months, s.section.pk)):
        seats_by_establishment.setdefault(seat.section.establishment_id, []).append(seat)
    applications = (
        Application.objects.filter(
            Exists(Wish.objects.filter(application=OuterRef("pk"), establishment__in=list(seats_by_establishment))),
            status__in=ELIGIBLE_STATUSES,
        )
        .select_related("family", "child")
        .order_by("submitted_at", "pk")
    )
    rules = session.regulation.rules()
    n = 0
    for application in applications.select_for_update(of=("self",)):
        wished = [
            (wish.establishment_id, wish.establishment.name)
            for wish in application.wishes.select_related("establishment").order_by("rank")
        ]
        code, wishes = compatible_wishes(application.age_at_start_months, wished, seats_by_establishment)
        if not code:
            continue  # no place of its age in any wished establishment this time
        facts = facts_for(application, session.date)
        score = scoring.score(facts, rules)
        n += 1
        Dossier.objects.create(
            session=session,
            application=application,
            number=f"S{session.pk}-{n:04d}",
            age_months=application.age_at_start_months,
            section_code=code,
            wishes=wishes,
            facts=_facts_json(facts),
            score=score.total,
            breakdown=_breakdown_json(score),
            bonus={str(key): value for key, value in score.bonus.items()},
            flags=sorted({SITUATION_FLAGS[s] for s in facts.situations if s in SITUATION_FLAGS}),
        )
        application_transition(
            application=application,
            to_status=ApplicationStatus.EN_COMMISSION,
            actor=Actor.STAFF,
            user=user,
            reason=session.title,
            notify=False,
        )
    session.status = SessionStatus.OPEN
    session.prepared_by, session.prepared_at = user, timezone.now()
    session.save(update_fields=["status", "prepared_by", "prepared_at"])
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
    session.cutoffs = {
        str(seats[tuple(label.split("/", 1))].pk): cutoff for label, cutoff in result["cutoffs"].items()
    }
    session.allocated_at = timezone.now()
    session.save(update_fields=["cutoffs", "allocated_at"])
    return result


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
    decision.save()
    Override.objects.create(
        session=session,
        dossier=dossier,
        action=OverrideAction.ASSIGN,
        detail=str(seat.section),
        reason=reason,
        user=user,
    )
    return decision


@transaction.atomic
def override_unassign(*, dossier, reason, user):
    session = _locked_session(dossier.session, statuses=[SessionStatus.OPEN])
    reason = _required_reason(reason)
    decision = _decision_for(dossier)
    if decision.seat_id is None:
        raise ValidationError(_("Le dossier %(number)s n'a pas de place à retirer.") % {"number": dossier.number})
    detail = str(decision.seat.section)
    decision.seat, decision.source, decision.reason = None, DecisionSource.OVERRIDE, reason
    decision.save()
    Override.objects.create(
        session=session, dossier=dossier, action=OverrideAction.UNASSIGN, detail=detail, reason=reason, user=user
    )
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
    for decision in (first, second):
        decision.source, decision.reason = DecisionSource.OVERRIDE, reason
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
    return first, second


# --- Validation and offers ------------------------------------------------------------------------------------------


def _queue(task, *args):
    schema = connection.schema_name
    transaction.on_commit(lambda: task.apply_async(args=list(args), headers={"_schema_name": schema}))


def _make_offer(*, dossier, seat):
    days = CommissionSettings.current().offer_response_days
    offer = Offer.objects.create(
        application=dossier.application,
        session=dossier.session,
        dossier=dossier,
        section=seat.section,
        establishment=seat.section.establishment,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
    )
    notifications.offer_made(offer)
    return offer


@transaction.atomic
def session_validate(*, session, user):
    """Freeze the session and apply its decisions: offers to the placed, the waiting list for the others."""
    from commissions.tasks import build_letter, build_minutes

    session = _locked_session(session, statuses=[SessionStatus.OPEN])
    if session.allocated_at is None:
        raise ValidationError(_("Lancez d'abord la répartition des places."), code="not_allocated")
    dossiers = session.dossiers.select_related(
        "application__family__account", "decision__seat__section__establishment"
    )
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
            _make_offer(dossier=dossier, seat=seat)
        else:
            notifications.not_placed(dossier)
        _queue(build_letter, dossier.pk)
    session.status = SessionStatus.VALIDATED
    session.validated_at, session.validated_by = timezone.now(), user
    session.save(update_fields=["status", "validated_at", "validated_by"])
    _queue(build_minutes, session.pk)
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
    text = f"{answer} {AnswerChannel(channel).label}"
    text = text if not note else f"{text} — {note}"
    audit(
        user=user,
        application=offer.application,
        action=AuditAction.UPDATE,
        detail=_("proposition de place (%(establishment)s) : %(text)s")
        % {"establishment": offer.establishment.name, "text": text},
    )
    return text


@transaction.atomic
def offer_accept(*, offer, user, actor=Actor.FAMILY, channel="", note=""):
    """The family takes the place: its other waiting requests for the child are closed.

    The guichet may record an answer the family gave by phone or at the desk: `actor=Actor.STAFF`, the channel
    and a note go to the request's history and the audit log.
    """
    offer = _locked_pending_offer(offer)
    if offer.deadline < timezone.localdate():
        raise ValidationError(_("Le délai de réponse est dépassé."), code="late")
    application = offer.application
    recorded = _recorded(actor, user, offer, _("Place acceptée"), channel, note.strip())
    application_transition(
        application=application, to_status=ApplicationStatus.ACCEPTEE, actor=actor, user=user, reason=recorded
    )
    offer.status, offer.responded_at = OfferStatus.ACCEPTED, timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    reason = _("Place acceptée à %(establishment)s (demande %(number)s).") % {
        "establishment": offer.establishment.name,
        "number": application.number,
    }
    others = Application.objects.filter(
        child_id=application.child_id, status__in=[*WAITING_STATUSES, ApplicationStatus.PROPOSITION]
    )
    for other in others.exclude(pk=application.pk):
        for pending in other.offers.pending():
            pending.status, pending.responded_at = OfferStatus.DECLINED, timezone.now()
            pending.decline_reason = reason
            pending.save(update_fields=["status", "responded_at", "decline_reason"])
        application_transition(
            application=other, to_status=ApplicationStatus.ANNULEE, actor=actor, user=user, reason=reason
        )
    notifications.admission_to_directors(offer)
    return offer


@transaction.atomic
def offer_decline(*, offer, user, reason, actor=Actor.FAMILY, status=OfferStatus.DECLINED, channel=""):
    """The family (or the deadline) turns the place down; the freed place is offered to the next dossier at once.

    With `actor=Actor.STAFF` the guichet records the family's answer given by phone or at the desk (`channel`).
    """
    reason = _required_reason(reason)
    offer = _locked_pending_offer(offer)
    recorded = _recorded(actor, user, offer, _("Place refusée"), channel, reason)
    application_transition(
        application=offer.application,
        to_status=ApplicationStatus.REFUSEE,
        actor=actor,
        user=user,
        reason=recorded or reason,
    )
    offer.status, offer.responded_at, offer.decline_reason = status, timezone.now(), reason
    offer.save(update_fields=["status", "responded_at", "decline_reason"])
    seat = SessionSeat.objects.select_related("section__establishment").get(
        session=offer.session, section=offer.section
    )
    return offer, reoffer(seat=seat, freed_by=offer.dossier)


@transaction.atomic
def reoffer(*, seat, freed_by):
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
    reason = _("Place libérée par le refus de la proposition faite au dossier %(number)s.") % {
        "number": freed_by.number
    }
    decision = Decision.objects.select_for_update().get(pk=winner.decision.pk)
    decision.seat, decision.source, decision.reason = seat, DecisionSource.REOFFER, reason
    decision.save(update_fields=["seat", "source", "reason"])
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
        reason=reason,
        notify=False,
    )
    offer = _make_offer(dossier=winner, seat=seat)
    from commissions.tasks import build_letter

    _queue(build_letter, winner.pk)
    return offer


def offers_expire(today=None):
    """Pending offers past their deadline count as declined by the system, and their places are offered again."""
    today = today or timezone.localdate()
    count = 0
    for offer in Offer.objects.pending().filter(deadline__lt=today).order_by("deadline", "pk"):
        offer_decline(offer=offer, user=None, reason=EXPIRED_REASON, actor=Actor.SYSTEM, status=OfferStatus.EXPIRED)
        count += 1
    return count
