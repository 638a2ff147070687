"""Reminders to declare availability: J-30 and J-7 of 1 June and 1 December, once per AM, deadline and step."""

import datetime
import threading

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from portal.models import Collectivite
from portal.outbox.checks import still_applies
from portal.outbox.models import OutboxMessage
from portal.tenancy import collectivite_create
from rpe.campaigns import current_step, next_deadline, previous_deadline
from rpe.enums import ActivityStatus
from rpe.notifications import REMINDER_KIND
from rpe.services import availability_confirm_unchanged, reminders_send
from tests.rpe.factories import AssistantMaternelFactory, RelaisFactory

D = datetime.date


@pytest.mark.parametrize(
    ("day", "deadline", "previous"),
    [
        (D(2027, 1, 10), D(2027, 6, 1), D(2026, 12, 1)),
        (D(2027, 6, 1), D(2027, 12, 1), D(2027, 6, 1)),
        (D(2027, 11, 30), D(2027, 12, 1), D(2027, 6, 1)),
        (D(2027, 12, 1), D(2028, 6, 1), D(2027, 12, 1)),
    ],
)
def test_deadlines_are_1_june_and_1_december(day, deadline, previous):
    assert next_deadline(day) == deadline
    assert previous_deadline(deadline) == previous


@pytest.mark.parametrize(
    ("day", "step"),
    [
        (D(2027, 5, 1), None),
        (D(2027, 5, 2), (D(2027, 6, 1), 30)),
        (D(2027, 5, 24), (D(2027, 6, 1), 30)),
        (D(2027, 5, 25), (D(2027, 6, 1), 7)),
        (D(2027, 5, 31), (D(2027, 6, 1), 7)),
        (D(2027, 6, 1), None),
        (D(2027, 11, 1), (D(2027, 12, 1), 30)),
    ],
)
def test_reminder_steps_are_j30_then_j7(day, step):
    assert current_step(day) == step


def reminders(am=None):
    rows = OutboxMessage.objects.filter(kind=REMINDER_KIND)
    return rows.filter(about_id=am.pk) if am is not None else rows


@pytest.mark.django_db
def test_reminded_once_per_deadline_and_step_only_those_who_have_not_declared(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
        silent = AssistantMaternelFactory(relais=relais, places=2, availability_confirmed_on=D(2026, 11, 20))
        never = AssistantMaternelFactory(relais=relais, places=2, availability_confirmed_on=None)
        declared = AssistantMaternelFactory(relais=relais, places=2, availability_confirmed_on=D(2026, 12, 15))
        suspended = AssistantMaternelFactory(
            relais=relais, places=2, availability_confirmed_on=None, activity_status=ActivityStatus.SUSPENDED
        )
        archived = AssistantMaternelFactory(
            relais=relais, places=2, availability_confirmed_on=None, activity_status=ActivityStatus.ARCHIVED
        )
        mine = {silent.pk, never.pk, declared.pk, suspended.pk, archived.pk}

        reminders_send(today=D(2027, 5, 2))
        reminders_send(today=D(2027, 5, 3))  # the task runs daily, and may run twice
        reminders_send(today=D(2027, 5, 3))
        sent = reminders().filter(about_id__in=mine)
        assert sorted(sent.values_list("about_id", "version")) == sorted(
            [(silent.pk, "2027-06-01:J-30"), (never.pk, "2027-06-01:J-30")]
        )
        message = sent.get(about_id=silent.pk)
        assert message.to == [silent.email]
        assert message.send_at is not None, "scheduled: quiet hours apply to reminders"
        assert "/disponibilites/rien-n-a-change/" in message.body and "1 juin 2027" in message.body

        reminders_send(today=D(2027, 5, 26))
        assert reminders(silent).count() == reminders(never).count() == 2
        assert not reminders().filter(about_id__in=[declared.pk, suspended.pk, archived.pk]).exists()
        unreachable = AssistantMaternelFactory(relais=relais, email="", availability_confirmed_on=None)
        reminders_send(today=D(2027, 5, 27))
        assert not reminders(unreachable).exists(), "no email and no account: the relais calls her (board)"


@pytest.mark.django_db
def test_a_reminder_declared_meanwhile_is_not_sent(alpha):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(places=1, availability_confirmed_on=None)
        reminders_send(today=D(2027, 5, 2))
        message = reminders(am).get()
        assert still_applies(message)
        availability_confirm_unchanged(am=am, today=D(2027, 5, 10))
        am.refresh_from_db()
        assert not still_applies(message)


# --- Two workers at once (real connections, committed data) ------------------------------------------------------


@pytest.fixture
def race_collectivite(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        collectivite = collectivite_create(
            schema="rappels",
            name="Rappels",
            domain="rappels.localhost",
            communes=[{"code_insee": "44109", "nom": "N"}],
        )
        try:
            with tenant_context(collectivite):
                relais = RelaisFactory()
                for _ in range(20):
                    AssistantMaternelFactory(relais=relais, places=2, availability_confirmed_on=None)
            connection.set_schema_to_public()
            yield collectivite
        finally:
            connection.set_schema_to_public()
            Collectivite.objects.get(pk=collectivite.pk).delete(force_drop=True)


def test_two_workers_sending_at_once_queue_one_reminder_per_am(race_collectivite):
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            connection.set_tenant(race_collectivite)
            barrier.wait(timeout=10)
            reminders_send(today=D(2027, 11, 1))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with tenant_context(race_collectivite):
        assert reminders().count() == 20
        assert set(reminders().values_list("version", flat=True)) == {"2027-12-01:J-30"}


@pytest.mark.django_db
def test_the_beat_runs_the_reminders_in_every_collectivite(alpha, beta):
    """The daily beat entry fans the task out to each collectivité (tasks run eagerly in tests)."""
    from django.conf import settings
    from freezegun import freeze_time

    from portal.tasks import run_for_every_collectivite
    from rpe import tasks  # noqa: F401  (the worker imports it through autodiscovery)

    entry = settings.CELERY_BEAT_SCHEDULE["disponibilites-am"]
    assert entry["args"] == ("rpe.tasks.availability_reminders_daily",)
    ams = {}
    for collectivite in (alpha, beta):
        with tenant_context(collectivite):
            ams[collectivite.slug] = AssistantMaternelFactory(places=1, availability_confirmed_on=None)
    connection.set_schema_to_public()
    with freeze_time("2027-11-02 09:00:00"):
        run_for_every_collectivite(*entry["args"])
    for collectivite in (alpha, beta):
        with tenant_context(collectivite):
            assert reminders(ams[collectivite.slug]).get().version == "2027-12-01:J-30"
