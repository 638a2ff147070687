"""The families' test data: factory-boy factories (use them inside `tenant_context(collectivite)`), then
helpers that enter the collectivité themselves (`family_in`, `application_in`…: tests that drive pages)."""

import datetime
import hashlib
import io

import factory
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfWriter
from weasyprint import HTML

from creches.models import Establishment, Section
from families.enums import ApplicationStatus, DocumentStatus, ProfessionalSituation
from families.models import Application, Child, Document, DocumentType, Family, Guardian, Wish
from families.services import application_refresh_facts
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.utils import user_in


def blank_pdf_bytes():
    """A one-page blank PDF that pypdf reads back (what uploads accept); cheaper than `pdf_bytes`."""
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    roles = factory.LazyFunction(lambda: [Role.PARENT])

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    account = factory.SubFactory(UserFactory)
    address = "3 rue Haute"
    postal_code = "44000"
    commune = "Nantes"
    code_insee = "44109"
    numero_allocataire = "1234567"
    quotient_familial = 900

    class Params:
        outside = factory.Trait(commune="Rezé", code_insee="44143", postal_code="44400")


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    family = factory.SubFactory(FamilyFactory)
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    email = factory.LazyAttribute(lambda guardian: f"{guardian.last_name.lower()}@exemple.test")
    professional_situation = ProfessionalSituation.EMPLOI
    # The next free place in the foyer (1 or 2): a third one is refused by the database.
    position = factory.LazyAttribute(lambda guardian: guardian.family.guardians.count() + 1)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    first_name = "Lou"
    last_name = factory.Sequence(lambda n: f"Enfant{n}")
    birth_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=300))

    class Params:
        unborn = factory.Trait(
            first_name="",
            birth_date=None,
            expected_date=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90)),
        )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A filed request (déposée) of a family with one guardian; `wishes=[establishment, …]` sets the vœux."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    child = factory.SubFactory(ChildFactory, family=factory.SelfAttribute("..family"))
    desired_start = factory.LazyFunction(lambda: (timezone.localdate() + datetime.timedelta(days=60)).replace(day=1))
    planning = factory.LazyFunction(lambda: {"mon": ["08:00", "17:00"], "tue": ["08:30", "16:30"]})
    status = ApplicationStatus.DEPOSEE
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=ApplicationStatus.BROUILLON, submitted_at=None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        application = model_class(*args, **kwargs)
        application_refresh_facts(application)
        application.save()
        return application

    @factory.post_generation
    def guardian(application, create, extracted, **kwargs):
        if create and extracted is not False and not application.family.guardians.exists():
            GuardianFactory(family=application.family, last_name=application.child.last_name, **kwargs)

    @factory.post_generation
    def wishes(application, create, extracted, **kwargs):
        if create and extracted:
            Wish.objects.bulk_create(
                Wish(application=application, establishment=establishment, rank=rank)
                for rank, establishment in enumerate(extracted, start=1)
            )


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    name = factory.Sequence(lambda n: f"Multi-accueil n° {n}")
    slug = factory.Sequence(lambda n: f"multi-accueil-{n}")
    type = "creche_collective"
    manager = "municipal"
    address = "1 rue de la Paix"
    postal_code = "44000"
    code_insee = "44109"
    commune = "Nantes"
    opening_days = factory.LazyFunction(lambda: [0, 1, 2, 3, 4])
    opens_at = datetime.time(7, 30)
    closes_at = datetime.time(18, 30)
    capacity = 40
    care_kinds = factory.LazyFunction(lambda: ["regulier"])
    insertion_places = 2


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    establishment = factory.SubFactory(EstablishmentFactory)
    name = "Bébés"
    code = "bebes"
    min_age_months = 2
    max_age_months = 12
    capacity = 12


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored piece; `content` (bytes) defaults to a tiny valid PDF."""

    class Meta:
        model = Document
        exclude = ["content"]

    application = factory.SubFactory(ApplicationFactory)
    document_type = factory.LazyFunction(lambda: DocumentType.objects.get(code="domicile"))
    content = factory.LazyFunction(blank_pdf_bytes)
    content_type = "application/pdf"
    original_name = "justificatif.pdf"
    size = factory.LazyAttribute(lambda document: len(document.content))
    sha256 = factory.LazyAttribute(lambda document: hashlib.sha256(document.content).hexdigest())
    status = DocumentStatus.PENDING
    file = factory.LazyAttribute(lambda document: ContentFile(document.content, name=document.original_name))

    class Params:
        image = factory.Trait(
            content=factory.LazyFunction(png_bytes), content_type="image/png", original_name="photo.png"
        )
        valid = factory.Trait(status=DocumentStatus.VALID)


def complete_pieces(application, *, status=DocumentStatus.VALID):
    """One document for each required type."""
    return [
        DocumentFactory(application=application, document_type=kind, status=status)
        for kind in DocumentType.objects.filter(required=True, is_active=True)
    ]


# --- Helpers that enter the collectivité themselves ------------------------------------------------


def pdf_bytes(text="Justificatif"):
    return HTML(string=f"<p>{text}</p>").write_pdf()


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
