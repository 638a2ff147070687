"""The meeting screen: counts, filters, links to cards, the swap picker, inline errors, validation behind a summary,
pickers with roles, coming sessions on the homes of members and élus, and the public calendar.

Built on the small collectivité of test_sessions (two crèches with one place each, three families wishing both).
"""

import datetime
import re

import pytest
from django.utils import timezone

from commissions import meeting, sessions
from commissions.enums import SessionStatus
from commissions.models import Decision, Offer, Session
from families.models import Wish
from tests.commissions.factories import World, allocated, prepared
from tests.utils import client_for


@pytest.fixture
def world(alpha):
    return World(alpha)


def session_url(world):
    return f"/gestion/commissions/{world.session.pk}/"


def card(content, number):
    """The HTML of a dossier's card on the page (empty when it is not there)."""
    found = re.search(
        rf'<article class="card dossier-card" aria-labelledby="dossier-{number}">.*?</article>', content, re.S
    )
    return found.group(0) if found else ""


def options(html, select_id):
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"pas de liste {select_id}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def main_content(content):
    """The page's main content as a reload or an HTMX swap shows it, without the one-time messages and tokens."""
    main = re.search(r'<main id="contenu".*?</main>', content, re.S).group(0)
    main = re.sub(r'<div class="messages" role="status">.*?</div>', "", main, flags=re.S)
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', main)
    return " ".join(main.split())


def test_after_preparation_the_page_says_how_many_dossiers_and_places_were_taken(world):
    client = client_for(world.collectivite, world.agent)
    response = client.post(f"{session_url(world)}preparer/", follow=True)
    content = response.content.decode()
    assert "Commission préparée : 3 dossiers retenus, 2 places dans 2 sections." in content
    assert "3 dossiers retenus" in content and "2 places dans 2 section(s) de 2 établissement(s)." in content


def test_after_the_engine_the_page_says_how_many_places_it_gave(world):
    allocated(world)
    content = client_for(world.collectivite, world.member).get(session_url(world)).content.decode()
    assert "2 place(s) attribuée(s) sur 2." in content


def test_filters_narrow_the_places_and_dossiers_to_an_establishment(world):
    with world:
        Wish.objects.filter(application=world.families[1][3], establishment=world.b).delete()
    prepared(world)
    with world:
        numbers = [world.dossier(i).number for i in range(3)]
    client = client_for(world.collectivite, world.member)
    content = client.get(session_url(world), {"etablissement": world.b.pk}).content.decode()
    assert card(content, numbers[0]) and card(content, numbers[2])
    assert not card(content, numbers[1])  # it did not ask for B
    assert "2 dossiers sur 3 correspondent aux filtres." in content
    places = re.search(r'<section aria-labelledby="places">.*?</section>', content, re.S).group(0)
    assert world.b.name in places and world.a.name not in places
    by_section = client.get(session_url(world), {"section": "tous"}).content.decode()
    assert all(card(by_section, number) for number in numbers)


def test_an_unknown_filter_is_said_and_the_whole_list_shown(world):
    prepared(world)
    content = client_for(world.collectivite, world.member).get(session_url(world), {"section": "inconnue"})
    content = content.content.decode()
    assert "Sélectionnez un choix valide" in content
    with world:
        assert all(card(content, world.dossier(i).number) for i in range(3))


def test_numbers_in_the_places_table_link_to_their_card_on_its_page(world, monkeypatch):
    monkeypatch.setattr(meeting, "DOSSIERS_PAGE_SIZE", 1)
    allocated(world)
    client = client_for(world.collectivite, world.member)
    content = client.get(session_url(world)).content.decode()
    with world:
        placed = [world.dossier(i).number for i in (0, 2)]
    for number in placed:
        link = re.search(rf'<a href="([^"]+)" hx-boost="false">{number}</a>', content)
        assert link, number
        url, anchor = link.group(1).split("#")
        assert anchor == f"dossier-{number}"
        assert card(client.get(url).content.decode(), number)
    # The first request (0 points, the earliest, placed in B) comes second by score: page 2 of one card each.
    assert f"?page=2#dossier-{placed[0]}" in content


