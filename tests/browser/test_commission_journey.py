"""A whole commission in Chromium: a family files a request, the service instructs it and prepares a session, a
commission member runs it to validation, the family reads its score and accepts the place offered.

axe-core runs on the transparency page, the session pages and the family's pages. The journey creates its own
family and session (unique names) because the server commits: it gives the same result on a reused database.
"""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from commissions.models import Decision, Dossier, SessionSeat
from families.models import DocumentType
from portal.accounts.models import User
from portal.dates import first_of_next_month, months_between
from portal.models import Collectivite
from tests.browser.journeys import log_in, open_from_queue
from tests.families.factories import pdf_bytes

pytestmark = pytest.mark.browser
PASSWORD = "un-mot-de-passe-solide-2026"


def in_metz(query):
    """Read what the server committed (each statement sees the rows committed before it)."""
    with tenant_context(Collectivite.objects.get(slug="metz")):
        return query()


def establishment_with_a_place(today, until, age):
    """An establishment with a place held by no session, opening by the session's end, in a section taking a
    child of `age` months (the demo declares places for its coming session). Read only: the server writes."""
    from django.db.models import Count, F, Q

    from creches.models import PlaceOpening

    free = (
        PlaceOpening.objects.filter(available_from__lte=until, section__establishment__is_active=True)
        .annotate(held=Count("places__holds", filter=Q(places__holds__held=True)))
        .filter(held__lt=F("count"))
        .select_related("section")
        .order_by("section__establishment", "pk")
    )
    return next(opening.section.establishment_id for opening in free if opening.section.takes_age(age))


def sign_up_and_file(page, base, tmp_path, birth, start, establishment_id):
    email = f"famille.{uuid.uuid4().hex[:8]}@exemple.fr"
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label(re.compile(r"^(Courriel|E-mail)")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    link = re.search(r"http://metz\.localhost:\d+(/accounts/confirm-email/\S+)", message.body).group(1)
    page.goto(base + link)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/famille/$"))

    page.get_by_role("link", name="Décrire mon foyer").click()
    page.get_by_label("Prénom", exact=True).first.fill("Maël")
    page.get_by_label("Nom", exact=True).first.fill("Kowalski")
    page.get_by_label("Situation professionnelle").first.select_option("emploi")
    page.get_by_label("Adresse", exact=True).fill("3 rue Mazelle")
    page.get_by_label("Code postal").fill("57000")
    page.get_by_label("Commune de résidence").select_option("57463")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator(".error").all_inner_texts() == []
    page.wait_for_url(re.compile(r"/famille/$"))

    page.get_by_role("link", name="Ajouter un enfant").click()
    page.get_by_label("Prénom", exact=True).fill("Iris")
    page.get_by_label("Nom", exact=True).fill("Kowalski")
    page.get_by_label("Date de naissance, ou date prévue").fill(birth.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/famille/$"))

    page.get_by_role("link", name=re.compile("Faire une demande d'accueil")).click()
    page.get_by_label("Date d'entrée souhaitée").fill(start.isoformat())
    for day in ("lundi", "mardi", "jeudi"):
        page.get_by_label(f"{day} : arrivée").fill("08:00")
        page.get_by_label(f"{day} : départ").fill("17:30")
    page.get_by_label("Vœu n° 1").select_option(str(establishment_id))
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator(".error").all_inner_texts() == []
    page.wait_for_url(re.compile(r"/famille/demandes/\d+/$"))

    document = tmp_path / "justificatif.pdf"
    document.write_bytes(pdf_bytes())
    labels = in_metz(
        lambda: list(DocumentType.objects.filter(required=True, is_active=True).values_list("label", flat=True))
    )
    for label in labels:
        page.get_by_label("Pièce", exact=True).select_option(label=label)
        page.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)").set_input_files(str(document))
        page.get_by_role("button", name="Ajouter la pièce").click()
        expect(page.get_by_text("Pièce ajoutée.")).to_be_visible()
    page.get_by_label(re.compile("J'ai lu la notice")).check()
    page.get_by_role("button", name="Déposer ma demande").click()
    expect(page.get_by_text("Déposée", exact=True)).to_be_visible()
    return re.search(r"Demande (\w+)", page.get_by_role("heading", level=1).inner_text()).group(1)


def instruct_to_complete(agent, number):
    agent.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Demandes", exact=True
    ).click()
    open_from_queue(agent, number)
    pieces = agent.locator("section[aria-labelledby=pieces] article")
    for index in range(pieces.count()):
        article = pieces.nth(index)
        article.get_by_label("Valider la pièce").check()
        article.get_by_role("button", name="Enregistrer la vérification").click()
    agent.get_by_role("button", name="Déclarer la demande complète").click()
    assert agent.locator(".error").all_inner_texts() == []
    expect(agent.get_by_text("La demande est complète.")).to_be_visible()


