"""Ateliers: seats counted in adults and children, the waiting list in order, reminders, programmes."""

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal.accounts.roles import Role
from portal.enums import Actor
from portal.outbox.checks import still_applies
from portal.outbox.models import OutboxMessage
from rpe.ateliers import services
from rpe.ateliers.enums import AtelierKind, RecurrenceFrequency, RegistrationStatus
from rpe.ateliers.recurrence import programme_dates
from rpe.ateliers.services import term_time_skips
from rpe.booking.calendars import booking_settings
from rpe.models import SchoolHoliday
from rpe.models.ateliers import AtelierProgramme, Registration
from tests.families.factories import UserFactory
from tests.rpe.factories import AssistantMaternelFactory, AtelierFactory, RelaisFactory

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def register(atelier, am, children=0, **extra):
    return services.registration_create(
        atelier_id=atelier.pk, user=am.user, assistant=am, children=children, actor=Actor.AM, **extra
    )


def test_seats_count_adults_and_children(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(seats_adults=3, seats_children=4)
        first, second, third = (AssistantMaternelFactory(with_account=True) for _ in range(3))
        assert register(atelier, first, children=3).status == S.REGISTERED
        # Two children would make five for four seats: she waits though an adult seat is free.
        assert register(atelier, second, children=2).status == S.WAITING
        # Nobody overtakes the waiting list, even one who would fit.
        assert register(atelier, third, children=0).status == S.WAITING
        assert atelier.free_seats() == (2, 1)


def test_a_second_registration_of_the_same_am_is_refused(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory()
        am = AssistantMaternelFactory(with_account=True)
        register(atelier, am, children=1)
        with pytest.raises(services.AlreadyRegistered):
            register(atelier, am, children=2)
        assert Registration.objects.filter(atelier=atelier).count() == 1


def test_cancellation_promotes_the_waiting_list_in_order_and_tells_each_once(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(seats_adults=1, seats_children=2)
        holder, first, second = (AssistantMaternelFactory(with_account=True) for _ in range(3))
        held = register(atelier, holder, children=2)
        waiting_first = register(atelier, first, children=2)
        waiting_second = register(atelier, second, children=1)
        assert waiting_first.status == waiting_second.status == S.WAITING

        promoted = services.registration_cancel(held, actor=Actor.AM, user=holder.user)

        assert [registration.pk for registration in promoted] == [waiting_first.pk]
        waiting_first.refresh_from_db()
        waiting_second.refresh_from_db()
        assert (waiting_first.status, waiting_second.status) == (S.REGISTERED, S.WAITING)
        told = OutboxMessage.objects.about(waiting_first).filter(kind="rpe.atelier_promoted")
        assert told.count() == 1
        assert waiting_first.log.last().actor == Actor.SYSTEM
        # Leaving the waiting list frees no seat: nobody is promoted.
        assert services.registration_cancel(waiting_second, actor=Actor.AM, user=second.user) == []


def test_a_reminder_is_scheduled_and_dropped_once_the_registration_is_cancelled(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(start=timezone.now() + datetime.timedelta(days=5))
        am = AssistantMaternelFactory(with_account=True)
        registration = register(atelier, am, children=1)
        reminder = OutboxMessage.objects.about(registration).get(kind="rpe.atelier_reminder")
        assert reminder.send_at == atelier.start - datetime.timedelta(hours=48)
        assert still_applies(reminder)
        services.registration_cancel(registration, actor=Actor.AM, user=am.user)
        assert not still_applies(reminder)


def test_no_reminder_when_its_time_has_passed_already(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(start=timezone.now() + datetime.timedelta(hours=20))
        registration = register(atelier, AssistantMaternelFactory(with_account=True))
        assert not OutboxMessage.objects.about(registration).filter(kind="rpe.atelier_reminder").exists()
        assert OutboxMessage.objects.about(registration).filter(kind="rpe.atelier_registered").count() == 1


def test_a_moved_atelier_drops_the_old_reminder(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(start=timezone.now() + datetime.timedelta(days=5))
        registration = register(atelier, AssistantMaternelFactory(with_account=True))
        reminder = OutboxMessage.objects.about(registration).get(kind="rpe.atelier_reminder")
        atelier.start += datetime.timedelta(days=1)
        atelier.end += datetime.timedelta(days=1)
        atelier.save()
        assert not still_applies(reminder)


@pytest.mark.parametrize(
    ("start_in", "kind", "actor", "message"),
    [
        (datetime.timedelta(hours=-1), AtelierKind.EARLY_LEARNING, Actor.AM, "commencé"),
        (datetime.timedelta(days=2), AtelierKind.EARLY_LEARNING, Actor.FAMILY, "réservé aux assistants maternels"),
    ],
)
def test_refused_registrations_say_why_and_write_nothing(alpha, start_in, kind, actor, message):
    with tenant_context(alpha):
        atelier = AtelierFactory(start=timezone.now() + start_in, kind=kind)
        parent = UserFactory(roles=[Role.PARENT])
        with pytest.raises(services.RegistrationRefused, match=message):
            services.registration_create(atelier_id=atelier.pk, user=parent, actor=actor)
        assert not Registration.objects.filter(atelier=atelier).exists()


def test_a_parent_registers_to_an_information_meeting(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(kind=AtelierKind.INFORMATION_MEETING, seats_children=0)
        parent = UserFactory(roles=[Role.PARENT])
        registration = services.registration_create(atelier_id=atelier.pk, user=parent, actor=Actor.FAMILY)
        assert registration.status == S.REGISTERED


def test_attendance_marks_who_came_with_how_many_children(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(start=timezone.now() + datetime.timedelta(hours=2))
        came, missed = (AssistantMaternelFactory(with_account=True) for _ in range(2))
        came_registration = register(atelier, came, children=3)
        missed_registration = register(atelier, missed, children=1)
        services.attendance_record(atelier, present={came_registration.pk: 2})
        came_registration.refresh_from_db()
        missed_registration.refresh_from_db()
        assert (came_registration.status, came_registration.children_present) == (S.ATTENDED, 2)
        assert missed_registration.status == S.ABSENT


def test_attendance_is_refused_before_the_day(alpha):
    with tenant_context(alpha):
        atelier = AtelierFactory(start=timezone.now() + datetime.timedelta(days=3))
        with pytest.raises(services.RegistrationRefused):
            services.attendance_record(atelier, present={})


def test_every_tuesday_in_term_time_skips_school_and_public_holidays(alpha):
    first, last = datetime.date(2026, 9, 1), datetime.date(2027, 7, 3)
    with tenant_context(alpha):
        skipped = term_time_skips(first, last)
    dates = programme_dates(first=first, last=last, weekday=1, skipped=skipped)
    assert all(day.weekday() == 1 for day in dates)
    assert datetime.date(2026, 10, 20) not in dates  # Toussaint holidays
    assert datetime.date(2026, 12, 22) not in dates  # Christmas holidays
    assert datetime.date(2026, 10, 13) in dates
    fortnightly = programme_dates(
        first=first, last=last, weekday=1, frequency=RecurrenceFrequency.FORTNIGHTLY, skipped=skipped
    )
    assert len(fortnightly) < len(dates)


def test_a_programme_generates_its_sessions_once(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
        programme = AtelierProgramme.objects.create(
            relais=relais,
            kind=AtelierKind.EARLY_LEARNING,
            title="Matinée d'éveil à Aizenay",
            code_insee="85003",
            seats_adults=8,
            seats_children=16,
            weekday=1,
            start_time=datetime.time(9, 30),
            end_time=datetime.time(11, 30),
            first_date=datetime.date(2026, 9, 1),
            last_date=datetime.date(2026, 12, 31),
        )
        created = services.programme_generate(programme)
        assert created == programme.ateliers.count() > 10
        assert services.programme_generate(programme) == 0
        first = programme.ateliers.order_by("start").first()
        assert timezone.localtime(first.start).time() == datetime.time(9, 30)


def test_a_programme_skips_the_school_holidays_the_administrator_added_past_the_official_data(alpha):
    with tenant_context(alpha):
        zone = booking_settings().school_zone
        SchoolHoliday.objects.create(
            zone=zone,
            name="Vacances d'automne",
            first_day=datetime.date(2031, 10, 18),
            last_day=datetime.date(2031, 11, 2),
        )
        skipped = term_time_skips(datetime.date(2031, 9, 1), datetime.date(2031, 12, 1))
    assert datetime.date(2031, 10, 21) in skipped
    assert datetime.date(2031, 10, 14) not in skipped
