"""Emails to families and to the guichet; each is sent by the worker after the transaction commits."""

from django.core import signing
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from portal.mail import absolute_url
from portal.tasks import queue_email

RENEWAL_SALT = "families.renewal"


def renewal_token(application):
    return signing.dumps({"application": application.pk, "due": str(application.renewal_due_on)}, salt=RENEWAL_SALT)


def send(template, application, to, **context):
    context = {
        "application": application,
        "collectivite": getattr(connection, "tenant", None),
        "dashboard_url": absolute_url(reverse("families:application_detail", args=[application.pk])),
        **context,
    }
    queue_email(
        subject=render_to_string(f"families/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"families/email/{template}_body.txt", context),
        to=to,
    )


def status_changed(application, change):
    send("status", application, [application.family.account.email], change=change)


def message_to_family(message):
    send("message", message.application, [message.application.family.account.email], message=message)


def message_to_guichet(message):
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and getattr(tenant, "contact_email", ""):
        dossier_url = absolute_url(reverse("families:dossier", args=[message.application.pk]))
        send("message_guichet", message.application, [tenant.contact_email], message=message, dossier_url=dossier_url)


def renewal_reminder(application):
    path = reverse("families:renewal_confirm", args=[renewal_token(application)])
    send("renewal", application, [application.family.account.email], confirm_url=absolute_url(path))
