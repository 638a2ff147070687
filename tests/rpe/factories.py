"""factory-boy factories for the relais petite enfance (shared by every rpe test). Use them inside
`tenant_context(collectivite)`.

    am = AssistantMaternelFactory(with_account=True, refused=["phone"], places=2, free_places=1)
"""

import datetime

import factory
from django.utils import timezone

from portal.accounts.roles import Role
from rpe.enums import WEEKDAY_HALF_DAYS, AvailabilityStatus, LieuKind, Workplace
from rpe.geo import coarsen
from rpe.models import (
    AgrementPlace,
    AssistantMaternel,
    Availability,
    Lieu,
    Mam,
    Relais,
    RelaisMembership,
)
from tests.families.factories import UserFactory


class RelaisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relais

    name = factory.Sequence(lambda n: f"Relais petite enfance {n}")
    communes = factory.LazyFunction(lambda: ["44109"])
    email = factory.Sequence(lambda n: f"relais{n}@exemple.test")
    phone = "02 40 00 00 00"


class LieuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lieu

    relais = factory.SubFactory(RelaisFactory)
    kind = LieuKind.HEAD_OFFICE
    name = factory.Sequence(lambda n: f"Maison de l'enfance {n}")
    address = "1 place de la Mairie"
    code_insee = "44109"
    latitude = 47.2184
    longitude = -1.5536


class AnimatriceFactory(UserFactory):
    """An account with the animatrice role, member of `relais` (a new one unless given)."""

    roles = factory.LazyFunction(lambda: [Role.ANIMATRICE_RPE])
    first_name = "Hélène"

    @factory.post_generation
    def relais(user, create, extracted, **kwargs):
        if create:
            for relais in extracted if isinstance(extracted, list | tuple) else [extracted or RelaisFactory()]:
                RelaisMembership.objects.create(user=user, relais=relais)


class MamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mam

    relais = factory.SubFactory(RelaisFactory)
    name = factory.Sequence(lambda n: f"MAM Les Petits Pas {n}")
    address = "5 rue des Écoles"
    code_insee = "44109"
    latitude = 47.22
    longitude = -1.55


class AssistantMaternelFactory(factory.django.DjangoModelFactory):
    """Published (phone, email, address) unless `refused=[...]` names fields she keeps private.

    `with_account=True` gives her an account with the AM role; `places=n` agrément places (one row of
    n places from 0 to 36 months); `free_places=k` declares k of them free now on weekdays.
    """

    class Meta:
        model = AssistantMaternel
        skip_postgeneration_save = True

    class Params:
        with_account = False
        refused = ()

    user = factory.Maybe(
        "with_account",
        factory.SubFactory(UserFactory, roles=[Role.ASSISTANT_MATERNEL]),
        None,
    )
    relais = factory.SubFactory(RelaisFactory)
    first_name = "Sylvie"
    last_name = factory.Sequence(lambda n: f"Giraud{n}")
    birth_year = 1975
    phone = factory.Sequence(lambda n: f"06 12 {n // 100 % 100:02d} {n % 100:02d} 9{n % 10}")
    email = factory.Sequence(lambda n: f"am{n}@exemple.test")
    address = factory.Sequence(lambda n: f"{n + 1} impasse des Lilas")
    postal_code = "44000"
    code_insee = "44109"
    latitude = factory.Sequence(lambda n: round(47.2 + (n % 97) * 0.00037, 6))
    longitude = factory.Sequence(lambda n: round(-1.56 + (n % 89) * 0.00041, 6))
    coarse_latitude = factory.LazyAttribute(lambda am: coarsen(am.latitude, am.longitude)[0])
    coarse_longitude = factory.LazyAttribute(lambda am: coarsen(am.latitude, am.longitude)[1])
    agrement_number = factory.Sequence(lambda n: f"AGR-{n:06d}")
    agrement_date = datetime.date(2015, 3, 1)
    renewal_due_on = datetime.date(2030, 3, 1)
    workplace = Workplace.HOME
    arrived_on = datetime.date(2015, 3, 1)
    publish_phone = factory.LazyAttribute(lambda am: "phone" not in am.refused)
    publish_email = factory.LazyAttribute(lambda am: "email" not in am.refused)
    publish_address = factory.LazyAttribute(lambda am: "address" not in am.refused)
    availability_confirmed_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def places(am, create, extracted, **kwargs):
        if create and extracted:
            AgrementPlace.objects.create(am=am, count=extracted, age_min_months=0, age_max_months=36)

    @factory.post_generation
    def free_places(am, create, extracted, **kwargs):
        if create and extracted:
            place = am.places.first() or AgrementPlace.objects.create(am=am, count=extracted)
            Availability.objects.create(
                place=place,
                status=AvailabilityStatus.NOW,
                count=extracted,
                half_days=WEEKDAY_HALF_DAYS,
                age_min_months=place.age_min_months,
                age_max_months=place.age_max_months,
            )
