"""The demo's ateliers and contacts (contracts/rpe.md, seed 001)."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import tenant_context

from rpe.ateliers.enums import AtelierKind
from rpe.figures.compute import relais_figures
from rpe.inbox.enums import ContactPerson
from rpe.models import Relais
from rpe.models.ateliers import Atelier

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["vie-et-boulogne", "metz"])
def test_every_relais_has_an_atelier_with_free_seats_in_the_coming_30_days(slug, request):
    collectivite = request.getfixturevalue(slug.replace("-", "_"))
    now = timezone.now()
    with tenant_context(collectivite):
        for relais in Relais.objects.all():
            coming = Atelier.objects.filter(
                relais=relais, start__gt=now, start__lt=now + datetime.timedelta(days=30), cancelled_at__isnull=True
            ).with_seats_taken()
            assert any(atelier.free_seats()[0] > 0 for atelier in coming), relais


def test_vie_et_boulogne_holds_about_250_matinees_over_its_15_communes(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        matinees = Atelier.objects.filter(kind=AtelierKind.EARLY_LEARNING)
        assert 220 <= matinees.count() <= 290
        assert matinees.values("code_insee").distinct().count() == 15
        assert Atelier.objects.filter(kind=AtelierKind.PRACTICE_ANALYSIS, seats_adults=8).count() == 8


def test_vie_et_boulogne_contacts_follow_the_seed_volumes(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        relais = Relais.objects.get()
        today = timezone.localdate()
        # The demo's year runs back from today: add this year's figures and last year's.
        totals = {}
        for year in (today.year - 1, today.year):
            for person, count in relais_figures(relais, year).contacts_by_person.items():
                totals[person] = totals.get(person, 0) + count
    assert totals[ContactPerson.FAMILY] == 454
    assert totals[ContactPerson.PARENT_EMPLOYER] == 364
    assert totals[ContactPerson.ASSISTANT_MATERNEL] == 206


def test_metz_has_three_relais_with_their_programme(metz):
    with tenant_context(metz):
        counts = Relais.objects.annotate(n=Count("pk")).count()
        assert counts == 3
        for relais in Relais.objects.all():
            assert Atelier.objects.filter(relais=relais, kind=AtelierKind.EARLY_LEARNING).exists()
