"""Appointments with the relais in Chromium, axe-core on every page: a parent books, gets the confirmation and
cancels; an animatrice runs her day (marks seen and absent, writes a note)."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from icalendar import Calendar

from portal.models import Collectivite
from rpe.booking.enums import AppointmentStatus
from rpe.models import Appointment, Motif, RelaisMembership
from tests.browser.journeys import log_in

pytestmark = pytest.mark.browser

HOST = "vie-et-boulogne.localhost"


def url(port, path="/"):
    return f"http://{HOST}:{port}{path}"


def committed(function):
    """Run `function` in the demo collectivité on a connection of its own (committed, seen by the server)."""
    result = {}

    def run():
        try:
            with tenant_context(Collectivite.objects.get(slug="vie-et-boulogne")):
                result["value"] = function()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return result.get("value")


def test_a_parent_books_gets_the_confirmation_and_cancels(page, axe, server_port, mailoutbox):
    log_in(page, server_port, "parent@vie-et-boulogne.demo", host=HOST, axe=axe)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rendez-vous au relais"
    ).click()
    axe.check(page)
    page.locator("main").get_by_role("link", name="Prendre rendez-vous").click()
    axe.check(page)
    page.get_by_role("link", name="Voir les créneaux — Recherche d'un mode d'accueil").click()
    axe.check(page)
    # The first week may be full: the page offers the next free slots.
    if page.locator("input[name=creneau]").count() == 0:
        page.locator("main ul a").first.click()
    page.locator("input[name=creneau]").first.check()
    page.get_by_role("button", name="Réserver ce créneau").click()
    assert page.get_by_text("Acceptez les conditions de ce rendez-vous pour le réserver.").is_visible()
    axe.check(page)
    page.locator("input[name=creneau]").first.check()
    page.get_by_label("J'ai lu et j'accepte ces conditions").check()
    page.get_by_role("button", name="Réserver ce créneau").click()
    page.wait_for_url(re.compile(r"/rendez-vous/\d+/$"))
    assert page.get_by_text("Votre rendez-vous est réservé.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Recherche d'un mode d'accueil"
    axe.check(page)
    appointment_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    # The confirmation left through the outbox, with its calendar file.
    confirmations = [message for message in mailoutbox if message.subject.startswith("Rendez-vous confirmé")]
    assert [message.to for message in confirmations] == [["parent@vie-et-boulogne.demo"]]
    event = next(iter(Calendar.from_ical(confirmations[0].attachments[0][1]).walk("VEVENT")))
    assert event["SEQUENCE"] == 0

    page.get_by_role("link", name="Annuler ce rendez-vous").click()
    axe.check(page)
    page.get_by_role("button", name="Oui, annuler le rendez-vous").click()
    page.wait_for_url(re.compile(r"/rendez-vous/$"))
    assert page.get_by_text("Votre rendez-vous est annulé.").is_visible()
    axe.check(page)
    status = committed(lambda: Appointment.objects.get(pk=appointment_id).status)
    assert status == AppointmentStatus.CANCELLED_BY_PERSON
    cancellations = [message for message in mailoutbox if message.subject.startswith("Rendez-vous annulé")]
    assert len(cancellations) == 1
    axe.assert_clean()


def two_appointments_that_started():
    """Two appointments of the demo animatrice, begun within the last hours, in gaps of her agenda."""
    from portal.accounts.models import User

    animatrice = User.objects.get(email="animatrice@vie-et-boulogne.demo")
    relais = RelaisMembership.objects.filter(user=animatrice).first().relais
    motif = Motif.objects.filter(relais=relais).order_by("pk").first()
    lieu = relais.lieux.order_by("pk").first()
    now = timezone.now().replace(second=0, microsecond=0)
    created, start = [], now - datetime.timedelta(hours=6)
    while len(created) < 2 and start < now:
        end = start + datetime.timedelta(minutes=20)
        busy = Appointment.objects.active().filter(animatrice=animatrice, start__lt=end, blocked_until__gt=start)
        if busy.exists():
            start += datetime.timedelta(minutes=10)
            continue
        created.append(
            Appointment.objects.create(
                motif=motif,
                relais=relais,
                lieu=lieu,
                animatrice=animatrice,
                start=start,
                end=end,
                blocked_until=end,
                contact_name=f"Famille Essai {len(created) + 1}",
                contact_phone="06 00 00 00 00",
            )
        )
        start = end
    return [appointment.pk for appointment in created]


def test_an_animatrice_runs_her_day(page, axe, server_port):
    ids = committed(two_appointments_that_started)
    assert len(ids) == 2
    try:
        day = committed(lambda: timezone.localtime(Appointment.objects.get(pk=ids[0]).start).date())
        log_in(page, server_port, "animatrice@vie-et-boulogne.demo", host=HOST, axe=axe, totp=True)
        axe.check(page)
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Agenda du relais"
        ).click()
        page.wait_for_url(re.compile(r"/relais/agenda/"))
        axe.check(page)
        page.goto(url(server_port, f"/relais/agenda/?date={day}&vue=jour"))
        axe.check(page)
        page.get_by_role("link", name="Famille Essai 1").click()
        axe.check(page)
        page.get_by_label("Notes du relais").fill("Recherche d'une AM à Aizenay, rappel dans 15 jours.")
        page.get_by_role("button", name="Marquer « vu »").click()
        assert page.get_by_text("Rendez-vous mis à jour.").is_visible()
        axe.check(page)
        page.get_by_role("link", name="Famille Essai 2").click()
        page.get_by_role("button", name="Marquer « absent »").click()
        assert page.get_by_text("Rendez-vous mis à jour.").is_visible()
        axe.check(page)
        page.get_by_role("link", name="Mon agenda privé (abonnement)").click()
        axe.check(page)
        page.goto(url(server_port, "/relais/agenda/"))
        page.get_by_role("link", name="Réglages des rendez-vous").click()
        axe.check(page)
        page.locator("main").get_by_role("link", name=re.compile("^Ajouter une plage")).first.click()
        axe.check(page)
        outcome = committed(
            lambda: list(Appointment.objects.filter(pk__in=ids).order_by("start").values_list("status", "notes"))
        )
        assert outcome == [
            (AppointmentStatus.SEEN, "Recherche d'une AM à Aizenay, rappel dans 15 jours."),
            (AppointmentStatus.NO_SHOW, ""),
        ]
        axe.assert_clean()
    finally:
        committed(lambda: Appointment.objects.filter(pk__in=ids).delete())