def dossier_card(page, session_url, locator_for):
    """Go through the session's pages (50 dossiers each) until the card is found."""
    for number in range(1, 100):
        page.goto(f"{session_url}?page={number}")
        card = locator_for(page)
        if card.count():
            return card
        if not page.get_by_role("link", name=re.compile("[Ss]uivante")).count():
            break
    raise AssertionError("dossier introuvable dans la commission")


def deliberate(page, session_url, number, form, fill):
    """Open a dossier's derogation panel, fill one of its forms with a reason and submit it."""
    card = dossier_card(page, session_url, lambda p: p.locator(f"article[aria-labelledby='dossier-{number}']"))
    card.locator("summary", has_text="Ajuster les points ou déroger").click()
    fieldset = card.locator("fieldset").filter(has=page.get_by_text(form, exact=True))
    fill(fieldset)
    fieldset.get_by_label("Motif (obligatoire)").fill("Situation examinée en séance : voir le procès-verbal.")
    fieldset.get_by_role("button").click()
    # Back on the session, at the page where the dossier's card now is.
    page.wait_for_url(re.compile(r"/gestion/commissions/\d+/(\?page=\d+)?$"))


def test_a_member_runs_a_session_and_the_family_accepts_its_offer(page, browser, axe, server_port, tmp_path):
    base = f"http://metz.localhost:{server_port}"
    today = timezone.localdate()
    until = today.replace(year=today.year + 1)
    birth = today - datetime.timedelta(days=200)
    start = first_of_next_month(today + datetime.timedelta(days=75))
    establishment_id = in_metz(lambda: establishment_with_a_place(today, until, months_between(birth, start)))
    member_pk = in_metz(lambda: User.objects.get(email="commission@metz.demo").pk)

    # Anyone reads the grid and the past commissions.
    page.goto(f"{base}/transparence/")
    assert page.get_by_role("heading", level=1).count() == 1
    axe.check(page)

    # A family files its request; the guichet checks its pieces.
    number = sign_up_and_file(page, base, tmp_path, birth, start, establishment_id)
    axe.check(page)
    family_url = page.url
    agent = browser.new_context(locale="fr-FR").new_page()
    log_in(agent, server_port, "agent@metz.demo", totp=True)
    agent.wait_for_url(re.compile(r"/espace/agent/$"))
    instruct_to_complete(agent, number)

    # The service creates and prepares the session.
    title = f"Commission du parcours {uuid.uuid4().hex[:8]}"
    agent.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Commissions d'attribution"
    ).click()
    agent.wait_for_url(re.compile(r"/gestion/commissions/$"))
    axe.check(agent)
    agent.get_by_label("Intitulé").fill(title)
    agent.get_by_label("Date de la commission").fill(today.isoformat())
    agent.get_by_label("Places qui s'ouvrent jusqu'au").fill(until.isoformat())
    agent.get_by_label("Présidence").select_option(str(member_pk))
    agent.locator(f"input[name=members][value='{member_pk}']").check()
    agent.get_by_role("button", name="Créer la commission").click()
    agent.wait_for_url(re.compile(r"/gestion/commissions/\d+/$"))
    session_url = agent.url
    session_pk = int(re.search(r"/gestion/commissions/(\d+)/$", session_url).group(1))
    # Preparation first shows what it will take and leave out, then the agent confirms.
    agent.get_by_role("link", name=re.compile("Préparer")).click()
    agent.wait_for_url(re.compile(r"/preparer/$"))
    expect(agent.get_by_role("heading", name=re.compile("places? retenues?"))).to_be_visible()
    axe.check(agent)
    agent.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(agent.get_by_text("Commission préparée")).to_be_visible(timeout=60_000)
    axe.check(agent)

    # The service alone sees who is behind the numbers: it finds the family's dossier.
    card = dossier_card(
        agent,
        session_url,
        lambda p: p.locator("article.card").filter(has_text=f"demande {number}."),
    )
    dossier_number = re.search(r"Dossier (S\d+-\d+)", card.locator("h3").inner_text()).group(1)
    agent.context.close()

    # A commission member (who chairs it) runs the engine, derogates if needed, then validates.
    member = browser.new_context(locale="fr-FR").new_page()
    log_in(member, server_port, "commission@metz.demo", totp=True)
    member.wait_for_url(lambda url: "/accounts/" not in url)
    member.goto(session_url)
    expect(member.get_by_role("heading", level=1, name=title)).to_be_visible()
    assert member.get_by_text(f"demande {number}").count() == 0  # anonymised
    axe.check(member)
    member.get_by_role("button", name="Calculer la répartition des places").click()
    expect(member.get_by_text("Répartition calculée.")).to_be_visible()
    axe.check(member)

    dossier = in_metz(lambda: Dossier.objects.get(session_id=session_pk, number=dossier_number))
    placed = in_metz(lambda: Decision.objects.filter(dossier=dossier, seat__isnull=False).exists())
    if not placed:
        seat_pk = next(wish["seat"] for wish in dossier.wishes if wish["section"])
        seat = in_metz(lambda: SessionSeat.objects.get(pk=seat_pk))
        holders = in_metz(
            lambda: list(Decision.objects.filter(seat=seat).order_by("pk").values_list("dossier__number", flat=True))
        )
        if len(holders) >= seat.capacity:
            deliberate(member, session_url, holders[-1], "Retirer la place", lambda fieldset: None)
            expect(member.get_by_text(f"Place retirée au dossier {holders[-1]}.")).to_be_visible()
        deliberate(
            member,
            session_url,
            dossier_number,
            "Attribuer une place",
            lambda fieldset: fieldset.get_by_label("Place", exact=True).select_option(str(seat_pk)),
        )
        expect(member.get_by_text(f"Place attribuée au dossier {dossier_number}.")).to_be_visible()
        axe.check(member)
    assert in_metz(lambda: Decision.objects.filter(dossier=dossier, seat__isnull=False).exists())
    member.goto(session_url)
    member.get_by_role("link", name="Vérifier puis valider la commission").click()
    member.get_by_label(re.compile("J'ai relu ce récapitulatif")).check()
    member.get_by_role("button", name=re.compile("^Valider et prévenir")).click(timeout=180_000)
    # Validation builds every letter and the minutes (eager Celery in tests): allow for it.
    expect(member.get_by_text("Commission validée")).to_be_visible(timeout=180_000)
    axe.check(member)
    member.context.close()

    # The family reads the score the commission used, with its date, and accepts the place.
    page.goto(family_url)
    expect(page.get_by_text(re.compile(r"Score retenu par la commission « .+ » du .+ : .+ points?\."))).to_be_visible()
    offer = page.locator("section[aria-labelledby=propositions]")
    expect(offer.get_by_role("heading", name=re.compile("Place proposée"))).to_be_visible()
    axe.check(page)
    offer.get_by_role("button", name="Accepter la place").click()
    page.wait_for_url(family_url)
    expect(page.get_by_text("Vous avez accepté la place : l'établissement va vous contacter.")).to_be_visible()
    expect(page.get_by_text("Acceptée", exact=True).first).to_be_visible()
    axe.check(page)

    page.goto(f"{base}/transparence/")
    axe.check(page)
    axe.assert_clean()
