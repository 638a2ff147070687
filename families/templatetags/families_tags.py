"""Template tags other apps' pages use to show the guichet's figures without importing its views."""

from django import template
from django.db.models import Count

from families.enums import ApplicationStatus
from families.models import Application

register = template.Library()


@register.simple_tag
def queue_counts():
    """`{% queue_counts as counts %}`: {status: number of requests} (one aggregate query; drafts excluded)."""
    rows = (
        Application.objects.exclude(status=ApplicationStatus.BROUILLON)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
    )
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    counts.pop(ApplicationStatus.BROUILLON)
    counts.update({row["status"]: row["count"] for row in rows})
    return counts
