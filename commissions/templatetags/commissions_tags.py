"""Template tags other apps' pages use to show a request's score without importing commissions' views."""

from django import template
from django.utils import timezone

from commissions.scoring import points_text
from commissions.services import application_score

register = template.Library()


@register.inclusion_tag("commissions/includes/score.html", takes_context=True, name="application_score")
def application_score_tag(context, application):
    """`{% application_score application %}`: the request's points today under the grid in force, explained."""
    today = timezone.localdate()
    regulation, score = application_score(application, on=today)
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "application": application,
        "regulation": regulation,
        "score": score,
        "total_text": points_text(score.total) if score else "",
        "today": today,
        # The family reads "votre demande"; staff read "cette demande".
        "for_family": bool(user and user.is_authenticated and application.family.account_id == user.pk),
    }
