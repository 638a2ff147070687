"""Booking appointments: the database refuses double bookings, reminders are sent once, ICS round-trips,
a person sees only their own appointments and never the relais' notes."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import get_resolver
from django.utils import timezone
from django_tenants.utils import tenant_context
from freezegun import freeze_time
from icalendar import Calendar

from portal.accounts.roles import Role
from portal.outbox.enums import MessageStatus
from portal.outbox.models import OutboxMessage
from portal.outbox.services import outbox_drain
from rpe.booking import services
from rpe.booking.enums import AppointmentStatus
from rpe.booking.ics import appointment_ics
from rpe.models import Appointment
from rpe.slots import PARIS
from tests.families.factories import UserFactory
from tests.rpe.factories import MotifFactory, PlageFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db

# Booking reverses URLs, which loads every view; load them now, before any frozen clock: DRF's throttle keeps
# `time.time` as it finds it at import, and a frozen one would break every later API test.
get_resolver().url_patterns  # noqa: B018

# A Monday well ahead, at a time the plage (9:00-12:00 every week) is open.
MONDAY = datetime.date(2030, 3, 4)
NINE = datetime.datetime(2030, 3, 4, 9, tzinfo=PARIS)
BEFORE = datetime.datetime(2030, 2, 25, 10, tzinfo=PARIS)  # a week earlier: "now" in these tests


def setup_relais(**motif_fields):
    """A relais with one motif and one animatrice receiving every Monday 9:00-12:00 (bookable years ahead, so
    that tests calling the portal need no frozen clock)."""
    motif = MotifFactory(**{"max_delay_days": 3650, **motif_fields})
    plage = PlageFactory(lieu__relais=motif.relais, first_day=MONDAY, motifs=[motif])
    return motif, plage


def book(motif, plage, person, start=NINE):
    return services.appointment_book(motif=motif, start=start, lieu=plage.lieu, booked_by=person, person=person)


@freeze_time(BEFORE)
def test_the_database_refuses_an_overlapping_appointment_whatever_the_code_path(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        first = book(motif, plage, UserFactory())
        overlapping = Appointment(
            motif=motif,
            relais=motif.relais,
            lieu=plage.lieu,
            animatrice=plage.animatrice,
            start=NINE + datetime.timedelta(minutes=15),
            end=NINE + datetime.timedelta(minutes=45),
            blocked_until=NINE + datetime.timedelta(minutes=45),
            person=UserFactory(),
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            overlapping.save()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO rpe_appointment (uid, motif_id, relais_id, lieu_id, animatrice_id, start, "end",'
                " blocked_until, status, sequence, notes, contact_name, contact_phone, contact_email, booked_at)"
                " VALUES (gen_random_uuid(), %s, %s, %s, %s, %s, %s, %s, %s, 0, '', '', '', '', now())",
                [
                    motif.pk,
                    motif.relais_id,
                    plage.lieu_id,
                    plage.animatrice_id,
                    first.start,
                    first.end,
                    first.end,
                    AppointmentStatus.BOOKED,
                ],
            )
        # Cancelled, the slot is free again for another live appointment.
        services.appointment_cancel(appointment=first, user=first.person)
        overlapping.save()


@freeze_time(BEFORE)
def test_a_buffer_keeps_the_next_appointment_away_in_the_database_too(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais(buffer_minutes=15)
        book(motif, plage, UserFactory())
        with pytest.raises(services.SlotTaken):
            book(motif, plage, UserFactory(), start=NINE + datetime.timedelta(minutes=30))
        assert book(motif, plage, UserFactory(), start=NINE + datetime.timedelta(minutes=60))


@freeze_time(BEFORE)
def test_a_person_cannot_hold_two_appointments_at_once(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        other = PlageFactory(lieu=plage.lieu, first_day=MONDAY, motifs=[motif])  # a second animatrice, same hours
        person = UserFactory()
        book(motif, plage, person)
        assert other.animatrice != plage.animatrice
        with pytest.raises(services.PersonBusy):
            book(motif, plage, person)


@freeze_time(BEFORE)
def test_a_lost_slot_answers_with_the_next_free_ones(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        book(motif, plage, UserFactory())
        with pytest.raises(services.SlotTaken) as refused:
            book(motif, plage, UserFactory())
        assert str(refused.value) == "Ce créneau vient d'être pris."
        assert refused.value.next_slots[0].start == NINE + datetime.timedelta(minutes=30)


# --- reminders -------------------------------------------------------------------------------------------------


def reminders(appointment):
    return OutboxMessage.objects.about(appointment).filter(kind="rpe.appointment_reminder")


def drain_at(moment):
    with freeze_time(moment):
        return outbox_drain()


def test_a_reminder_is_sent_once_even_when_the_drain_runs_twice(alpha, mailoutbox):
    with tenant_context(alpha):
        with freeze_time(BEFORE):
            motif, plage = setup_relais(reminder_hours=[48])
            appointment = book(motif, plage, UserFactory(email="rappel@exemple.test"))
        assert reminders(appointment).get().send_at == NINE - datetime.timedelta(hours=48)
        drain_at(BEFORE)  # the confirmation
        mailoutbox.clear()
        due = NINE - datetime.timedelta(hours=47)
        drain_at(due)
        drain_at(due)
        assert [message.subject for message in mailoutbox] == [
            "Rappel de votre rendez-vous : Recherche d'un mode d'accueil "
            f"{motif.name.rsplit(' ', 1)[1]}, 4 mars 2030 à 09:00"
        ]
        assert reminders(appointment).get().status == MessageStatus.SENT


def test_no_reminder_after_a_cancellation_or_a_move(alpha, mailoutbox):
    with tenant_context(alpha):
        with freeze_time(BEFORE):
            motif, plage = setup_relais(reminder_hours=[48, 2])
            cancelled = book(motif, plage, UserFactory())
            moved = book(motif, plage, UserFactory(), start=NINE + datetime.timedelta(minutes=30))
            services.appointment_cancel(appointment=cancelled, user=cancelled.person)
            services.appointment_move(
                appointment=moved, start=NINE + datetime.timedelta(days=7), lieu=plage.lieu, user=moved.person
            )
        drain_at(NINE - datetime.timedelta(hours=1))
        sent = OutboxMessage.objects.filter(status=MessageStatus.SENT, kind="rpe.appointment_reminder")
        assert not sent.about(Appointment.objects.filter(pk=cancelled.pk)).exists()
        # The moved appointment's old reminders are skipped; its new ones (a week later) are still to come.
        assert not sent.about(Appointment.objects.filter(pk=moved.pk)).exists()
        assert reminders(moved).filter(status=MessageStatus.PENDING).count() == 2


def test_an_appointment_booked_after_its_reminder_time_gets_one_reminder(alpha, mailoutbox):
    with tenant_context(alpha):
        late = NINE - datetime.timedelta(hours=48) + datetime.timedelta(minutes=10)
        with freeze_time(late):
            motif, plage = setup_relais(reminder_hours=[48, 72])
            appointment = book(motif, plage, UserFactory())
        assert reminders(appointment).count() == 1
        drain_at(late)
        drain_at(late + datetime.timedelta(hours=1))
        assert reminders(appointment).get().status == MessageStatus.SENT


def test_an_appointment_booked_ten_minutes_before_its_reminder_time_gets_it_then(alpha, mailoutbox):
    with tenant_context(alpha):
        early = NINE - datetime.timedelta(hours=48) - datetime.timedelta(minutes=10)
        with freeze_time(early):
            motif, plage = setup_relais(reminder_hours=[48])
            appointment = book(motif, plage, UserFactory())
        drain_at(early)
        assert reminders(appointment).get().status == MessageStatus.PENDING
        drain_at(early + datetime.timedelta(minutes=11))
        drain_at(early + datetime.timedelta(minutes=12))
        assert reminders(appointment).get().status == MessageStatus.SENT


# --- ICS ---------------------------------------------------------------------------------------------------------


def parsed(ics):
    calendar = Calendar.from_ical(ics)
    return calendar, next(iter(calendar.walk("VEVENT")))


@freeze_time(BEFORE)
def test_the_ics_keeps_its_uid_counts_changes_and_says_cancel(alpha, mailoutbox):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        appointment = book(motif, plage, UserFactory())
        outbox_drain()
        calendar, event = parsed(appointment_ics(appointment))
        uid = str(event["UID"])
        assert str(calendar["METHOD"]) == "REQUEST"
        assert event.decoded("DTSTART") == NINE
        assert event["SEQUENCE"] == 0
        moved = services.appointment_move(
            appointment=appointment, start=NINE + datetime.timedelta(hours=1), lieu=plage.lieu, user=appointment.person
        )
        outbox_drain()
        _calendar, event = parsed(appointment_ics(moved))
        assert str(event["UID"]) == uid
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTEND") == NINE + datetime.timedelta(hours=1, minutes=30)
        services.appointment_cancel(appointment=moved, user=moved.person)
        calendar, event = parsed(appointment_ics(moved))
        assert (str(calendar["METHOD"]), str(event["STATUS"]), event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 2)
        assert str(event["UID"]) == uid
        # The emails carry the calendar file: confirmation, new confirmation, cancellation.
        outbox_drain()
        attached = [parsed(message.attachments[0][1]) for message in mailoutbox]
        assert [(str(c["METHOD"]), e["SEQUENCE"], str(e["UID"])) for c, e in attached] == [
            ("REQUEST", 0, uid),
            ("REQUEST", 1, uid),
            ("CANCEL", 2, uid),
        ]


# --- permissions -------------------------------------------------------------------------------------------------


def test_a_family_sees_only_its_own_appointments_and_never_the_notes(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        mine, theirs = UserFactory(), UserFactory()
        own = book(motif, plage, mine)
        other = book(motif, plage, theirs, start=NINE + datetime.timedelta(minutes=30))
        Appointment.objects.filter(pk__in=[own.pk, other.pk]).update(notes="Note confidentielle du relais")
    client = client_for(alpha, mine)
    listing = client.get("/api/v1/rpe/rendez-vous/")
    assert [item["id"] for item in listing.json()["results"]] == [own.pk]
    assert client.get(f"/api/v1/rpe/rendez-vous/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/rpe/rendez-vous/{other.pk}/ics").status_code == 404
    assert client.post(f"/api/v1/rpe/rendez-vous/{other.pk}/annulation/").status_code == 404
    assert client.get(f"/rendez-vous/{other.pk}/").status_code == 404
    for address in (
        "/api/v1/rpe/rendez-vous/",
        f"/api/v1/rpe/rendez-vous/{own.pk}/",
        f"/rendez-vous/{own.pk}/",
        "/rendez-vous/",
        f"/api/v1/rpe/rendez-vous/{own.pk}/ics",
    ):
        assert "confidentielle" not in client.get(address).content.decode()


def test_an_animatrice_sees_only_her_relais_agenda(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        appointment = book(motif, plage, UserFactory())
        _other_motif, other_plage = setup_relais()
    own = client_for(alpha, plage.animatrice)
    stranger = client_for(alpha, other_plage.animatrice)
    assert own.get(f"/relais/agenda/rendez-vous/{appointment.pk}/").status_code == 200
    assert stranger.get(f"/relais/agenda/rendez-vous/{appointment.pk}/").status_code == 404
    assert appointment.who not in stranger.get("/relais/agenda/?date=2030-03-04").content.decode()
    family = client_for(alpha, appointment.person)
    assert family.get("/relais/agenda/").status_code == 403


def test_the_api_books_lists_and_cancels(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        parent = UserFactory(roles=[Role.PARENT])
    client = client_for(alpha, parent)
    assert [item["id"] for item in client.get("/api/v1/rpe/motifs/").json()["results"]] == [motif.pk]
    slots = client.get(f"/api/v1/rpe/creneaux/?motif={motif.pk}&from=2030-03-04&to=2030-03-04").json()
    assert slots[0] == {
        "start": "2030-03-04T09:00:00+01:00",
        "end": "2030-03-04T09:30:00+01:00",
        "place": plage.lieu_id,
        "place_name": plage.lieu.name,
    }
    assert len(slots) == 6
    # At most 31 days per call: the first 31 (the plage is open on Mondays).
    long = client.get(f"/api/v1/rpe/creneaux/?motif={motif.pk}&from=2030-03-01&to=2030-04-15").json()
    assert {slot["start"][:10] for slot in long} == {"2030-03-04", "2030-03-11", "2030-03-18", "2030-03-25"}
    assert client.get(f"/api/v1/rpe/creneaux/?motif={motif.pk}&from=2030-03-01").status_code == 400
    created = client.post(
        "/api/v1/rpe/rendez-vous/",
        {"motif": motif.pk, "start": slots[0]["start"], "place": plage.lieu_id},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["start"], body["status"]) == ("2030-03-04T09:00:00+01:00", AppointmentStatus.BOOKED)
    again = client.post(
        "/api/v1/rpe/rendez-vous/",
        {"motif": motif.pk, "start": slots[0]["start"], "place": plage.lieu_id},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert client.post(f"/api/v1/rpe/rendez-vous/{body['id']}/annulation/").status_code == 200
    with tenant_context(alpha):
        assert Appointment.objects.get(pk=body["id"]).status == AppointmentStatus.CANCELLED_BY_PERSON
    assert len(client.get(f"/api/v1/rpe/creneaux/?motif={motif.pk}&from=2030-03-04&to=2030-03-04").json()) == 6
    bad = client.post(
        "/api/v1/rpe/rendez-vous/",
        {"motif": motif.pk, "start": "demain", "place": plage.lieu_id},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_cancelling_online_stops_at_the_motif_delay(alpha):
    with tenant_context(alpha):
        with freeze_time(BEFORE):
            motif, plage = setup_relais(cancel_delay_hours=24)
            appointment = book(motif, plage, UserFactory())
        with freeze_time(NINE - datetime.timedelta(hours=2)):
            from portal.workflows import TransitionError

            with pytest.raises(TransitionError):
                services.appointment_cancel(appointment=appointment, user=appointment.person)
        assert timezone.is_aware(appointment.start)


# --- calendars: holidays, school holidays -------------------------------------------------------------------------


def test_moselle_closes_on_good_friday_and_saint_stephen_and_vendee_does_not():
    from rpe.booking.calendars import public_holidays

    good_friday, saint_stephen = datetime.date(2030, 4, 19), datetime.date(2030, 12, 26)
    assert {good_friday, saint_stephen} <= public_holidays("57", 2030)
    assert not {good_friday, saint_stephen} & public_holidays("85", 2030)
    assert datetime.date(2030, 7, 14) in public_holidays("85", 2030)


def test_school_holidays_come_from_the_official_data_and_close_term_time_plages(alpha):
    from rpe.booking.calendars import school_holiday_days
    from rpe.models import SchoolHoliday

    with tenant_context(alpha):
        assert SchoolHoliday.objects.filter(zone="B", first_day__year=2028).exists()
        summer = school_holiday_days("B", datetime.date(2027, 7, 1), datetime.date(2027, 8, 31))
        assert datetime.date(2027, 8, 2) in summer
        # The administrator extends the table past the package's last year.
        SchoolHoliday.objects.create(
            zone="B",
            name="Vacances d'hiver",
            first_day=datetime.date(2029, 2, 10),
            last_day=datetime.date(2029, 2, 25),
        )
        assert datetime.date(2029, 2, 12) in school_holiday_days(
            "B", datetime.date(2029, 2, 1), datetime.date(2029, 3, 1)
        )


# --- waiting list, private feed, booking on someone's behalf -------------------------------------------------------


def test_the_waiting_list_tells_at_most_once_a_day_three_times_and_stops_when_moved(alpha, mailoutbox):
    from rpe.models import WaitingListEntry

    with tenant_context(alpha):
        with freeze_time(BEFORE):
            motif, plage = setup_relais()
            blocker = book(motif, plage, UserFactory())
            waiting = book(motif, plage, UserFactory(), start=NINE + datetime.timedelta(days=7))
            services.waiting_list_join(appointment=waiting)  # earlier slots are free from 9:30 on the first Monday
        sent = []
        for day in range(5):
            moment = BEFORE + datetime.timedelta(days=day, hours=1)
            with freeze_time(moment):
                sent.append(services.waiting_list_notify_motif(motif))
                sent.append(services.waiting_list_notify_motif(motif))  # the same day again: nothing more
        assert sent == [1, 0, 1, 0, 1, 0, 0, 0, 0, 0]
        assert OutboxMessage.objects.about(waiting).filter(kind="rpe.appointment_earlier_slot").count() == 3
        with freeze_time(BEFORE):
            services.appointment_cancel(appointment=blocker, user=blocker.person)
            services.appointment_move(appointment=waiting, start=NINE, lieu=plage.lieu, user=waiting.person)
        assert not WaitingListEntry.objects.filter(appointment=waiting).exists()


def test_the_private_feed_answers_at_its_secret_address_until_revoked(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        appointment = book(motif, plage, UserFactory(first_name="Zoé", last_name="Secret"))
        Appointment.objects.filter(pk=appointment.pk).update(notes="Ne jamais publier")
        feed = services.calendar_feed_of(plage.animatrice)
    anonymous = client_for(alpha)
    response = anonymous.get(f"/agenda-prive/{feed.token}.ics")
    assert response.status_code == 200
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(event["SUMMARY"]) for event in events] == [f"{motif.name} – Zoé Secret"]
    assert "Ne jamais publier" not in response.content.decode()
    with tenant_context(alpha):
        services.calendar_feed_revoke(plage.animatrice)
    assert anonymous.get(f"/agenda-prive/{feed.token}.ics").status_code == 404


@freeze_time(BEFORE)
def test_the_relais_books_on_someones_behalf_inside_the_delay_families_cannot(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais(min_delay_hours=24 * 30)
        with pytest.raises(services.SlotTaken):
            book(motif, plage, UserFactory())
        appointment = services.appointment_book(
            motif=motif,
            start=NINE,
            lieu=plage.lieu,
            booked_by=plage.animatrice,
            contact_name="Appel de Mme Durand",
            contact_phone="06 11 22 33 44",
        )
        assert (appointment.person, appointment.booked_by) == (None, plage.animatrice)
        with pytest.raises(services.BookingError):
            services.appointment_book(motif=motif, start=NINE, lieu=plage.lieu, booked_by=plage.animatrice)


# --- settings pages ------------------------------------------------------------------------------------------------


def test_the_relais_adds_a_plage_and_families_see_its_slots(alpha):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        parent = UserFactory()
    staff = client_for(alpha, plage.animatrice)
    page = staff.get(f"/relais/agenda/reglages/{motif.relais_id}/plages/nouveau/")
    assert page.status_code == 200
    refused = staff.post(
        f"/relais/agenda/reglages/{motif.relais_id}/plages/nouveau/",
        {
            "animatrice": plage.animatrice_id,
            "lieu": plage.lieu_id,
            "motifs": [motif.pk],
            "first_day": "2030-03-05",
            "start_time": "14:00",
            "end_time": "13:00",
            "recurrence": 1,
        },
    )
    assert refused.status_code == 400
    assert "La plage finit après son début." in refused.content.decode()
    created = staff.post(
        f"/relais/agenda/reglages/{motif.relais_id}/plages/nouveau/",
        {
            "animatrice": plage.animatrice_id,
            "lieu": plage.lieu_id,
            "motifs": [motif.pk],
            "first_day": "2030-03-05",
            "start_time": "14:00",
            "end_time": "15:00",
            "recurrence": 1,
        },
    )
    assert created.status_code == 302
    slots = client_for(alpha, parent).get(f"/api/v1/rpe/creneaux/?motif={motif.pk}&from=2030-03-05&to=2030-03-05")
    assert [slot["start"] for slot in slots.json()] == ["2030-03-05T14:00:00+01:00", "2030-03-05T14:30:00+01:00"]


def test_the_agenda_and_the_appointment_list_need_a_bounded_number_of_queries(alpha, django_assert_max_num_queries):
    with tenant_context(alpha):
        motif, plage = setup_relais()
        person = UserFactory()
        for number in range(6):
            book(
                motif, plage, UserFactory() if number else person, start=NINE + datetime.timedelta(minutes=30 * number)
            )
    staff, family = client_for(alpha, plage.animatrice), client_for(alpha, person)
    staff.get("/relais/agenda/?date=2030-03-04")  # warm the route caches
    with django_assert_max_num_queries(20):
        page = staff.get("/relais/agenda/?date=2030-03-04&vue=semaine")
    assert page.content.decode().count("/relais/agenda/rendez-vous/") == 6
    family.get("/api/v1/rpe/rendez-vous/")
    with django_assert_max_num_queries(12):
        assert family.get("/api/v1/rpe/rendez-vous/").json()["count"] == 1
