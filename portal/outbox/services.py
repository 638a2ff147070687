"""The outbox: every message is a row written with the change that causes it, then sent by a drain.

At least once, never lost: a row waits in the collectivité's schema until a drain sends it (the beat
runs one every minute per collectivité; a nudge after commit may run one sooner). A drain claims due rows
with FOR UPDATE SKIP LOCKED and a lease, so two workers never hold the same row; a worker that dies
leaves its rows to the next drain once the lease runs out. Each email carries a Message-ID stable across
attempts, so a receiver can recognise the rare copy sent again after such a death.
"""

import datetime
import logging
import uuid
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.outbox.checks import attachments, still_applies
from portal.outbox.enums import Channel, MessageStatus
from portal.outbox.models import OutboxMessage, OutboxSettings
from portal.outbox.quiet import in_quiet_hours

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


def lease():
    return datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def retry_delay(attempts):
    """Exponential backoff: the base delay, then twice as long after each failure."""
    return datetime.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def max_attempts():
    return settings.OUTBOX_MAX_ATTEMPTS


def outbox_enqueue(
    *,
    to,
    subject,
    body,
    kind="email",
    about=None,
    version=None,
    channel=Channel.EMAIL,
    html_body="",
    reply_to=None,
    from_email="",
    send_at=None,
):
    """Write a message in the current transaction; idempotent on (about, kind, channel, version).

    `version=None` means the message is never the same as another (each call queues one). Returns the
    row, the one already queued when the same message was asked for before.
    """
    if version is None:
        version = uuid.uuid4().hex
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    key = {
        "about_type": about_type,
        "about_id": about.pk if about is not None else None,
        "kind": kind,
        "channel": channel,
        "version": str(version),
    }
    message = OutboxMessage(
        **key,
        to=list(to),
        reply_to=list(reply_to or []),
        from_email=from_email or "",
        subject=subject,
        body=body,
        html_body=html_body or "",
        send_at=send_at,
        due_at=send_at or timezone.now(),
    )
    # ON CONFLICT DO NOTHING: when two transactions queue the same message, the database keeps one.
    OutboxMessage.objects.bulk_create([message], ignore_conflicts=True)
    return OutboxMessage.objects.get(**key)


def quiet_now(now):
    rules = OutboxSettings.current()
    return in_quiet_hours(timezone.localtime(now).time(), rules.quiet_hours_start, rules.quiet_hours_end)


def outbox_claim(*, limit=BATCH_SIZE, now=None):
    """Take up to `limit` due rows for this worker for one lease; rows another worker holds are skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        due = OutboxMessage.objects.due(now, scheduled=not quiet_now(now)).order_by("due_at", "pk")
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=MessageStatus.SENDING, claimed_until=now + lease(), attempts=F("attempts") + 1
        )
    return list(OutboxMessage.objects.filter(pk__in=ids).select_related("about_type").order_by("due_at", "pk"))


def message_id(message):
    domain = parseaddr(message.from_email or settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{connection.schema_name}.{message.pk}@{domain}>"


def as_email(message, backend=None):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email or None,
        to=message.to,
        reply_to=message.reply_to or None,
        headers={"Message-ID": message_id(message)},
        connection=backend,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for filename, content, mimetype in attachments(message):
        email.attach(filename, content, mimetype)
    return email


def outbox_deliver(message, *, backend=None):
    """Send one claimed row unless it no longer applies, and record what happened."""
    # Only the holder of the lease records the outcome: a worker that outlived its lease changes nothing.
    held = OutboxMessage.objects.filter(
        pk=message.pk, status=MessageStatus.SENDING, claimed_until=message.claimed_until
    )
    try:
        if not still_applies(message):
            held.update(status=MessageStatus.SKIPPED, claimed_until=None)
            return MessageStatus.SKIPPED
        as_email(message, backend).send()
    except Exception as error:
        logger.warning("outbox: message %s failed (attempt %s): %s", message.pk, message.attempts, error)
        failed = message.attempts >= max_attempts()
        held.update(
            status=MessageStatus.FAILED if failed else MessageStatus.PENDING,
            due_at=F("due_at") if failed else timezone.now() + retry_delay(message.attempts),
            claimed_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return MessageStatus.FAILED if failed else MessageStatus.PENDING
    held.update(status=MessageStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error="")
    return MessageStatus.SENT


def outbox_drain(*, batch_size=BATCH_SIZE):
    """Send everything due in the current schema; returns how many rows ended in each state."""
    counts = {}
    backend = get_connection()
    with connection.cursor() as cursor:
        # The drain's own writes (claims, outcomes) need not wait for the disk: after a database crash the
        # worst case is a row sent again. The message itself was written, durably, by its cause.
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        with backend:
            while messages := outbox_claim(limit=batch_size):
                for message in messages:
                    outcome = outbox_deliver(message, backend=backend)
                    counts[outcome] = counts.get(outcome, 0) + 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    return counts


def outbox_purge(*, now=None):
    """Forget finished messages (personal data): those about a deleted object, and all after OUTBOX_KEEP_DAYS."""
    now = now or timezone.now()
    finished = OutboxMessage.objects.exclude(status__in=[MessageStatus.PENDING, MessageStatus.SENDING])
    deleted = finished.filter(created_at__lt=now - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)).delete()[0]
    for about_type in ContentType.objects.filter(pk__in=finished.values("about_type")):
        model = about_type.model_class()
        if model is not None:
            orphans = finished.filter(about_type=about_type).exclude(about_id__in=model._base_manager.values("pk"))
            deleted += orphans.delete()[0]
    return deleted
