"""The outbox: each email is a row written with its cause, sent once by a drain, never lost."""

import datetime
import re
from smtplib import SMTPRecipientsRefused

import pytest
from dateutil.relativedelta import relativedelta
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from freezegun import freeze_time

from families import notifications
from families.models import Application
from portal.outbox.enums import MessageStatus
from portal.outbox.models import OutboxMessage, OutboxSettings
from portal.outbox.quiet import in_quiet_hours
from portal.outbox.services import outbox_claim, outbox_drain, outbox_purge
from portal.tasks import queue_email
from tests.families.factories import ApplicationFactory
from tests.families.test_guichet import filed, staff_in
from tests.utils import client_for


class RefusingBackend(BaseEmailBackend):
    """A mail relay that refuses every message (the outside world failing, not our code)."""

    def send_messages(self, email_messages):
        raise SMTPRecipientsRefused({message.to[0]: (550, b"boite inconnue") for message in email_messages})


def test_the_same_message_queued_twice_is_one_row_and_one_email(alpha, mailoutbox):
    with tenant_context(alpha):
        application = ApplicationFactory()
        rows = [
            queue_email(subject="Rappel", body="…", to=["a@b.fr"], key="rappel", about=application, version="12-01")
            for _ in range(2)
        ]
        assert rows[0].pk == rows[1].pk
        assert OutboxMessage.objects.about(application).count() == 1
        assert outbox_drain() == {MessageStatus.SENT: 1}
    assert len(mailoutbox) == 1


def test_the_database_refuses_a_second_row_for_the_same_object_kind_channel_and_version(alpha):
    with tenant_context(alpha):
        application = ApplicationFactory()
        row = queue_email(subject="Rappel", body="…", to=["a@b.fr"], key="rappel", about=application, version="1")
        row.pk = None
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save()


def test_emails_without_a_key_are_never_merged(alpha):
    with tenant_context(alpha):
        first = queue_email(subject="Bienvenue", body="…", to=["a@b.fr"])
        second = queue_email(subject="Bienvenue", body="…", to=["a@b.fr"])
        assert first.pk != second.pk


def test_a_claimed_row_whose_worker_died_is_sent_once_after_its_lease(alpha, mailoutbox, settings):
    with tenant_context(alpha):
        pk = queue_email(subject="Objet", body="Corps", to=["a@b.fr"]).pk
        claimed = outbox_claim()  # a worker takes the row, then dies before sending it
        assert [row.pk for row in claimed] == [pk] and claimed[0].claimed_until > timezone.now()
        assert outbox_drain() == {}  # held by the dead worker's lease
        later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
        with freeze_time(later):
            assert outbox_drain() == {MessageStatus.SENT: 1}
            assert outbox_drain() == {}
        row = OutboxMessage.objects.get(pk=pk)
        assert row.status == MessageStatus.SENT and row.attempts == 2 and row.claimed_until is None
    assert [message.subject for message in mailoutbox] == ["Objet"]


@pytest.mark.parametrize(("renewed", "outcome"), [(False, MessageStatus.SENT), (True, MessageStatus.SKIPPED)])
def test_a_reminder_is_not_sent_when_its_dossier_changed_before_it_left(alpha, mailoutbox, renewed, outcome):
    with tenant_context(alpha):
        application = ApplicationFactory(renewal_due_on=timezone.localdate())
        notifications.renewal_reminder(application)
        if renewed:  # the family renewed before the drain: the reminder's date is past
            Application.objects.filter(pk=application.pk).update(
                renewal_due_on=timezone.localdate() + relativedelta(months=6)
            )
        assert outbox_drain() == {outcome: 1}
        assert OutboxMessage.objects.about(application).get().status == outcome
    assert len(mailoutbox) == (0 if renewed else 1)


def test_a_message_about_a_deleted_object_is_not_sent(alpha, mailoutbox):
    with tenant_context(alpha):
        application = ApplicationFactory()
        queue_email(subject="Objet", body="Corps", to=["a@b.fr"], key="note", about=application)
        Application.objects.filter(pk=application.pk).delete()
        assert outbox_drain() == {MessageStatus.SKIPPED: 1}
    assert mailoutbox == []


def test_failures_are_retried_with_growing_delays_then_marked_failed(alpha, settings):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingBackend"
    settings.OUTBOX_RETRY_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 4
    with tenant_context(alpha):
        pk = queue_email(subject="Objet", body="Corps", to=["a@b.fr"]).pk
        now, delays = timezone.now(), []
        for attempt in range(1, 5):
            with freeze_time(now - datetime.timedelta(seconds=1)):
                assert outbox_drain() == {}  # not before its time
            with freeze_time(now):
                outbox_drain()
            row = OutboxMessage.objects.get(pk=pk)
            assert row.attempts == attempt and "boite inconnue" in row.last_error
            if row.status == MessageStatus.PENDING:
                delays.append((row.due_at - now).total_seconds())
                now = row.due_at
        assert delays == [60, 120, 240]
        assert row.status == MessageStatus.FAILED and row.sent_at is None
        with freeze_time(now + datetime.timedelta(days=1)):
            assert outbox_drain() == {}  # a failed row stays failed, for staff to see


