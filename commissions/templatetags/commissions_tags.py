"""Template tags other apps' pages use to show a request's score and offers without importing commissions' views.

They compute nothing and never query: the view prepares the request with `commissions.prepared`
(`prepare_application`, or the `pending_offers()` prefetch for a list).
"""

from django import template
from django.utils import timezone

from commissions.scoring import points_text
from families.perms import is_own_application

register = template.Library()


@register.inclusion_tag("commissions/includes/score.html", takes_context=True, name="application_score")
def application_score_tag(context, application):
    """`{% application_score application %}`: the request's points today under the grid in force, explained."""
    today = timezone.localdate()
    regulation, score = application.score_today
    request = context.get("request")
    user = getattr(request, "user", None)
    # The score the last commission used (frozen in its dossier), shown first: letters and minutes quote it.
    dossier = next(iter(application.commission_dossiers), None)
    return {
        "application": application,
        "regulation": regulation,
        "score": score,
        "total_text": points_text(score.total) if score else "",
        "dossier": dossier,
        "dossier_total_text": points_text(dossier.effective_score) if dossier else "",
        "changed": bool(dossier and score and dossier.effective_score != score.total),
        "today": today,
        # The family reads "votre demande"; staff read "cette demande".
        "for_family": is_own_application(user, application),
    }


@register.inclusion_tag("commissions/includes/offers.html", takes_context=True, name="application_offers")
def application_offers_tag(context, application):
    """`{% application_offers application %}`: a request's offers (place, start, deadline, letter) and letters.

    The family answers on its own page; the guichet (agents) records an answer given by phone or at the desk.
    """
    from commissions.forms_sessions import OfferAnswer
    from commissions.perms import can_follow_offers

    request = context.get("request")
    user = getattr(request, "user", None)
    for_family = is_own_application(user, application)
    can_record = bool(user and not for_family and can_follow_offers(user))
    dossiers = application.commission_dossiers
    offers = sorted(
        (offer for dossier in dossiers for offer in dossier.offers.all()),
        key=lambda offer: (offer.created_at, offer.pk),
        reverse=True,
    )
    for offer in offers:
        if can_record and offer.is_pending:
            offer.answer_form = OfferAnswer(auto_id=f"offer-{offer.pk}-%s")
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "offers": offers,
        "letters": [dossier for dossier in dossiers if dossier.letter and not dossier.offers.all()],
        "for_family": for_family,
        "can_record": can_record,
        "today": timezone.localdate(),
    }


@register.simple_tag(name="pending_offer")
def pending_offer_tag(application):
    """`{% pending_offer application as offer %}`: the place waiting for the family's answer, or None."""
    return next(iter(application.pending_offers), None)


@register.simple_tag(takes_context=True, name="pending_offer_count")
def pending_offer_count_tag(context):
    """`{% pending_offer_count as count %}`: offers waiting for a family's answer that the person may see (the
    agent's home; one count, whatever the number of offers)."""
    from commissions.models import Offer

    return Offer.objects.visible_to(context["request"].user).pending().count()


@register.inclusion_tag("commissions/includes/coming_sessions.html", takes_context=True, name="coming_sessions")
def coming_sessions_tag(context, limit=10):
    """`{% coming_sessions %}`: the sessions still to hold (today or later, not validated) the person sits in."""
    from commissions.enums import SessionStatus
    from commissions.models import Session

    user = context["request"].user
    today = timezone.localdate()
    sessions = (
        Session.objects.visible_to(user)
        .filter(date__gte=today)
        .exclude(status=SessionStatus.VALIDATED)
        .order_by("date", "-pk")
    )
    return {"sessions": list(sessions[:limit]), "today": today, "user": user}
