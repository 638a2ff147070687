"""The notes the system writes into a history read in the reader's language; a person's words read as typed."""

import datetime
import html
import importlib

from django.apps import apps
from django.core import mail
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from families.enums import Actor, ApplicationStatus, AuditAction
from families.models import Application, AuditEntry, StatusChange
from families.services import application_update, renewal_confirm, renewal_expire_overdue
from portal.templatetags.portal_tags import long_date
from tests.families.factories import application_in, family_in
from tests.families.test_guichet import staff_in
from tests.utils import client_for

migration = importlib.import_module("families.migrations.0010_system_notes_translated_when_read")
audit_migration = importlib.import_module("families.migrations.0011_audit_details_translated_when_read")

HUMAN = "Nous déménageons à Lyon — merci."


def page(client, path, language):
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_english_family_and_a_french_agent_each_read_the_system_lines_in_their_language(
    alpha, django_capture_on_commit_callbacks
):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.LISTE_ATTENTE)
    today = timezone.localdate()
    with tenant_context(alpha):
        # Written during an English request, then by a French worker: neither language may stick to the rows.
        with translation.override("en"):
            renewal_confirm(application=application)
        application.refresh_from_db()
        due = application.renewal_due_on
        Application.objects.filter(pk=application.pk).update(renewal_reminded_at=timezone.now(), renewal_due_on=today)
        with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
            assert renewal_expire_overdue(today + datetime.timedelta(days=60)) == 1
        StatusChange.objects.create(  # a person's words, as typed
            subject=application,
            from_status=ApplicationStatus.EXPIREE,
            to_status=ApplicationStatus.EXPIREE,
            actor=Actor.FAMILY,
            note=HUMAN,
        )
        with translation.override("en"):
            english_due = long_date(due)
        with translation.override("fr"):
            french_due = long_date(due)
    connection.set_schema_to_public()
    # Emails take the language of the code that queues them (no per-recipient language today): all French here.
    expired_email = next(message for message in mail.outbox if "Demande non renouvelée" in message.body)
    assert "Application not renewed" not in expired_email.body

    english = page(client_for(alpha, user), f"/famille/demandes/{application.pk}/", "en")
    assert f"Renewal confirmed until {english_due}." in english
    assert "Application not renewed in time." in english
    assert "Renouvellement confirmé" not in english and "Demande non renouvelée" not in english
    assert HUMAN in english

    french = page(client_for(alpha, staff_in(alpha)), f"/guichet/demandes/{application.pk}/", "fr")
    assert f"Renouvellement confirmé jusqu'au {french_due}." in french
    assert "Demande non renouvelée dans le délai." in french
    assert "Renewal confirmed" not in french and "Application not renewed" not in french
    assert HUMAN in french


def test_a_change_after_review_names_the_fields_in_the_reader_s_language(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.COMPLETE)
    with tenant_context(alpha), translation.override("en"):
        application_update(
            application=application,
            user=user,
            fields={"desired_start": application.desired_start + datetime.timedelta(days=31)},
            establishments=[wish.establishment for wish in application.wishes.all()],
        )
        change = StatusChange.objects.filter(subject=application, to_status=application.status).last()
        label = str(Application._meta.get_field("desired_start").verbose_name)
        assert change.note_text == f"Change: {label}"
        with translation.override("fr"):
            assert change.note_text == f"Modification : {Application._meta.get_field('desired_start').verbose_name}"
            assert change.note == change.note_text  # the French text stays readable in the row itself


def test_old_rows_with_a_known_french_system_text_read_in_english_after_the_migration(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.EXPIREE)
    notes = [
        "Demande non renouvelée dans le délai.",
        "Renouvellement confirmé jusqu'au 27/05/2027.",
        "Modification : vœux",
        "délai dépassé",
        HUMAN,
    ]
    with tenant_context(alpha):
        for note in notes:  # as the code wrote them before: French text, no message
            StatusChange.objects.create(
                subject=application, from_status=application.status, to_status=application.status, note=note
            )
        migration.notes_to_messages(apps, None)
        with translation.override("en"):
            read = [change.note_text for change in StatusChange.objects.filter(subject=application)]
            may_27 = long_date(datetime.date(2027, 5, 27))
    connection.set_schema_to_public()
    assert read == [
        "Application not renewed in time.",
        f"Renewal confirmed until {may_27}.",
        "Change: choices",
        "no answer within the deadline",
        HUMAN,
    ]


def test_the_access_log_reads_in_the_reader_s_language_old_entries_too(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    agent = staff_in(alpha)
    page(client_for(alpha, agent), f"/guichet/demandes/{application.pk}/", "fr")  # a French read, logged
    with tenant_context(alpha):
        AuditEntry.objects.create(
            user=agent, application=application, action=AuditAction.UPDATE, detail="note interne"
        )
        audit_migration.details_to_messages(apps, None)
        with translation.override("en"):
            read = sorted(entry.detail_text for entry in AuditEntry.objects.filter(application=application))
    connection.set_schema_to_public()
    assert read == ["application file viewed", "internal note"]
