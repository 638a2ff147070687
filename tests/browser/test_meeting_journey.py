"""A whole commission as a service runs it, in Chromium, with axe-core on every page:

the agent declares places, creates and prepares a session (dated today: validation never precedes the meeting); a
member adjusts a score (a missing reason is said next to the field), runs the engine and swaps two dossiers with the
picker; the chair (an élu) validates through the summary and an explicit confirmation; the family declines, the place
is offered again at once; the agent records, as told by phone, the answer of the family it went to. Then a second
session on the same establishments and window: its preparation summary shows the first session's places as held or
accepted and takes, in the section, only a newly declared place and the freed ones; the agent runs the engine and
validates it, and the API (read by the agent's page) shows no place with two live offers across all sessions.

The journey makes its own family, places and session (unique names) because the server commits; it reads the
database only to choose a busy establishment and to find who received the re-offer. Elements are found by their
labels and roles, and counts are compared with patterns, so that the data side can evolve under it.
"""

import datetime
import re
import uuid

import pytest
from django.db.models import Count, Q
from django.utils import timezone
from playwright.sync_api import expect

from commissions.enums import OverrideAction
from commissions.models import Override
from creches.models import Section
from families.enums import ApplicationStatus
from portal.accounts.models import User
from portal.dates import first_of_next_month, months_between
from tests.browser.journeys import log_in, open_from_queue
from tests.browser.test_commission_journey import in_metz, instruct_to_complete, sign_up_and_file

pytestmark = pytest.mark.browser
REASON = "Situation examinée en séance : voir le procès-verbal."


def busiest_section(age):
    """A section taking a child of `age` months in the establishment most waiting requests ask for."""
    sections = (
        Section.objects.filter(establishment__is_active=True, min_age_months__lte=age, max_age_months__gte=age)
        .annotate(
            demand=Count(
                "establishment__wishes",
                filter=Q(
                    establishment__wishes__application__status__in=[
                        ApplicationStatus.COMPLETE,
                        ApplicationStatus.LISTE_ATTENTE,
                    ]
                ),
            )
        )
        .select_related("establishment")
        .order_by("-demand", "pk")
    )
    return sections.first()


def find_card(page, locator_for):
    """Follow the session's pages from the current one until the card is found."""
    while True:
        card = locator_for(page)
        if card.count():
            return card
        following = page.get_by_role("link", name="Page suivante")
        assert following.count(), "dossier introuvable dans la commission"
        target = re.search(r"page=(\d+)", following.get_attribute("href")).group(1)
        following.click()
        # HTMX swaps the page in place: wait for the new page's content, not only for its address.
        expect(page.locator("[aria-current=page]").filter(has_text=f"Page {target} sur")).to_be_visible()


def open_card(page, number):
    """The dossier's card on the current page, its deliberation panel open."""
    card = page.locator(f"article[aria-labelledby='dossier-{number}']")
    expect(card).to_be_visible()
    panel = card.locator("details").filter(has=page.locator("summary", has_text="Ajuster les points ou déroger"))
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return card


def fieldset(card, legend):
    return card.locator("fieldset").filter(has=card.page.locator("legend", has_text=legend))


def new_page(browser):
    return browser.new_context(locale="fr-FR").new_page()


def declare_places(agent, section, count, opens):
    """The agent declares `count` places of `section` opening on `opens`."""
    navigation = agent.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Places qui s'ouvrent").click()
    agent.get_by_role("link", name=f"Déclarer des places — {section.establishment.name}").click()
    agent.get_by_label("Section").select_option(str(section.pk))
    agent.get_by_label("Nombre de places").fill(str(count))
    agent.get_by_label("Disponibles à partir du").fill(opens.isoformat())
    agent.get_by_role("button", name="Déclarer ces places").click()
    declared = re.compile(rf"{count} place\(s\) déclarée\(s\)")
    expect(agent.get_by_role("status").get_by_text(declared)).to_be_visible()


def read_json(page, url):
    """An API answer read by the page itself (same origin, its session cookie), as a script of the portal would."""
    status, body = page.evaluate(
        """async (url) => {
            const response = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
            return [response.status, await response.json()];
        }""",
        url,
    )
    assert status == 200, f"{url} : {status}"
    return body


