"""Small builders for the family side's tests: a family with a child, an establishment, a request."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from weasyprint import HTML

from creches.models import Establishment, Section
from families.enums import ApplicationStatus, ProfessionalSituation
from families.models import Application, Child, Family, Guardian, Wish
from families.services import application_refresh_facts
from portal.accounts.roles import Role
from tests.utils import user_in


def pdf_bytes(text="Justificatif"):
    return HTML(string=f"<p>{text}</p>").write_pdf()


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def establishment_in(collectivite, slug="les-lutins"):
    with tenant_context(collectivite):
        establishment, _created = Establishment.objects.get_or_create(
            slug=slug,
            defaults={
                "name": f"Multi-accueil {slug}",
                "type": "creche_collective",
                "manager": "municipal",
                "address": "1 rue de la Paix",
                "postal_code": "44000",
                "code_insee": "44109",
                "commune": "Nantes",
                "opening_days": [0, 1, 2, 3, 4],
                "opens_at": datetime.time(7, 30),
                "closes_at": datetime.time(18, 30),
                "capacity": 40,
                "care_kinds": ["regulier"],
                "insertion_places": 2,
            },
        )
        Section.objects.get_or_create(
            establishment=establishment,
            code="tous",
            defaults={"name": "Tous âges", "min_age_months": 2, "max_age_months": 48, "capacity": 40},
        )
    connection.set_schema_to_public()
    return establishment


def family_in(collectivite, email="famille@alpha.test"):
    """A parent account with its foyer filled in and one child born ten months ago."""
    user = user_in(collectivite, email=email, roles=[Role.PARENT])
    with tenant_context(collectivite):
        family = Family.objects.create(
            account=user, address="3 rue Haute", postal_code="44000", commune="Nantes", code_insee="44109"
        )
        Guardian.objects.create(
            family=family, first_name="Alex", last_name="Durand", professional_situation=ProfessionalSituation.EMPLOI
        )
        child = Child.objects.create(
            family=family,
            first_name="Lou",
            last_name="Durand",
            birth_date=timezone.localdate() - datetime.timedelta(days=300),
        )
    connection.set_schema_to_public()
    return user, family, child


def child_in(collectivite, family, first_name="Sam"):
    """Another child of the foyer (one live request per child: a second request needs a second child)."""
    with tenant_context(collectivite):
        child = Child.objects.create(
            family=family,
            first_name=first_name,
            last_name="Durand",
            birth_date=timezone.localdate() - datetime.timedelta(days=300),
        )
    connection.set_schema_to_public()
    return child


def application_in(collectivite, family, child, status=ApplicationStatus.BROUILLON, establishment=None):
    with tenant_context(collectivite):
        application = Application(
            family=family,
            child=child,
            desired_start=(timezone.localdate() + datetime.timedelta(days=60)).replace(day=1),
            planning={"mon": ["08:00", "17:00"], "tue": ["08:00", "17:00"]},
            status=status,
            submitted_at=None if status == ApplicationStatus.BROUILLON else timezone.now(),
        )
        application_refresh_facts(application)
        application.save()
        if establishment is not None:
            Wish.objects.create(application=application, establishment=establishment, rank=1)
    connection.set_schema_to_public()
    return application
