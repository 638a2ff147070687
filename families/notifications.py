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


def send(template, application, to, *, version=None, send_at=None, **context):
    context = {
        "application": application,
        "collectivite": getattr(connection, "tenant", None),
        "dashboard_url": absolute_url(reverse("families:application_detail", args=[application.pk])),
        **context,
    }
    notify(f"families/email/{template}", to=to, context=context, about=application, version=version, send_at=send_at)


def status_changed(application, change):
    send("status", application, [application.family.account.email], change=change, version=change.pk)


def message_to_family(message):
    send(
        "message", message.application, [message.application.family.account.email], message=message, version=message.pk
    )


def message_to_guichet(message):
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and getattr(tenant, "contact_email", ""):
        dossier_url = absolute_url(reverse("families:dossier", args=[message.application.pk]))
        send(
            "message_guichet",
            message.application,
            [tenant.contact_email],
            message=message,
            dossier_url=dossier_url,
            version=message.pk,
        )


def renewal_reminder(application):
    path = reverse("families:renewal_confirm", args=[renewal_token(application)])
    send(
        "renewal",
        application,
        [application.family.account.email],
        confirm_url=absolute_url(path),
        version=application.renewal_due_on,
        send_at=timezone.now(),  # a scheduled reminder: held back during the collectivité's quiet hours
    )


@register("families.renewal")
def renewal_still_due(application, message):
    """A reminder for a date the family has renewed past, or for a request no longer waiting, stays unsent."""
    return application.status in WAITING_STATUSES and str(application.renewal_due_on) == message.version
