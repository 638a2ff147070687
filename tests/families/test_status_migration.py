"""Migration 0009 rewrites the requests' stored statuses from French to English values, and back."""

import importlib

from django.apps import apps
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus
from families.models import Application, StatusChange
from tests.families.factories import ApplicationFactory

migration = importlib.import_module("families.migrations.0009_application_status_in_english")


def test_every_status_has_its_french_value_and_the_rewrite_goes_both_ways(alpha):
    assert set(migration.FRENCH_TO_ENGLISH.values()) == set(ApplicationStatus.values)
    with tenant_context(alpha):
        application = ApplicationFactory()
        StatusChange.objects.create(
            subject=application, from_status=ApplicationStatus.BROUILLON, to_status=ApplicationStatus.DEPOSEE
        )
        # As a database written before the migration holds them (French values are not live: no constraint hit).
        Application.objects.filter(pk=application.pk).update(status="liste_attente")
        StatusChange.objects.filter(subject=application).update(from_status="brouillon", to_status="deposee")

        migration.rewrite(migration.FRENCH_TO_ENGLISH)(apps, None)
        application.refresh_from_db()
        change = StatusChange.objects.get(subject=application)
        assert application.status == ApplicationStatus.LISTE_ATTENTE
        assert (change.from_status, change.to_status) == (ApplicationStatus.BROUILLON, ApplicationStatus.DEPOSEE)

        backwards = {english: french for french, english in migration.FRENCH_TO_ENGLISH.items()}
        migration.rewrite(backwards)(apps, None)
        assert Application.objects.values_list("status", flat=True).get(pk=application.pk) == "liste_attente"
        assert StatusChange.objects.values_list("from_status", "to_status").get(subject=application) == (
            "brouillon",
            "deposee",
        )