@pytest.mark.parametrize(
    ("moment", "start", "end", "quiet"),
    [
        ("23:30", "21:00", "08:00", True),
        ("07:59", "21:00", "08:00", True),
        ("08:00", "21:00", "08:00", False),
        ("12:00", "21:00", "08:00", False),
        ("13:00", "12:00", "14:00", True),
        ("14:00", "12:00", "14:00", False),
        ("03:00", None, None, False),
    ],
)
def test_quiet_hours_may_run_past_midnight(moment, start, end, quiet):
    def parse(value):
        return datetime.time.fromisoformat(value) if value else None

    assert in_quiet_hours(parse(moment), parse(start), parse(end)) is quiet


def test_scheduled_reminders_wait_for_the_end_of_quiet_hours_but_other_emails_do_not(alpha, mailoutbox):
    night = timezone.make_aware(datetime.datetime(2026, 12, 1, 23, 0))
    with tenant_context(alpha):
        OutboxSettings.objects.update_or_create(
            pk=1, defaults={"quiet_hours_start": datetime.time(21), "quiet_hours_end": datetime.time(8)}
        )
        with freeze_time(night):
            queue_email(subject="Rappel", body="…", to=["a@b.fr"], send_at=night - datetime.timedelta(hours=1))
            queue_email(subject="Demain", body="…", to=["a@b.fr"], send_at=night + datetime.timedelta(days=1))
            queue_email(subject="Réinitialisation", body="…", to=["a@b.fr"])
            assert outbox_drain() == {MessageStatus.SENT: 1}
        with freeze_time(night + datetime.timedelta(hours=9)):  # 08:00 the next morning
            assert outbox_drain() == {MessageStatus.SENT: 1}
    assert [message.subject for message in mailoutbox] == ["Réinitialisation", "Rappel"]


def test_emails_keep_their_plain_text_and_html_parts_and_a_stable_message_id(alpha, mailoutbox):
    with tenant_context(alpha):
        row = queue_email(subject="Objet", body="Texte", html_body="<p>HTML</p>", to=["a@b.fr"], reply_to=["r@b.fr"])
        outbox_drain()
    (message,) = mailoutbox
    assert message.body == "Texte" and message.alternatives[0][:2] == ("<p>HTML</p>", "text/html")
    assert message.reply_to == ["r@b.fr"]
    assert message.extra_headers["Message-ID"] == f"<outbox.alpha.{row.pk}@alpha.localhost>"


def test_staff_see_the_emails_about_a_dossier_on_the_dossier(alpha, mailoutbox):
    application, _document = filed(alpha)
    agent = staff_in(alpha)
    with tenant_context(alpha):
        queue_email(subject="Votre demande est complète", body="…", to=["famille@a.fr"], key="k", about=application)
        outbox_drain()
        queue_email(subject="Un autre dossier", body="…", to=["autre@a.fr"], key="k", about=ApplicationFactory())
    connection.set_schema_to_public()
    page = client_for(alpha, agent).get(f"/guichet/demandes/{application.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*Votre demande est complète.*?</tr>", text, re.S).group(0)
    assert "famille@a.fr" in row and "Envoyé" in row
    assert "Un autre dossier" not in text


def test_the_platform_has_its_own_outbox_for_its_operators_emails(alpha, mailoutbox):
    connection.set_schema_to_public()
    row = queue_email(subject="Réinitialisation", body="…", to=["operateur@plateforme.fr"])
    with tenant_context(alpha):
        assert not OutboxMessage.objects.filter(pk=row.pk, subject="Réinitialisation").exists()
        assert outbox_drain() == {}
    connection.set_schema_to_public()
    assert outbox_drain() == {MessageStatus.SENT: 1}
    assert [message.to for message in mailoutbox] == [["operateur@plateforme.fr"]]


def test_finished_messages_are_forgotten_with_their_dossier_or_after_the_keeping_period(alpha, settings):
    settings.OUTBOX_KEEP_DAYS = 30
    with tenant_context(alpha):
        purged, kept = ApplicationFactory(), ApplicationFactory()
        for application in (purged, kept):
            queue_email(subject="Objet", body="…", to=["a@b.fr"], key="k", about=application)
        waiting = queue_email(subject="En attente", body="…", to=["a@b.fr"], send_at=timezone.now())
        old = queue_email(subject="Ancien", body="…", to=["a@b.fr"])
        OutboxMessage.objects.exclude(pk=waiting.pk).update(status=MessageStatus.SENT)
        OutboxMessage.objects.filter(pk__in=[old.pk, waiting.pk]).update(
            created_at=timezone.now() - datetime.timedelta(days=31)
        )
        Application.objects.filter(pk=purged.pk).delete()
        assert outbox_purge() == 2
        assert OutboxMessage.objects.about(kept).exists() and OutboxMessage.objects.filter(pk=waiting.pk).exists()
        assert not OutboxMessage.objects.filter(pk=old.pk).exists()
