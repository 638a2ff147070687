"""Messages of the directory: availability reminders with their one-click "nothing has changed" link."""

import datetime

from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.mail import absolute_url
from portal.notifications import notify
from portal.outbox.checks import register
from rpe.campaigns import previous_deadline
from rpe.enums import ActivityStatus

UNCHANGED_SALT = "rpe.availability.unchanged"
# Long enough for the J-30 reminder to be used until the deadline and a little after.
UNCHANGED_MAX_AGE = 40 * 24 * 3600
REMINDER_KIND = "rpe.availability_reminder"


def unchanged_token(am, deadline):
    """Signed: which AM, for which campaign, and her last declaration (single use: any new one voids it)."""
    last = am.availability_changes.order_by("-pk").values_list("pk", flat=True).first() or 0
    return signing.dumps({"am": am.pk, "deadline": str(deadline), "last": last}, salt=UNCHANGED_SALT)


def read_unchanged_token(token):
    """The token's data, or raise signing.BadSignature (forged) / signing.SignatureExpired (too old)."""
    return signing.loads(token, salt=UNCHANGED_SALT, max_age=UNCHANGED_MAX_AGE)


def reminder_recipient(am):
    return am.email or (am.user.email if am.user_id else "")


def availability_reminder(am, deadline, step):
    """At most one per AM, deadline and step: the outbox's unique key decides, even between two workers."""
    notify(
        "rpe/email/availability_reminder",
        to=[reminder_recipient(am)],
        context={
            "am": am,
            "deadline": deadline,
            "step": step,
            "collectivite": getattr(connection, "tenant", None),
            "unchanged_url": absolute_url(reverse("rpe:availability_unchanged", args=[unchanged_token(am, deadline)])),
            "space_url": absolute_url(reverse("rpe:my_availability")),
        },
        about=am,
        version=f"{deadline}:J-{step}",
        # A reminder, not an answer: scheduled, so the collectivité's quiet hours hold it back at night.
        send_at=timezone.now(),
    )


@register(REMINDER_KIND)
def reminder_still_applies(am, message):
    """Not sent once she declared for that campaign or stopped being listed meanwhile."""
    deadline = datetime.date.fromisoformat(message.version.split(":")[0])
    start = previous_deadline(deadline)
    declared = am.availability_confirmed_on is not None and am.availability_confirmed_on >= start
    return am.activity_status == ActivityStatus.ACTIVE and not declared
