"""Emails of commission sessions and offers; each is queued in the outbox with the change that causes it."""

from django.db import connection
from django.urls import reverse

from commissions.enums import OfferStatus
from portal.mail import absolute_url
from portal.notifications import notify
from portal.outbox.checks import register


def send(template, application, to, *, about=None, version=None, **context):
    context = {
        "application": application,
        "collectivite": getattr(connection, "tenant", None),
        "dashboard_url": absolute_url(reverse("families:application_detail", args=[application.pk])),
        **context,
    }
    notify(f"commissions/email/{template}", to=to, context=context, about=about or application, version=version)


def offer_made(offer):
    send("offer", offer.application, [offer.application.family.account.email], offer=offer, about=offer, version="")


@register("commissions.offer")
def offer_still_pending(offer, message):
    """An offer the family has answered (or that expired) before its email left is not announced."""
    return offer.status == OfferStatus.PENDING


def not_placed(dossier):
    send(
        "not_placed",
        dossier.application,
        [dossier.application.family.account.email],
        dossier=dossier,
        version=f"dossier-{dossier.pk}",
    )


def admission_to_directors(offer):
    emails = list(offer.establishment.directors.values_list("email", flat=True))
    send(
        "admission",
        offer.application,
        emails,
        offer=offer,
        admissions_url=absolute_url(reverse("commissions:admissions")),
        about=offer,
        version="",
    )
