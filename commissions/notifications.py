"""Emails of commission sessions and offers; each is queued in the outbox with the change that causes it."""

from django.urls import reverse

from commissions.enums import OfferStatus
from families.notifications import about_request
from portal.mail import absolute_url
from portal.notifications import notify
from portal.outbox.checks import register


def offer_made(offer):
    notify(
        "commissions/email/offer",
        to=[offer.application.family.account],
        context=about_request(offer.application, offer=offer),
        about=offer,
        version="",
    )


@register("commissions.offer")
def offer_still_pending(offer, message):
    """An offer the family has answered (or that expired) before its email left is not announced."""
    return offer.status == OfferStatus.PENDING


def not_placed(dossier):
    notify(
        "commissions/email/not_placed",
        to=[dossier.application.family.account],
        context=about_request(dossier.application, dossier=dossier),
        about=dossier.application,
        version=f"dossier-{dossier.pk}",
    )


def admission_to_directors(offer):
    notify(
        "commissions/email/admission",
        to=list(offer.establishment.directors.values_list("email", flat=True)),
        context=about_request(
            offer.application, offer=offer, admissions_url=absolute_url(reverse("commissions:admissions"))
        ),
        about=offer,
        version="",
    )
