"""Template tags other apps' pages use to show a request's score without importing commissions' views."""

from django import template
from django.utils import timezone

from commissions.scoring import points_text
from commissions.services import application_score

register = template.Library()


@register.inclusion_tag("commissions/includes/score.html", takes_context=True, name="application_score")
def application_score_tag(context, application):
    """`{% application_score application %}`: the request's points today under the grid in force, explained."""
    from commissions.models import Dossier

    today = timezone.localdate()
    regulation, score = application_score(application, on=today)
    request = context.get("request")
    user = getattr(request, "user", None)
    # The score the last commission used (frozen in its dossier), shown first: letters and minutes quote it.
    dossier = (
        Dossier.objects.filter(application=application)
        .select_related("session__regulation")
        .order_by("-session__date", "-pk")
        .first()
    )
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
        "for_family": bool(user and user.is_authenticated and application.family.account_id == user.pk),
    }


@register.inclusion_tag("commissions/includes/offers.html", takes_context=True, name="application_offers")
def application_offers_tag(context, application):
    """`{% application_offers application %}`: on the family's request page, its offers and decision letters."""
    from commissions.forms_sessions import DeclineForm
    from commissions.models import Dossier, Offer

    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "offers": Offer.objects.filter(application=application).select_related("establishment", "section"),
        "letters": Dossier.objects.filter(application=application).exclude(letter="").select_related("session"),
        "decline_form": DeclineForm(),
    }


@register.simple_tag(name="pending_offer")
def pending_offer_tag(application):
    """`{% pending_offer application as offer %}`: the place waiting for the family's answer, or None."""
    from commissions.models import Offer

    return Offer.objects.pending().filter(application=application).select_related("establishment").first()
