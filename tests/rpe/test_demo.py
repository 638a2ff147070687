"""The demo directory follows the contract (contracts/rpe.md) and the Vie et Boulogne plan (seed 001)."""

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import tenant_context

from rpe.demo import VIE_ET_BOULOGNE_MOVES
from rpe.enums import ActivityStatus, AvailabilityStatus
from rpe.models import AssistantMaternel, Availability, Mam, Relais, RelaisMembership

pytestmark = pytest.mark.django_db


def test_vie_et_boulogne_has_one_relais_over_its_15_communes_and_six_animatrices(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        relais = Relais.objects.get()
        assert len(relais.communes) == 15 and relais.is_itinerant
        animatrices = RelaisMembership.objects.filter(relais=relais).values_list("user__email", flat=True)
        assert len(animatrices) == 6 and "animatrice@vie-et-boulogne.demo" in animatrices
        assert relais.lieux.count() >= 3


def test_vie_et_boulogne_am_match_the_plan(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        active = AssistantMaternel.objects.listed()
        assert 300 <= active.count() <= 320
        year = timezone.localdate().year
        assert active.filter(birth_year__lt=year - 55).count() > 100
        assert Mam.objects.count() == 12
        places = active.aggregate(total=Sum("places__count"))["total"]
        assert 1000 <= places <= 1200
        for year, (archived, arrived) in VIE_ET_BOULOGNE_MOVES.items():
            assert AssistantMaternel.objects.filter(archived_on__year=year).count() == archived
            assert AssistantMaternel.objects.filter(arrived_on__year=year).count() == arrived


@pytest.mark.parametrize("slug", ["vie-et-boulogne", "metz"])
def test_publication_refusals_and_declarations_meet_the_contract(slug):
    from portal.models import Collectivite

    with tenant_context(Collectivite.objects.get(slug=slug)):
        ams = AssistantMaternel.objects.all()
        total = ams.count()
        assert ams.filter(publish_phone=False).count() >= 0.10 * total
        assert ams.filter(publish_email=False).count() >= 0.10 * total
        assert ams.filter(publish_address=False).count() >= 0.20 * total
        listed = AssistantMaternel.objects.listed()
        declared = listed.filter(availability_confirmed_on__isnull=False).count()
        assert 0.25 * listed.count() <= declared <= 0.45 * listed.count()
        assert len(set(listed.values_list("availability_confirmed_on", flat=True))) > 20


def test_metz_has_three_relais_and_about_370_am(metz):
    with tenant_context(metz):
        assert Relais.objects.count() == 3
        assert 350 <= AssistantMaternel.objects.listed().count() <= 390


@pytest.mark.parametrize("slug", ["vie-et-boulogne", "metz"])
def test_the_demo_am_account_is_complete_published_and_declared(slug):
    from portal.models import Collectivite

    with tenant_context(Collectivite.objects.get(slug=slug)):
        am = AssistantMaternel.objects.get(user__email=f"am@{slug}.demo")
        assert am.publish_phone and am.publish_email and am.publish_address and am.phone and am.address
        assert am.activity_status == ActivityStatus.ACTIVE and not am.is_stale()
        assert Availability.objects.filter(place__am=am).exclude(status=AvailabilityStatus.NONE).exists()


def test_seed_demo_is_idempotent(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        before = (AssistantMaternel.objects.count(), Relais.objects.count(), RelaisMembership.objects.count())
    call_command("seed_demo", allow_demo=True, verbosity=0)
    with tenant_context(vie_et_boulogne):
        after = (AssistantMaternel.objects.count(), Relais.objects.count(), RelaisMembership.objects.count())
    assert before == after
