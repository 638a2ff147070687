"""Emails of commission sessions and offers; each is sent by the worker after the transaction commits."""

from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from portal.mail import absolute_url
from portal.tasks import queue_email


def send(template, application, to, **context):
    context = {
        "application": application,
        "collectivite": getattr(connection, "tenant", None),
        "dashboard_url": absolute_url(reverse("families:application_detail", args=[application.pk])),
        **context,
    }
    to = [address for address in to if address]
    if not to:
        return
    queue_email(
        subject=render_to_string(f"commissions/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"commissions/email/{template}_body.txt", context),
        to=to,
    )


def offer_made(offer):
    send("offer", offer.application, [offer.application.family.account.email], offer=offer)


def not_placed(dossier):
    send("not_placed", dossier.application, [dossier.application.family.account.email], dossier=dossier)


def admission_to_directors(offer):
    emails = list(offer.establishment.directors.values_list("email", flat=True))
    send(
        "admission",
        offer.application,
        emails,
        offer=offer,
        admissions_url=absolute_url(reverse("commissions:admissions")),
    )
