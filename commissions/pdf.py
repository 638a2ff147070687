"""PDF documents of commission sessions, drawn by WeasyPrint from HTML templates.

Both read the session's final decisions through commissions.figures, like every other page: the minutes and
the letters cannot disagree with the transparency page or the API.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from commissions import figures
from commissions.enums import Attendance, DecisionSource
from commissions.models import Decision
from portal.models import Collectivite


def signing_place(collectivite):
    """The commune the documents are signed in ("Fait à …"): the collectivité's first commune."""
    territory = collectivite.territory() if isinstance(collectivite, Collectivite) else []
    return territory[0].name if territory else getattr(collectivite, "name", "")


def quorum(session):
    """(present, composition, reached): more than half of the chair and members attend."""
    composition = {session.chair_id, *session.members.values_list("pk", flat=True)}
    present = session.attendances.filter(status=Attendance.PRESENT, user__in=composition).count()
    return present, len(composition), present * 2 > len(composition)


def _rank_key(dossier):
    submitted = dossier.application.submitted_at if dossier.application else None
    return (-dossier.effective_score, submitted or timezone.now(), dossier.number)


def ranked_by_section(session, figure):
    """Every dossier per age section, in the grid's order (score, then seniority), with its final decision."""
    section_names = {}
    for seat in session.seats.select_related("section"):
        section_names.setdefault(seat.section.code, seat.section.name)
    places = {place["id"]: place for place in figure.places}
    decisions = {decision["dossier"]: decision for decision in figure.decisions}
    sections = {}
    for dossier in session.dossiers.select_related("application", "decision"):
        sections.setdefault(dossier.section_code, []).append(dossier)
    rows = []
    for code in sorted(sections):
        dossiers = sorted(sections[code], key=_rank_key)
        waiting = 0
        for dossier in dossiers:
            decision = decisions.get(dossier.number)
            dossier.final = decision
            dossier.place = places.get(decision["place"]) if decision else None
            if decision is None or decision["offer_status"] in figures.LOST:
                waiting += 1
                dossier.waiting_rank = waiting
            else:
                dossier.waiting_rank = None
            source = getattr(dossier, "decision", None)
            dossier.reason = source.reason if source is not None and source.source != DecisionSource.ENGINE else ""
        rows.append({"code": code, "name": section_names.get(code, code), "dossiers": dossiers})
    return rows


def minutes_pdf(session, collectivite):
    """The procès-verbal: attendance and quorum, places and cutoffs, the ranked list per section, every decision
    and derogation with its reason, reserved places given to others and why, "Fait à …" and the signature."""
    figure = figures.session_figures(session)
    present, composition, reached = quorum(session)
    attendances = session.attendances.select_related("user")
    html = render_to_string(
        "commissions/pdf/minutes.html",
        {
            "session": session,
            "collectivite": collectivite,
            "figure": figure,
            "groups": figure.groups(),
            "sections": ranked_by_section(session, figure),
            "members": session.members.all(),
            "present": [a.user for a in attendances if a.status == Attendance.PRESENT],
            "excused": [a.user for a in attendances if a.status == Attendance.EXCUSED],
            "absent": [a.user for a in attendances if a.status == Attendance.ABSENT],
            "quorum": {"present": present, "composition": composition, "reached": reached},
            "overrides": session.overrides.select_related("dossier", "other", "user"),
            "signed_at": signing_place(collectivite),
            "signed_on": timezone.localtime(session.validated_at).date() if session.validated_at else session.date,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()


def examined_wishes(dossier, decision, offer_establishment=None):
    """The wishes the commission examined for this dossier, in the family's order, each with what happened.

    A wish whose establishment had no place of the child's age this time was not examined; neither was a wish
    ranked after the place obtained (the engine stops at the best wish it can give). Only examined wishes appear.
    """
    lines = {line.get("establishment"): line for line in (decision.explanation if decision else [])}
    override = decision is not None and decision.source == DecisionSource.OVERRIDE
    examined = []
    for wish in dossier.wishes:
        if not wish.get("section"):
            continue
        establishment = wish["establishment"]
        if offer_establishment is not None and establishment == offer_establishment:
            examined.append({**wish, "offered": True, "text": _("Place proposée dans cet établissement.")})
            break
        line = lines.get(str(establishment))
        if line is not None:
            text = line["text"]
        elif override:
            text = _("Décision de la commission, motivée ci-dessus.")
        else:
            continue  # not examined
        examined.append({**wish, "offered": False, "text": text})
    return examined


def letter_pdf(dossier, offer, collectivite):
    """The family's letter: the place offered (start date, address, contact, deadline) or, for each examined
    wish, why not and its admission score; what they can do; the voies et délais de recours; the signature."""
    from rpe.followup import letter_guidance

    session = dossier.session
    decision = Decision.objects.filter(dossier=dossier).select_related("place").first()
    figure = figures.session_figures(session)
    wishes = examined_wishes(dossier, decision, offer.establishment_id if offer else None)
    for wish in wishes:
        cutoff = figure.cutoffs.get(figures.group_key(wish["establishment"], wish["section"])) or {}
        wish["last_admitted_score"] = cutoff.get("last_admitted_score")
    commission_reason = ""
    if decision is not None and decision.source == DecisionSource.OVERRIDE:
        commission_reason = decision.reason
    notified_on = (offer.notified_on if offer else None) or (
        timezone.localtime(session.validated_at).date() if session.validated_at else session.date
    )
    html = render_to_string(
        "commissions/pdf/letter.html",
        {
            "dossier": dossier,
            "application": dossier.application,
            "offer": offer,
            "establishment": offer.establishment if offer else None,
            "decision": decision,
            "commission_reason": commission_reason,
            "wishes": wishes,
            "session": session,
            "collectivite": collectivite,
            "signed_at": signing_place(collectivite),
            "signed_on": notified_on,
            "generated_at": timezone.now(),
            # No family without a solution: its relais and the assistants maternels matching its need.
            **(letter_guidance(dossier.application, collectivite) if offer is None else {}),
        },
    )
    return HTML(string=html).write_pdf()
