"""A small territory whose every figure is computed by hand in the tests (tests/observatoire/test_indicators.py)."""

import datetime

from django.utils import timezone

from creches.enums import EstablishmentType, Manager
from families.enums import ApplicationStatus, CareMode
from observatoire.models import CommunePopulation
from tests.creches.factories import EstablishmentFactory
from tests.families.factories import ApplicationFactory, FamilyFactory
from tests.rpe.factories import AssistantMaternelFactory, RelaisFactory

COMMUNES = [
    {"code_insee": "44109", "nom": "Nantes", "latitude": 47.218, "longitude": -1.5536},
    {"code_insee": "44143", "nom": "Rezé", "latitude": 47.1906, "longitude": -1.5699},
]


def territory(collectivite):
    """Two communes with coordinates (in memory: the tenant object the test enters)."""
    collectivite.communes = COMMUNES
    return collectivite


def hand_computed_world(year=None):
    """Nantes: 200 children under 3, 40 PSU + 12 PAJE places, 3 AM (3 places each, 2 declared free), an archived AM;
    10 requests. Rezé: 100 children, 20 PSU places, 1 AM with 4 places; 3 requests."""
    year = year or timezone.localdate().year
    CommunePopulation.objects.create(code_insee="44109", year=year - 1, children_under_3=200, name="Nantes")
    CommunePopulation.objects.create(code_insee="44143", year=year - 1, children_under_3=100, name="Rezé")
    EstablishmentFactory(slug="obs-nantes-psu", capacity=40, manager=Manager.MUNICIPAL)
    EstablishmentFactory(
        slug="obs-nantes-paje",
        type=EstablishmentType.MICRO_CRECHE_PAJE,
        manager=Manager.PRIVE,
        capacity=12,
        insertion_places=0,
    )
    EstablishmentFactory(
        slug="obs-reze",
        capacity=20,
        manager=Manager.ASSOCIATIF,
        code_insee="44143",
        commune="Rezé",
        insertion_places=1,
    )
    relais = RelaisFactory()
    AssistantMaternelFactory(relais=relais, places=3, birth_year=year - 66)
    AssistantMaternelFactory(relais=relais, places=3, birth_year=year - 51, free_places=2)
    AssistantMaternelFactory(relais=relais, places=3, birth_year=year - 36)
    AssistantMaternelFactory(relais=relais, places=4, birth_year=year - 64, code_insee="44143")
    AssistantMaternelFactory(relais=relais, places=2, birth_year=year - 40, archived_on=datetime.date(year - 1, 6, 1))
    nantes = [ApplicationFactory() for _ in range(10)]
    reze = [ApplicationFactory(family=FamilyFactory(outside=True)) for _ in range(3)]
    return {"nantes": nantes, "reze": reze, "modes": CareMode, "statuses": ApplicationStatus}
