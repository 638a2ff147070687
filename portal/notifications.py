"""The one way an app notifies someone: render the templates of a message and queue it in the outbox."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from portal.mail import current_collectivite
from portal.tasks import queue_email


def notify(template, *, to, context, about=None, version=None, send_at=None, from_email=None, reply_to=None):
    """Queue `<template>_subject.txt`, `_body.txt` and, when the app has one, `_body.html`.

    `template` is e.g. "families/email/status"; its kind ("families.status") names the message for the
    outbox's checks (portal.outbox.checks). With `about` and a `version`, the same message is queued once.
    `to` holds addresses or accounts; empty addresses are dropped, and with none left nothing is queued.
    Templates get `collectivite`. The message is written in its recipients' language (`recipients_language`),
    not in the language of whoever's action sends it: pass the account when it is at hand, so that its
    language costs no query.
    """
    recipients = [recipient for recipient in to if getattr(recipient, "email", recipient)]
    if not recipients:
        return None
    to = [getattr(recipient, "email", recipient) for recipient in recipients]
    context = {"collectivite": current_collectivite(), **context}
    with translation.override(recipients_language(recipients)):
        try:
            html_body = render_to_string(f"{template}_body.html", context)
        except TemplateDoesNotExist:
            html_body = None
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    return queue_email(
        subject=subject,
        body=body,
        html_body=html_body,
        to=to,
        key=template.replace("/email/", "."),
        about=about,
        version=version,
        send_at=send_at,
        from_email=from_email,
        reply_to=reply_to,
    )


def recipients_language(recipients):
    """The language the recipients (addresses or accounts) chose on the portal when they share one; else, or
    for an address with no account here, French (the default). Only bare addresses are looked up."""
    chosen = {
        recipient.email.lower(): recipient.language for recipient in recipients if not isinstance(recipient, str)
    }
    addresses = [recipient.lower() for recipient in recipients if isinstance(recipient, str)]
    if addresses:
        chosen |= dict(get_user_model().objects.filter(email__in=addresses).values_list("email", "language"))
    languages = {
        chosen.get(getattr(recipient, "email", recipient).lower(), settings.LANGUAGE_CODE) for recipient in recipients
    }
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE
