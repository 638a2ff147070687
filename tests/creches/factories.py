"""Establishments for tests, created inside a collectivité's schema."""

import datetime

import factory
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django_tenants.utils import tenant_context

from creches.enums import CareKind, EstablishmentType, Manager
from creches.models import Establishment, Section
from tests.utils import user_in


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Crèche d'essai {n}")
    slug = factory.Sequence(lambda n: f"creche-essai-{n}")
    type = EstablishmentType.CRECHE_COLLECTIVE
    manager = Manager.MUNICIPAL
    address = "1 rue de la Paix"
    postal_code = "44000"
    code_insee = "44109"
    commune = "Nantes"
    latitude = "47.21800"
    longitude = "-1.55360"
    opening_days = factory.LazyFunction(lambda: [0, 1, 2, 3, 4])
    opens_at = datetime.time(7, 30)
    closes_at = datetime.time(18, 30)
    capacity = 40
    insertion_places = 2
    care_kinds = factory.LazyFunction(lambda: [CareKind.REGULIER])

    class Params:
        micro = factory.Trait(
            type=EstablishmentType.MICRO_CRECHE_PAJE, manager=Manager.PRIVE, capacity=12, insertion_places=0
        )


def establishment_in(collectivite, sections=(("bebes", 2, 18, 10), ("grands", 18, 48, 20)), **fields):
    """An establishment and its sections (code, min age, max age, places) in a collectivité."""
    with tenant_context(collectivite):
        establishment = EstablishmentFactory(**fields)
        for code, low, high, places in sections:
            Section.objects.create(
                establishment=establishment,
                code=code,
                name=code.capitalize(),
                min_age_months=low,
                max_age_months=high,
                capacity=places,
            )
    connection.set_schema_to_public()
    return establishment


def staff_in(collectivite, email, roles):
    """A staff account with TOTP set up (staff must have it before reaching any page)."""
    user = user_in(collectivite, email=email, roles=roles)
    with tenant_context(collectivite):
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    connection.set_schema_to_public()
    return user
