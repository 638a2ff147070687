"""The appointments' demo: a year of plages and appointments per relais, free slots for families ahead."""

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from rpe import demo_booking
from rpe.booking import calendars
from rpe.booking.enums import AppointmentStatus, BookableBy
from rpe.models import Appointment, Motif, Plage
from tests.rpe.factories import AnimatriceFactory, LieuFactory, RelaisFactory

pytestmark = pytest.mark.django_db


def test_every_relais_gets_a_year_of_appointments_and_free_slots_for_families(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
        for _number in range(3):
            LieuFactory(relais=relais)
        for _number in range(6):
            AnimatriceFactory(relais=relais)
        demo_booking.seed(alpha)
        demo_booking.seed(alpha)  # idempotent
        assert Motif.objects.filter(relais=relais).count() == len(demo_booking.MOTIFS)
        assert Plage.objects.filter(lieu__relais=relais).count() == 12
        appointments = Appointment.objects.filter(relais=relais)
        assert appointments.count() > 800
        assert appointments.filter(status=AppointmentStatus.SEEN).exclude(notes="").exists()
        assert appointments.filter(status=AppointmentStatus.NO_SHOW).exists()
        assert appointments.filter(status=AppointmentStatus.BOOKED).exists()
        now = timezone.now()
        families = Motif.objects.filter(relais=relais, bookable_by=BookableBy.FAMILIES)
        free = [calendars.next_free(motif, count=1, horizon_days=30) for motif in families]
        assert any(slots and slots[0].start < now + datetime.timedelta(days=30) for slots in free)


@pytest.mark.parametrize("slug", ["vie-et-boulogne", "metz"])
def test_every_demo_relais_has_a_family_motif_with_free_slots_within_30_days(slug):
    from portal.models import Collectivite
    from rpe.models import Relais

    with tenant_context(Collectivite.objects.get(slug=slug)):
        relais = list(Relais.objects.all())
        assert relais
        for one in relais:
            best = calendars.next_free_across_relais(one, audiences=[BookableBy.FAMILIES, BookableBy.EVERYONE])
            assert best is not None, one
            assert best[0].start < timezone.now() + datetime.timedelta(days=30)
            assert Appointment.objects.filter(relais=one).count() > 300