def test_a_swap_picks_the_other_dossier_among_the_eligible_ones(world):
    allocated(world)
    with world:
        first, second, third = (world.dossier(i) for i in range(3))
        # The second request no longer asks for A (third's place): they cannot exchange.
        second.wishes = [wish for wish in second.wishes if wish["establishment"] != world.a.pk]
        second.save()
    content = client_for(world.collectivite, world.member).get(session_url(world)).content.decode()
    assert options(card(content, second.number), f"swap-{second.number}-other") == ["", first.number]
    assert options(card(content, first.number), f"swap-{first.number}-other") == ["", third.number, second.number]
    assert options(card(content, second.number), f"assign-{second.number}-seat") == [str(first.decision.seat.pk)]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_missing_reason_is_said_next_to_the_field_and_keeps_what_was_typed(world, htmx):
    allocated(world)
    with world:
        first, second = world.dossier(0), world.dossier(1)
    client = client_for(world.collectivite, world.member)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(
        f"{session_url(world)}dossiers/{second.number}/echanger/", {"other": first.number, "reason": "  "}, **headers
    )
    assert response.status_code == 400
    html = card(response.content.decode(), second.number)
    assert "<details open>" in html
    swap = re.search(r"<legend>Échanger avec un autre dossier</legend>.*?</fieldset>", html, re.S).group(0)
    assert re.search(
        r'id="swap-[^"]+-reason".*?</textarea>.*?<p class="error" id="swap-[^"]+-reason_error">Indiquez le motif',
        swap,
        re.S,
    )
    assert re.search(rf'<option value="{first.number}" selected>', swap)
    with world:
        assert Decision.objects.get(dossier=second).seat is None
    response = client.post(
        f"{session_url(world)}dossiers/{second.number}/ajuster/", {"points": "7", "reason": ""}, **headers
    )
    assert response.status_code == 400
    adjust = card(response.content.decode(), second.number)
    assert 'name="points" value="7"' in adjust and "Indiquez le motif" in adjust


def test_a_refusal_of_the_service_is_shown_in_the_form_it_answers(world):
    allocated(world)
    with world:
        first, second = world.dossier(0), world.dossier(1)
        seat_b = first.decision.seat
    client = client_for(world.collectivite, world.member)
    response = client.post(
        f"{session_url(world)}dossiers/{second.number}/attribuer/", {"seat": seat_b.pk, "reason": "Priorité"}
    )
    assert response.status_code == 400
    html = card(response.content.decode(), second.number)
    assigned = re.search(r"<legend>Attribuer une place</legend>.*?</fieldset>", html, re.S).group(0)
    assert "déjà attribuées" in assigned and "Priorité</textarea>" in assigned


