from celery import shared_task
from django.core.files.base import ContentFile
from django.db import connection

from families.models import Application
from families.pdf import attestation_pdf
from families.services import renewal_expire_overdue, renewal_remind_due, retention_purge


@shared_task
def build_attestation(application_id):
    """Draw the attestation de dépôt and store it with the request (inside its collectivité)."""
    application = Application.objects.select_related("child", "family").get(pk=application_id)
    pdf = attestation_pdf(application, connection.tenant)
    application.attestation.save(f"attestation-{application.number}.pdf", ContentFile(pdf), save=False)
    Application.objects.filter(pk=application.pk).update(attestation=application.attestation.name)


@shared_task
def renewals_daily():
    """Remind families whose renewal is due, expire the requests left unrenewed (run per collectivité)."""
    return {"reminded": renewal_remind_due(), "expired": renewal_expire_overdue()}


@shared_task
def retention_daily():
    """Erase the requests closed for longer than the collectivité keeps them (run per collectivité)."""
    return retention_purge()
