"""Emails about registrations to ateliers; each queued in the outbox with the change that causes it."""

import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.mail import absolute_url
from portal.notifications import notify
from portal.outbox.checks import register
from rpe.ateliers.enums import RegistrationStatus


def send(template, registration, *, version, send_at=None):
    notify(
        f"rpe/email/{template}",
        to=[registration.email],
        context={
            "registration": registration,
            "atelier": registration.atelier,
            "collectivite": getattr(connection, "tenant", None),
            "ateliers_url": absolute_url(reverse("rpe:my_ateliers")),
        },
        about=registration,
        version=version,
        send_at=send_at,
    )


def registered(registration):
    send("atelier_registered", registration, version="registered")
    reminder_schedule(registration)


def waiting(registration):
    send("atelier_waiting", registration, version="waiting")


def promoted(registration):
    send("atelier_promoted", registration, version="promoted")
    reminder_schedule(registration)


def reminder_schedule(registration, now=None):
    """One reminder `reminder_hours` before the atelier, unless that time has passed (the confirmation is fresh).

    The version names the start: an atelier moved to another time gets a new reminder, the old one is dropped by
    the check below.
    """
    atelier = registration.atelier
    send_at = atelier.start - datetime.timedelta(hours=atelier.reminder_hours)
    if send_at <= (now or timezone.now()):
        return
    send("atelier_reminder", registration, version=reminder_version(atelier), send_at=send_at)


def reminder_version(atelier):
    return f"reminder-{atelier.start.isoformat()}"


@register("rpe.atelier_reminder")
def reminder_still_applies(registration, message):
    """No reminder for a cancelled registration, a cancelled atelier or one moved since the reminder was queued."""
    atelier = registration.atelier
    return (
        registration.status == RegistrationStatus.REGISTERED
        and atelier.cancelled_at is None
        and message.version == reminder_version(atelier)
    )


@register("rpe.atelier_promoted")
def promotion_still_applies(registration, message):
    return registration.status == RegistrationStatus.REGISTERED
