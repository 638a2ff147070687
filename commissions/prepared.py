"""What the commissions' template tags show about a request, prepared by the view (the tags never query).

Other apps' pages (the family's request, the guichet's dossier, the family's dashboard) call these on the
requests they show; `commissions_tags` then only reads `application.commission_dossiers`,
`application.pending_offers` and `application.score_today`.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from commissions.followup import with_place_start
from commissions.models import Dossier, Offer
from commissions.services import application_score


def pending_offers():
    """For `prefetch_related` on requests: the place waiting for each family's answer (`pending_offers`)."""
    return Prefetch(
        "offers",
        queryset=Offer.objects.pending().select_related("establishment").order_by("pk"),
        to_attr="pending_offers",
    )


def commission_dossiers():
    """For `prefetch_related` on requests: their dossiers, latest session first, with their offers."""
    offers = with_place_start(Offer.objects.select_related("establishment", "section", "session", "dossier"))
    dossiers = (
        Dossier.objects.select_related("session__regulation")
        .prefetch_related(Prefetch("offers", queryset=offers))
        .order_by("-session__date", "-pk")
    )
    return Prefetch("dossiers", queryset=dossiers, to_attr="commission_dossiers")


def prepare_application(application, on=None):
    """Everything the score and offers tags show about one request, read in a fixed number of queries."""
    prefetch_related_objects([application], commission_dossiers(), pending_offers())
    application.score_today = application_score(application, on=on or timezone.localdate())
    return application