def test_after_a_swap_through_htmx_the_fragment_equals_the_page_after_a_reload(world):
    allocated(world)
    with world:
        first, second = world.dossier(0), world.dossier(1)
    client = client_for(world.collectivite, world.member)
    swapped = client.post(
        f"{session_url(world)}dossiers/{second.number}/echanger/",
        {"other": first.number, "reason": "Fratrie dans la même rue"},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    assert swapped.status_code == 200
    assert "Places échangées entre les dossiers" in swapped.content.decode()
    reloaded = client.get(swapped.request["PATH_INFO"] + "?" + swapped.request["QUERY_STRING"])
    assert main_content(swapped.content.decode()) == main_content(reloaded.content.decode())


def test_filtering_through_htmx_gives_the_page_a_reload_gives(world):
    prepared(world)
    client = client_for(world.collectivite, world.member)
    query = {"etablissement": world.b.pk}
    fragment = client.get(session_url(world), query, HTTP_HX_REQUEST="true").content.decode()
    assert main_content(fragment) == main_content(client.get(session_url(world), query).content.decode())


# --- Validation behind a summary ----------------------------------------------------------------------------------


def test_validation_shows_a_summary_then_needs_an_explicit_confirmation(world, django_capture_on_commit_callbacks):
    allocated(world)
    with world:
        first, second = world.dossier(0), world.dossier(1)
        sessions.override_swap(dossier=first, other=second, reason="Garde alternée", user=world.member)
    client = client_for(world.collectivite, world.chair)
    page = client.get(session_url(world))
    assert f'href="{session_url(world)}valider/"' in page.content.decode()
    summary = client.get(f"{session_url(world)}valider/").content.decode()
    assert "2 places attribuées sur 2" in summary
    assert "1 dossier sans place reste sur la liste d'attente." in summary
    assert "3 familles seront prévenues" in summary
    assert "1 ajustement ou dérogation" in summary and "Garde alternée" in summary
    refused = client.post(f"{session_url(world)}valider/", {})
    assert refused.status_code == 400 and "Cochez la case pour confirmer" in refused.content.decode()
    with world:
        world.refresh()
        assert world.session.status == SessionStatus.OPEN and not Offer.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{session_url(world)}valider/", {"confirm": "on"})
    assert response.status_code == 302
    with world:
        world.refresh()
        assert world.session.status == SessionStatus.VALIDATED
        assert Offer.objects.filter(session=world.session).count() == 2


@pytest.mark.parametrize(("who", "status"), [("chair", 200), ("agent", 200), ("member", 403), ("outsider", 404)])
def test_only_the_chair_or_the_service_reaches_the_validation_summary(world, who, status):
    allocated(world)
    client = client_for(world.collectivite, getattr(world, who))
    assert client.get(f"{session_url(world)}valider/").status_code == status
    if status != 200:
        assert client.post(f"{session_url(world)}valider/", {"confirm": "on"}).status_code == status


def test_the_validation_summary_is_not_offered_before_the_engine_ran(world):
    prepared(world)
    response = client_for(world.collectivite, world.chair).get(f"{session_url(world)}valider/", follow=True)
    assert "ne peut pas être validée à cette étape" in response.content.decode()


# --- People ---------------------------------------------------------------------------------------------------------


def test_the_chair_and_member_pickers_show_each_person_s_roles(world):
    content = client_for(world.collectivite, world.agent).get("/gestion/commissions/").content.decode()
    assert re.search(r"elue@sessions\.test — élu·e\s*</option>", content)
    assert "membre@sessions.test — membre de commission" in content


def test_the_homes_of_members_and_elus_list_the_sessions_they_still_have_to_hold(world):
    with world:
        today = timezone.localdate()
        held = Session.objects.create(
            title="Commission tenue ce matin",
            date=today,
            places_until=today,
            chair=world.chair,
            regulation=world.session.regulation,
            status=SessionStatus.VALIDATED,
        )
        held.members.add(world.member)
        past = timezone.localdate() - datetime.timedelta(days=3)
        Session.objects.create(
            title="Commission passée",
            date=past,
            places_until=past,
            chair=world.chair,
            regulation=world.session.regulation,
        )
    member_home = client_for(world.collectivite, world.member).get("/espace/commission/").content.decode()
    assert "Commission de printemps" in member_home
    assert "Commission passée" not in member_home and "Commission tenue ce matin" not in member_home
    chair_home = client_for(world.collectivite, world.chair).get("/espace/elu/").content.decode()
    assert "Commission de printemps" in chair_home and "vous présidez" in chair_home
    outsider_home = client_for(world.collectivite, world.outsider).get("/espace/commission/").content.decode()
    assert "Commission de printemps" not in outsider_home
    assert "Vous ne siégez dans aucune commission programmée." in outsider_home


def test_the_public_calendar_lists_coming_sessions_whatever_their_state(world, beta):
    allocated(world)
    empty = "Aucune commission n'est encore programmée."
    client = client_for(world.collectivite)
    with world:
        Session.objects.filter(pk=world.session.pk).update(status=SessionStatus.VALIDATED)
        later = timezone.localdate() + datetime.timedelta(days=20)
        Session.objects.create(
            title="Commission d'été",
            date=later,
            places_until=later,
            chair=world.chair,
            regulation=world.session.regulation,
        )
    page = client.get("/transparence/").content.decode().replace("&#x27;", "'")
    calendar = re.search(r'<section aria-labelledby="calendrier">.*?</section>', page, re.S).group(0)
    assert empty not in calendar
    assert len(re.findall(r"<li>", calendar)) == 2
    assert empty in client_for(beta).get("/transparence/").content.decode().replace(
        "&#x27;", "'"
    )  # no session at all there
