"""Emails to families and to the guichet; each is queued in the outbox with the change that causes it."""

from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from families.enums import WAITING_STATUSES
from portal.mail import absolute_url
from portal.notifications import notify
from portal.outbox.checks import register

RENEWAL_SALT = "families.renewal"


def renewal_token(application):
    return signing.dumps({"application": application.pk, "due": str(application.renewal_due_on)}, salt=RENEWAL_SALT)


def about_request(application, **context):
    """What every email about a request shows: the request and the link to its page (commissions' emails too)."""
    dashboard_url = absolute_url(reverse("families:application_detail", args=[application.pk]))
    return {"application": application, "dashboard_url": dashboard_url, **context}


def status_changed(application, change):
    notify(
        "families/email/status",
        to=[application.family.account],
        context=about_request(application, change=change),
        about=application,
        version=change.pk,
    )


def message_to_family(message):
    application = message.application
    notify(
        "families/email/message",
        to=[application.family.account],
        context=about_request(application, message=message),
        about=application,
        version=message.pk,
    )


def message_to_guichet(message):
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and getattr(tenant, "contact_email", ""):
        application = message.application
        dossier_url = absolute_url(reverse("families:dossier", args=[application.pk]))
        notify(
            "families/email/message_guichet",
            to=[tenant.contact_email],
            context=about_request(application, message=message, dossier_url=dossier_url),
            about=application,
            version=message.pk,
        )


def renewal_reminder(application):
    confirm_url = absolute_url(reverse("families:renewal_confirm", args=[renewal_token(application)]))
    notify(
        "families/email/renewal",
        to=[application.family.account],
        context=about_request(application, confirm_url=confirm_url),
        about=application,
        version=application.renewal_due_on,
        send_at=timezone.now(),  # a scheduled reminder: held back during the collectivité's quiet hours
    )


@register("families.renewal")
def renewal_still_due(application, message):
    """A reminder for a date the family has renewed past, or for a request no longer waiting, stays unsent."""
    return application.status in WAITING_STATUSES and str(application.renewal_due_on) == message.version
