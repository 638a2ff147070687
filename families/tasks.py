from celery import shared_task

from families.models import Application
from families.services import (
    attestation_build,
    attestations_build_missing,
    renewal_expire_overdue,
    renewal_remind_due,
    retention_purge,
)


@shared_task
def build_attestation(application_id):
    """Draw the attestation de dépôt and store it with the request (inside its collectivité)."""
    application = Application.objects.select_related("child", "family").filter(pk=application_id).first()
    if application is not None:
        attestation_build(application)


@shared_task
def attestations_sweep():
    """Build the attestations still missing (lost builds, demo data) in one collectivité."""
    return attestations_build_missing()


@shared_task
def renewals_daily():
    """Remind families whose renewal is due, expire the requests left unrenewed (run per collectivité)."""
    return {"reminded": renewal_remind_due(), "expired": renewal_expire_overdue()}


@shared_task
def retention_daily():
    """Erase the requests closed for longer than the collectivité keeps them (run per collectivité)."""
    return retention_purge()
