"""Template tags other apps' pages use to show the guichet's figures without importing its views."""

from django import template
from django.db.models import Count

from families.enums import ApplicationStatus
from families.models import Application

register = template.Library()


@register.simple_tag
def queue_counts():
    """`{% queue_counts as counts %}`: {status member's name: number of requests} (one query; drafts excluded).

    Keyed by name (`counts.DEPOSEE`) so that templates never spell a stored value.
    """
    rows = (
        Application.objects.exclude(status=ApplicationStatus.BROUILLON)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
    )
    counts = {status.name: 0 for status in ApplicationStatus if status != ApplicationStatus.BROUILLON}
    counts.update({ApplicationStatus(row["status"]).name: row["count"] for row in rows})
    return counts


@register.simple_tag
def application_statuses():
    """`{% application_statuses as Status %}`: the enum, for `?status={{ Status.DEPOSEE }}`."""
    return ApplicationStatus