def all_sessions(page, base):
    """Every session the API lists, following its pages."""
    url, found = f"{base}/api/v1/commissions/seances/", []
    while url:
        body = read_json(page, url)
        found += body["results"]
        url = body["next"]
    return found


LIVE = {"pending", "accepted"}


def test_two_commissions_in_sequence_with_a_re_offer_answered_by_phone(page, browser, axe, server_port, tmp_path):
    base = f"http://metz.localhost:{server_port}"
    today = timezone.localdate()
    birth = today - datetime.timedelta(days=200)
    start = first_of_next_month(today + datetime.timedelta(days=75))
    opens = today + datetime.timedelta(days=2)
    section = in_metz(lambda: busiest_section(months_between(birth, start)))
    establishment = section.establishment
    chair_pk = in_metz(lambda: User.objects.get(email="elu@metz.demo").pk)
    member_pk = in_metz(lambda: User.objects.get(email="commission@metz.demo").pk)

    # A family files its request for the busy establishment.
    number = sign_up_and_file(page, base, tmp_path, birth, start, establishment.pk)
    family_url = page.url

    # The agent checks its pieces, then declares two places opening in two days.
    agent = new_page(browser)
    log_in(agent, server_port, "agent@metz.demo", totp=True)
    agent.wait_for_url(re.compile(r"/espace/agent/$"))
    expect(agent.get_by_role("link", name=re.compile("propositions? en attente de réponse"))).to_be_visible()
    axe.check(agent)
    instruct_to_complete(agent, number)
    declare_places(agent, section, 2, opens)

    # The agent creates the session (the pickers say who is élu, who is member) and prepares it.
    title = f"Commission de séance {uuid.uuid4().hex[:8]}"
    navigation = agent.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Commissions d'attribution").click()
    agent.wait_for_url(re.compile(r"/gestion/commissions/$"))
    axe.check(agent)
    chair_option = agent.get_by_label("Présidence").locator(f"option[value='{chair_pk}']")
    expect(chair_option).to_contain_text("élu·e")
    agent.get_by_label("Intitulé").fill(title)
    agent.get_by_label("Date de la commission").fill(today.isoformat())
    agent.get_by_label("Places qui s'ouvrent jusqu'au").fill(opens.isoformat())
    agent.get_by_label("Présidence").select_option(str(chair_pk))
    member_box = agent.locator(f"input[name=members][value='{member_pk}']")
    expect(agent.locator(f"label[for='{member_box.get_attribute('id')}']")).to_contain_text("membre de commission")
    member_box.check()
    agent.get_by_role("button", name="Créer la commission").click()
    agent.wait_for_url(re.compile(r"/gestion/commissions/\d+/$"))
    session_url = agent.url
    session_pk = int(re.search(r"/gestion/commissions/(\d+)/$", session_url).group(1))
    # Preparation first shows what it will take and leave out, then the agent confirms.
    agent.get_by_role("link", name=re.compile("Préparer")).click()
    agent.wait_for_url(re.compile(r"/preparer/$"))
    axe.check(agent)
    agent.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(agent.get_by_text(re.compile(r"Commission préparée : \d+ dossiers? retenus?, \d+ places?"))).to_be_visible(
        timeout=60_000
    )
    status = agent.get_by_role("status").filter(has_text="Préparation :")
    expect(status).to_contain_text(re.compile(r"\d+ dossiers? retenus?"))
    height = agent.evaluate("document.documentElement.scrollHeight")
    assert height < 12_000, f"la page de la commission mesure {height} px"
    axe.check(agent)

    # The service alone sees who is behind the numbers: filtered by establishment, it finds the family's dossier.
    agent.get_by_label("Établissement demandé").select_option(str(establishment.pk))
    agent.get_by_role("button", name="Filtrer").click()
    agent.wait_for_url(re.compile(rf"etablissement={establishment.pk}"))
    filtered_url = agent.url
    card = find_card(agent, lambda p: p.locator("article.card").filter(has_text=f"demande {number}."))
    dossier_number = re.search(r"Dossier (S\d+-\d+)", card.locator("h3").inner_text()).group(1)
    axe.check(agent)

    # A member opens the session from their home, adjusts the dossier's points: without a reason, the error is
    # said next to the field and the points typed stay.
    member = new_page(browser)
    log_in(member, server_port, "commission@metz.demo", totp=True)
    member.wait_for_url(re.compile(r"/espace/commission/$"))
    coming = member.get_by_role("region", name="Vos prochaines commissions")
    axe.check(member)
    coming.get_by_role("link", name=title).click()
    member.wait_for_url(session_url)
    assert member.get_by_text(f"demande {number}").count() == 0  # anonymised
    member.goto(filtered_url)
    find_card(member, lambda p: p.locator(f"article[aria-labelledby='dossier-{dossier_number}']"))
    adjust = fieldset(open_card(member, dossier_number), "Ajuster les points")
    adjust.get_by_label("Points ajoutés").fill("100")
    adjust.get_by_role("button", name="Ajuster").click()
    adjust = fieldset(member.locator(f"article[aria-labelledby='dossier-{dossier_number}']"), "Ajuster les points")
    expect(adjust.locator(".error")).to_contain_text("Indiquez le motif")
    expect(adjust.get_by_label("Points ajoutés")).to_have_value("100")
    expect(adjust.get_by_label("Motif (obligatoire)")).to_be_focused()
    axe.check(member)
    adjust.get_by_label("Motif (obligatoire)").fill(REASON)
    adjust.get_by_role("button", name="Ajuster").click()
    expect(member.get_by_text(f"Points du dossier {dossier_number} ajustés.")).to_be_visible()

    # The engine runs; the member then swaps the dossier's place with a dossier left without one, picked from the
    # list of eligible dossiers, and swaps back: two overrides with their reasons.
    member.get_by_role("button", name="Calculer la répartition des places").click()
    expect(member.get_by_text("Répartition calculée.")).to_be_visible()
    member.goto(filtered_url)
    card = open_card(member, dossier_number)
    expect(card.locator("p", has_text="Proposition :")).not_to_contain_text("pas de place")
    swap = fieldset(card, "Échanger avec un autre dossier")
    picker = swap.get_by_label("Échanger avec le dossier")
    unplaced = picker.locator("option", has_text="sans place").first
    other = unplaced.get_attribute("value")
    picker.select_option(other)
    swap.get_by_role("button", name="Échanger").click()
    swap = fieldset(member.locator(f"article[aria-labelledby='dossier-{dossier_number}']"), "Échanger")
    expect(swap.locator(".error")).to_contain_text("Indiquez le motif")
    expect(swap.get_by_label("Échanger avec le dossier")).to_have_value(other)
    swap.get_by_label("Motif (obligatoire)").fill(REASON)
    swap.get_by_role("button", name="Échanger").click()
    expect(member.get_by_text(f"Places échangées entre les dossiers {dossier_number} et {other}.")).to_be_visible()
    card = open_card(member, dossier_number)
    expect(card.locator("p", has_text="Proposition :")).to_contain_text("pas de place")
    swap = fieldset(card, "Échanger avec un autre dossier")
    swap.get_by_label("Échanger avec le dossier").select_option(other)
    swap.get_by_label("Motif (obligatoire)").fill(REASON)
    swap.get_by_role("button", name="Échanger").click()
    expect(member.get_by_text(f"Places échangées entre les dossiers {dossier_number} et {other}.")).to_be_visible()
    axe.check(member)
    # Numbers in the places table lead to the cards.
    member.get_by_role("region", name=re.compile("Places et proposition")).get_by_role(
        "link", name=dossier_number
    ).click()
    member.wait_for_url(re.compile(rf"#dossier-{dossier_number}$"))
    expect(member.locator(f"article[aria-labelledby='dossier-{dossier_number}']")).to_be_in_viewport()
    member.context.close()

    # The chair validates through the summary, which needs an explicit confirmation.
    chair = new_page(browser)
    log_in(chair, server_port, "elu@metz.demo", totp=True)
    chair.wait_for_url(re.compile(r"/espace/elu/$"))
    coming = chair.get_by_role("region", name="Vos prochaines commissions")
    expect(coming.get_by_role("listitem").filter(has_text=title)).to_contain_text("vous présidez")
    axe.check(chair)
    coming.get_by_role("link", name=title).click()
    chair.get_by_role("link", name="Vérifier puis valider la commission").click()
    chair.wait_for_url(re.compile(r"/valider/$"))
    expect(chair.get_by_text(re.compile(r"places? attribuées? sur \d+"))).to_be_visible()
    expect(chair.get_by_text(re.compile(r"\d+ familles? ser(a|ont) prévenues?"))).to_be_visible()
    expect(chair.get_by_text(re.compile(r"\d+ ajustements? ou dérogations?"))).to_be_visible()
    axe.check(chair)
    validate = chair.get_by_role("button", name=re.compile("^Valider et prévenir"))
    validate.click()
    expect(chair.get_by_text("Cochez la case pour confirmer la validation.")).to_be_visible()
    axe.check(chair)
    chair.get_by_label(re.compile("J'ai relu ce récapitulatif")).check()
    chair.get_by_role("button", name=re.compile("^Valider et prévenir")).click(timeout=180_000)
    # Validation builds every letter and the minutes (eager Celery in tests): allow for it.
    expect(chair.get_by_text("Commission validée")).to_be_visible(timeout=180_000)
    axe.check(chair)
    chair.context.close()

    # The family reads its offer (place, start, deadline) and declines it.
    page.goto(family_url)
    offer = page.get_by_role("region", name="Décisions de la commission d'attribution")
    expect(
        offer.get_by_role("heading", name=re.compile(f"Place proposée : {re.escape(establishment.name)}"))
    ).to_be_visible()
    expect(offer.get_by_text("Place disponible à partir du")).to_be_visible()
    axe.check(page)
    offer.get_by_role("link", name="Refuser la place").click()
    axe.check(page)
    expect(page.locator("#penalite")).to_contain_text("point")  # the penalty is announced before the refusal
    page.get_by_label("déménagement hors du territoire").check()
    page.get_by_label("Précisez si vous le souhaitez").fill("Nous déménageons à Nancy.")
    page.get_by_role("button", name="Refuser la place").click()
    page.wait_for_url(family_url)
    expect(page.get_by_text("Vous avez refusé la place.")).to_be_visible()
    axe.check(page)

    # The place went at once to the next dossier: the session's record says so.
    agent.goto(session_url)
    expect(agent.get_by_role("region", name="Ajustements et dérogations")).to_contain_text(
        "Nouvelle proposition après un refus"
    )
    winner = in_metz(
        lambda: (
            Override.objects.select_related("dossier__application")
            .get(session_id=session_pk, action=OverrideAction.REOFFER, other__number=dossier_number)
            .dossier.application.number
        )
    )

    # The family it went to answers by phone: the agent follows pending offers and records the answer.
    agent.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Propositions en attente"
    ).click()
    agent.wait_for_url(re.compile(r"/gestion/propositions/$"))
    axe.check(agent)
    agent.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Demandes", exact=True
    ).click()
    open_from_queue(agent, winner)
    offers = agent.get_by_role("region", name="Décisions de la commission d'attribution")
    pending = offers.locator("article").filter(has=agent.get_by_role("button", name="Enregistrer la réponse"))
    expect(pending).to_contain_text(establishment.name)
    expect(pending).to_contain_text("Réponse attendue avant le")
    axe.check(agent)
    # Sent without saying the answer: the form comes back on its own page, the error next to the choice.
    pending.get_by_role("button", name="Enregistrer la réponse").click()
    agent.wait_for_url(re.compile(r"/gestion/propositions/\d+/reponse/$"))
    expect(agent.get_by_text("Indiquez si la famille accepte ou refuse la place.")).to_be_visible()
    axe.check(agent)
    agent.get_by_label("La famille accepte la place").check()
    agent.get_by_label("Réponse donnée").select_option(label="par téléphone")
    agent.get_by_label("Précisions données par la famille").fill("Appel du père, ce matin.")
    agent.get_by_role("button", name="Enregistrer la réponse").click()
    expect(agent.get_by_text("Réponse enregistrée : la famille accepte la place.")).to_be_visible()
    expect(agent.get_by_role("region", name="Historique")).to_contain_text(
        "Place acceptée par téléphone — Appel du père, ce matin."
    )
    axe.check(agent)

    # What the first session gave, read from the API in the agent's own browser context.
    first = read_json(agent, f"{base}/api/v1/commissions/seances/{session_pk}/")
    assert first["status"] == "validated"
    live_first = {decision["place"] for decision in first["decisions"] if decision["offer_status"] in LIVE}
    assert live_first, "la première commission n'a rien proposé"
    ours = {
        place["id"]
        for place in first["places"]
        if place["establishment"] == establishment.pk and place["section"] == section.code
    }
    freed_ours = ours - live_first

    # A second session on the same establishments and window: one more place of the section is declared.
    declare_places(agent, section, 1, opens)
    second_title = f"Commission suivante {uuid.uuid4().hex[:8]}"
    navigation = agent.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Commissions d'attribution").click()
    agent.wait_for_url(re.compile(r"/gestion/commissions/$"))
    agent.get_by_label("Intitulé").fill(second_title)
    agent.get_by_label("Date de la commission").fill(today.isoformat())
    agent.get_by_label("Places qui s'ouvrent jusqu'au").fill(opens.isoformat())
    agent.get_by_label("Présidence").select_option(str(chair_pk))
    agent.locator(f"input[name=members][value='{member_pk}']").check()
    agent.get_by_role("button", name="Créer la commission").click()
    agent.wait_for_url(re.compile(r"/gestion/commissions/\d+/$"))
    second_url = agent.url
    second_pk = int(re.search(r"/gestion/commissions/(\d+)/$", second_url).group(1))
    assert second_pk != session_pk

    # Its preparation summary leaves out what the first session offered (pending or accepted) and takes, in the
    # section, only the new place and any place of the first whose offers were all declined or expired.
    agent.get_by_role("link", name=re.compile("Préparer")).click()
    agent.wait_for_url(re.compile(r"/preparer/$"))
    left_out = agent.get_by_role("region", name="Places laissées de côté, et pourquoi")
    held = rf"^\s*{re.escape(establishment.name)}, {re.escape(section.name)} : [1-9]\d* \(« {re.escape(title)} »\)\s*$"
    expect(left_out.get_by_role("listitem").filter(has_text=re.compile(held))).to_be_visible()
    expect(left_out).to_contain_text(re.compile(r"[1-9]\d* places? (a|ont) déjà été acceptées?"))
    taken = agent.get_by_role("region", name=re.compile(r"places? retenues?$"))
    row = taken.get_by_role("row").filter(has_text=establishment.name).filter(has_text=section.name)
    expect(row.get_by_role("cell").nth(2)).to_have_text(str(1 + len(freed_ours)))
    axe.check(agent)
    agent.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(agent.get_by_text(re.compile(r"Commission préparée : \d+ dossiers? retenus?, \d+ places?"))).to_be_visible(
        timeout=120_000
    )
    axe.check(agent)

    # The agent runs the engine and validates on the commission's behalf, through the summary and confirmation.
    agent.get_by_role("button", name="Calculer la répartition des places").click()
    expect(agent.get_by_text("Répartition calculée.")).to_be_visible(timeout=120_000)
    agent.get_by_role("link", name="Vérifier puis valider la commission").click()
    agent.wait_for_url(re.compile(r"/valider/$"))
    expect(agent.get_by_text(re.compile(r"places? attribuées? sur \d+"))).to_be_visible()
    axe.check(agent)
    agent.get_by_label(re.compile("J'ai relu ce récapitulatif")).check()
    agent.get_by_role("button", name=re.compile("^Valider et prévenir")).click(timeout=180_000)
    expect(agent.get_by_text("Commission validée")).to_be_visible(timeout=180_000)
    axe.check(agent)

    # The second session never lists a place the first still offers or gave; in the section, it lists the new place
    # and the freed ones only.
    second = read_json(agent, f"{base}/api/v1/commissions/seances/{second_pk}/")
    assert second["status"] == "validated"
    second_places = {place["id"] for place in second["places"]}
    assert not second_places & live_first, "la seconde commission reprend une place déjà proposée"
    second_ours = {
        place["id"]
        for place in second["places"]
        if place["establishment"] == establishment.pk and place["section"] == section.code
    }
    assert second_ours & ours == freed_ours
    assert len(second_ours - ours) == 1
    assert second["decisions"], "la seconde commission n'a rien proposé"
    # Across every session the API lists, a place has at most one live offer.
    live = {}
    for listed in all_sessions(agent, base):
        for decision in listed["decisions"]:
            if decision["offer_status"] in LIVE:
                live.setdefault(decision["place"], []).append(listed["id"])
    twice = {place: ids for place, ids in live.items() if len(ids) > 1}
    assert not twice, f"places proposées deux fois : {twice}"
    assert {d["place"] for d in second["decisions"]} <= set(live)
    agent.context.close()
    axe.assert_clean()
