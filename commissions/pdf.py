"""PDF documents of commission sessions, drawn by WeasyPrint from HTML templates."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from commissions.enums import DecisionSource
from commissions.models import Decision


def minutes_pdf(session, collectivite):
    """The procès-verbal: anonymised decisions, every adjustment and derogation with its reason."""
    dossiers = session.dossiers.select_related("decision__seat__section__establishment").order_by("number")
    seats = list(session.seats.select_related("section__establishment"))
    for seat in seats:
        seat.cutoff = session.cutoffs.get(str(seat.pk))
    html = render_to_string(
        "commissions/pdf/minutes.html",
        {
            "session": session,
            "collectivite": collectivite,
            "dossiers": dossiers,
            "seats": seats,
            "members": session.members.all(),
            "overrides": session.overrides.select_related("dossier", "other", "user"),
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()


def letter_pdf(dossier, offer, collectivite):
    """The family's letter: the place offered, or for each wish why not, its cutoff, and what they can do."""
    decision = Decision.objects.filter(dossier=dossier).select_related("seat__section__establishment").first()
    session = dossier.session
    seats = {seat.section.establishment_id: seat for seat in session.seats.select_related("section__establishment")}
    wishes = []
    explanations = {line["establishment"]: line for line in (decision.explanation if decision else [])}
    for wish in dossier.wishes:
        seat = seats.get(wish["establishment"])
        cutoff = session.cutoffs.get(str(seat.pk)) if seat else None
        line = explanations.get(str(wish["establishment"]))
        text = line["text"] if line else ""
        placed_here = decision is not None and decision.seat is not None and seat is not None and decision.seat == seat
        if not text and not placed_here and decision is not None and decision.source != DecisionSource.ENGINE:
            # The commission changed the engine's proposal: its reason is in the procès-verbal.
            text = _(
                "La commission a attribué cette place à une autre demande par une décision motivée, "
                "consignée au procès-verbal."
            )
        wishes.append({"name": wish["name"], "text": text, "cutoff": cutoff})
    html = render_to_string(
        "commissions/pdf/letter.html",
        {
            "dossier": dossier,
            "application": dossier.application,
            "offer": offer,
            "decision": decision,
            "wishes": wishes,
            "session": session,
            "collectivite": collectivite,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()
