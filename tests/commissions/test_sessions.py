"""Commission sessions and offers: prepare, score, allocate, derogate, validate, offers, re-offers, admissions.

A small collectivité is built inside the `alpha` schema: two crèches with one place opening each, three families
asking for both. Real schemas, real pages, Celery tasks run eagerly, PDFs read back as text.
"""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from commissions import sessions
from commissions.calendar import deadline_after
from commissions.enums import DecisionSource, DeclineReason, OfferStatus, OverrideAction, SessionStatus
from commissions.figures import session_figures
from commissions.models import CommissionSettings, Decision, Dossier, Offer, Override, Session
from commissions.tasks import offers_expire_daily
from families.enums import Actor, ApplicationStatus, AuditAction
from families.models import Application, AuditEntry, Wish
from portal.bulk import copy_insert
from tests.commissions.factories import SURNAMES, World, allocated, prepared
from tests.families.factories import application_in, child_in
from tests.utils import client_for


def text_of(data):
    # Words cut at a hyphen at the end of a table cell's line come back whole.
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    return text.replace("- ", "-")


def pdf_text(field):
    with field.open("rb") as handle:
        return text_of(handle.read())


def downloaded(response):
    """The body of a file download (read to the end: the test client then closes the file)."""
    return b"".join(response.streaming_content)


@pytest.fixture
def world(alpha):
    return World(alpha)


# --- Preparation and the engine -------------------------------------------------------------------------------------


def test_preparing_snapshots_eligible_requests_with_anonymous_numbers_and_moves_them_to_commission(world):
    prepared(world)
    with world:
        assert world.session.status == SessionStatus.OPEN
        assert world.session.regulation.version == 1
        seats = list(world.session.seats.order_by("section__establishment__slug"))
        assert [(seat.section.establishment, seat.capacity) for seat in seats] == [(world.a, 1), (world.b, 1)]
        dossiers = list(world.session.dossiers.order_by("number"))
        # Numbered by seniority, deterministic.
        prefix = f"S{world.session.pk}-"
        assert [d.number for d in dossiers] == [f"{prefix}0001", f"{prefix}0002", f"{prefix}0003"]
        assert [d.application for d in dossiers] == [family[3] for family in world.families]
        assert dossiers[2].score == 10 and dossiers[2].facts["situations"] == ["monoparentalite"]
        assert dossiers[2].breakdown[0]["label"] == "Famille monoparentale"
        assert dossiers[0].score == 0
        assert [wish["establishment"] for wish in dossiers[0].wishes] == [world.a.pk, world.b.pk]
        for family in world.families:
            family[3].refresh_from_db()
            assert family[3].status == ApplicationStatus.EN_COMMISSION


def test_dossiers_written_by_copy_read_back_whole_even_with_characters_copy_escapes(world):
    """session_prepare writes its dossiers with portal.bulk.copy_insert: every column, defaults included, comes
    back as the ORM would have written it, with quotes, backslashes, tabs and line breaks in the snapshots."""
    prepared(world)
    nasty = 'Crèche "Les \\Lutins"\tà\nMetz \\N'
    with world:
        model = world.dossier(2)
        copy = Dossier(
            session=world.session,
            application=None,
            number="S-COPY",
            age_months=model.age_months,
            section_code=model.section_code,
            wishes=[{"establishment": 1, "name": nasty, "section": None, "seat": None}],
            facts={**model.facts, "residence": nasty},
            score=-3,
            breakdown=model.breakdown,
            bonus={"7": 2.5},
            flags=["insertion"],
            adjustment_reason=nasty,
        )
        assert copy_insert(Dossier, [copy]) == 1
        stored = Dossier.objects.get(session=world.session, number="S-COPY")
        assert stored.wishes[0]["name"] == nasty and stored.facts["residence"] == nasty
        assert stored.facts["situations"] == ["monoparentalite"] and stored.breakdown == model.breakdown
        assert (stored.score, stored.bonus, stored.flags, stored.adjustment) == (-3, {"7": 2.5}, ["insertion"], 0)
        assert (stored.adjustment_reason, stored.letter.name, stored.application) == (nasty, "", None)
        # The prepared ones too: the defaults the preparation does not set.
        assert (model.adjustment, model.adjustment_reason, model.letter.name, model.bonus) == (0, "", "", {})


def test_a_request_without_a_place_of_its_age_is_left_out(world):
    with world:
        application = world.families[0][3]
        Application.objects.filter(pk=application.pk).update(age_at_start_months=60)
        sessions.session_prepare(session=world.session, user=world.agent)
        assert not Dossier.objects.filter(application=application).exists()
        application.refresh_from_db()
        assert application.status == ApplicationStatus.COMPLETE


def test_the_engine_places_by_score_then_seniority_and_explains_the_others(world):
    allocated(world)
    with world:
        first, second, third = (world.dossier(i) for i in range(3))
        assert third.decision.seat.section.establishment == world.a  # 10 points
        assert first.decision.seat.section.establishment == world.b  # earliest of the 0-point requests
        assert second.decision.seat is None
        assert {d.decision.source for d in (first, second, third)} == {DecisionSource.ENGINE}
        texts = [line["text"] for line in second.decision.explanation]
        assert "Multi-accueil les-lutins" in texts[0] and "score supérieur" in texts[0]
        assert "Multi-accueil les-pirates" in texts[1] and "déposée avant la vôtre" in texts[1]
        section = third.decision.seat.section
        cutoff = session_figures(world.session).cutoffs[f"{section.establishment_id}/{section.code}"]
        assert cutoff["filled"] == 1 and cutoff["last_admitted_score"] == 10.0


def test_an_adjustment_needs_a_reason_and_changes_the_effective_score(world):
    prepared(world)
    with world:
        dossier = world.dossier(1)
        with pytest.raises(ValidationError, match="motif"):
            sessions.session_adjust(dossier=dossier, points=20, reason="  ", user=world.member)
        sessions.session_adjust(dossier=dossier, points=20, reason="Situation d'urgence signalée", user=world.member)
        dossier.refresh_from_db()
        assert dossier.effective_score == 20
        assert Override.objects.get(dossier=dossier).action == OverrideAction.ADJUST
        sessions.session_allocate(session=world.session)
        assert world.dossier(1).decision.seat.section.establishment == world.a


def test_derogations_need_a_reason_check_capacity_and_eligibility_and_are_logged(world):
    allocated(world)
    with world:
        first, second, third = (world.dossier(i) for i in range(3))
        seat_b = first.decision.seat
        with pytest.raises(ValidationError, match="motif"):
            sessions.override_assign(dossier=second, seat=seat_b, reason="", user=world.member)
        with pytest.raises(ValidationError, match="déjà attribuées"):
            sessions.override_assign(dossier=second, seat=seat_b, reason="Priorité", user=world.member)
        Wish.objects.filter(application=second.application, establishment=world.b).delete()
        second.wishes = second.wishes[:1]
        second.save()
        sessions.override_unassign(dossier=first, reason="Déménagement annoncé", user=world.member)
        with pytest.raises(ValidationError, match="pas demandé"):
            sessions.override_assign(dossier=second, seat=seat_b, reason="Priorité", user=world.member)
        sessions.override_assign(dossier=first, seat=seat_b, reason="Erreur corrigée", user=world.member)
        actions = list(Override.objects.filter(session=world.session).values_list("action", flat=True))
        assert actions == [OverrideAction.UNASSIGN, OverrideAction.ASSIGN]
        assert Decision.objects.get(dossier=first).source == DecisionSource.OVERRIDE
        assert third.decision.seat is not None


# --- Pages and permissions ----------------------------------------------------------------------------------------


def test_members_see_anonymised_dossiers_only(world):
    allocated(world)
    for user in (world.member, world.chair):
        client = client_for(world.collectivite, user)
        pages = [
            client.get("/gestion/commissions/"),
            client.get(f"/gestion/commissions/{world.session.pk}/"),
        ]
        for response in pages:
            assert response.status_code == 200
            content = response.content.decode()
            for surname in SURNAMES:
                assert surname not in content
            assert "impasse des Secrets" not in content
            assert "Prénom0" not in content
        assert f"S{world.session.pk}-0001" in pages[1].content.decode()
        assert "Famille monoparentale" in pages[1].content.decode()
    agent_page = client_for(world.collectivite, world.agent).get(f"/gestion/commissions/{world.session.pk}/")
    assert SURNAMES[0] in agent_page.content.decode()
    with world:
        # Only the service's read of identities is logged; members read numbers.
        assert set(AuditEntry.objects.filter(action=AuditAction.READ).values_list("user", flat=True)) == {
            world.agent.pk
        }
        assert AuditEntry.objects.filter(application=world.families[0][3], user=world.agent).exists()


@pytest.mark.parametrize("who", ["outsider", "director", "family"])
def test_people_outside_the_session_cannot_see_it(world, who):
    user = world.families[0][0] if who == "family" else getattr(world, who)
    client = client_for(world.collectivite, user)
    assert client.get(f"/gestion/commissions/{world.session.pk}/").status_code in (403, 404)
    assert client.post(f"/gestion/commissions/{world.session.pk}/repartir/").status_code in (403, 404)


def test_members_cannot_prepare_and_only_the_service_creates_sessions(world):
    client = client_for(world.collectivite, world.member)
    assert client.post(f"/gestion/commissions/{world.session.pk}/preparer/").status_code == 403
    assert client.post("/gestion/commissions/", {"title": "X"}).status_code == 403


def test_the_agent_creates_and_prepares_a_session_through_the_pages(world):
    client = client_for(world.collectivite, world.agent)
    today = timezone.localdate()
    response = client.post(
        "/gestion/commissions/",
        {
            "title": "Commission d'automne",
            "date": today.isoformat(),
            "places_until": (today + datetime.timedelta(days=60)).isoformat(),
            "chair": world.chair.pk,
            "members": [world.member.pk],
        },
    )
    assert response.status_code == 302
    with world:
        session = Session.objects.get(title="Commission d'automne")
    assert client.post(f"/gestion/commissions/{session.pk}/preparer/").status_code == 302
    with world:
        assert session.dossiers.count() == 3


def test_a_member_derogates_through_the_page_and_a_missing_reason_is_refused(world):
    allocated(world)
    client = client_for(world.collectivite, world.member)
    with world:
        first, second = world.dossier(0), world.dossier(1)
    url = f"/gestion/commissions/{world.session.pk}/dossiers/{second.number}/echanger/"
    response = client.post(url, {"other": first.number, "reason": ""}, follow=True)
    assert "Action refusée" in response.content.decode()
    with world:
        assert Decision.objects.get(dossier=second).seat is None
    response = client.post(url, {"other": first.number, "reason": "Fratrie dans la même rue"}, follow=True)
    assert "Places échangées" in response.content.decode()
    with world:
        assert Decision.objects.get(dossier=second).seat.section.establishment == world.b
        assert Decision.objects.get(dossier=first).seat is None


# --- Validation, offers and the rest of the flow ------------------------------------------------------------------


def test_the_whole_flow_from_preparation_to_admission(world, django_capture_on_commit_callbacks):
    allocated(world)
    with world:
        CommissionSettings.objects.update_or_create(pk=1, defaults={"offer_response_days": 10})
        first, second, third = (world.dossier(i) for i in range(3))
        # The commission gives B to the second request instead of the first, for a stated reason.
        sessions.override_swap(dossier=first, other=second, reason="Garde alternée à proximité", user=world.member)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=world.session, user=world.chair)
        world.refresh()
        assert world.session.status == SessionStatus.VALIDATED and world.session.minutes
        offers = {offer.application_id: offer for offer in Offer.objects.filter(session=world.session)}
        assert set(offers) == {second.application_id, third.application_id}
        assert offers[third.application_id].deadline == deadline_after(timezone.localdate(), 10)
        for index, status in enumerate(
            [ApplicationStatus.LISTE_ATTENTE, ApplicationStatus.PROPOSITION, ApplicationStatus.PROPOSITION]
        ):
            assert Application.objects.get(pk=world.families[index][3].pk).status == status
        assert len(mail.outbox) == 3
        host = world.collectivite.get_primary_domain().domain
        for message in mail.outbox:
            assert message.from_email == f'"{world.collectivite.name}" <ne-pas-repondre@{host}>'
            assert re.search(rf"http://{re.escape(host)}:8000/famille/demandes/\d+/", message.body), message.body
        # The PV: anonymised decisions and the derogation with its reason, no names.
        minutes = pdf_text(world.session.minutes)
        assert "Garde alternée à proximité" in minutes and first.number in minutes
        assert not any(surname in minutes for surname in SURNAMES)
        # The letter of the request left on the waiting list: why, the cutoffs, what to do next.
        first.refresh_from_db()
        letter = pdf_text(first.letter)
        assert "Multi-accueil les-lutins" in letter and "liste d'attente" in letter
        assert "Motif de la commission : Garde alternée à proximité" in letter
        assert "Multi-accueil les-lutins Décision de la commission, motivée ci-dessus. 10 points" in letter
        assert "Voies et délais de recours" in letter and "tribunal administratif" in letter
        assert "relais" not in letter
        second.refresh_from_db()
        assert "Place proposée" in pdf_text(second.letter)
        # Validated: nothing changes any more.
        with pytest.raises(ValidationError, match="validée"):
            sessions.session_adjust(dossier=first, points=5, reason="Trop tard", user=world.member)
        with pytest.raises(ValidationError, match="validée"):
            sessions.override_unassign(dossier=second, reason="Trop tard", user=world.member)
        with pytest.raises(ValidationError, match="validée"):
            sessions.session_allocate(session=world.session)

    # The second family declines B: the place goes at once to the next request (the first one).
    client = client_for(world.collectivite, world.families[1][0])
    offer = offers[second.application_id]
    assert client.post(f"/famille/propositions/{offer.pk}/refuser/", {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/famille/propositions/{offer.pk}/refuser/", {"kind": "unsuitable", "reason": "Trop loin du travail"}
        )
    assert response.status_code == 302
    with world:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.DECLINED
        assert Application.objects.get(pk=second.application_id).status == ApplicationStatus.REFUSEE
        reoffered = Offer.objects.get(application=first.application, status=OfferStatus.PENDING)
        assert reoffered.establishment == world.b
        assert Application.objects.get(pk=first.application_id).status == ApplicationStatus.PROPOSITION
        log = Override.objects.get(action=OverrideAction.REOFFER)
        assert log.dossier == first and log.other == second
        first.refresh_from_db()
        assert "Place proposée" in pdf_text(first.letter)

    # The first family sees the offer on its request page and accepts (one live request per child: no other to close).
    family_client = client_for(world.collectivite, world.families[0][0])
    page = family_client.get(f"/famille/demandes/{first.application_id}/")
    assert page.status_code == 200
    assert "Accepter la place" in page.content.decode()
    assert f"/famille/courriers/{first.pk}/" in page.content.decode()
    assert "Place proposée à Multi-accueil les-pirates" in family_client.get("/famille/").content.decode()
    assert family_client.post(f"/famille/propositions/{reoffered.pk}/accepter/").status_code == 302
    with world:
        assert Application.objects.get(pk=first.application_id).status == ApplicationStatus.ACCEPTEE

    # The director of B sees the admission; the family's letter downloads as a real PDF.
    admissions = client_for(world.collectivite, world.director).get("/gestion/admissions/")
    assert admissions.status_code == 200
    assert SURNAMES[0] in admissions.content.decode()
    letter = family_client.get(f"/famille/courriers/{first.pk}/")
    assert letter.status_code == 200 and "Multi-accueil les-pirates" in text_of(downloaded(letter))
    # The PV for the chair and members, not for a family.
    for user in (world.chair, world.member, world.agent):
        response = client_for(world.collectivite, user).get(f"/gestion/commissions/{world.session.pk}/proces-verbal/")
        assert response.status_code == 200 and "Procès-verbal" in text_of(downloaded(response))
    assert family_client.get(f"/gestion/commissions/{world.session.pk}/proces-verbal/").status_code in (403, 404)


def test_a_family_cannot_see_or_answer_another_familys_offer_or_letter(world, django_capture_on_commit_callbacks):
    allocated(world)
    with world, django_capture_on_commit_callbacks(execute=True):
        sessions.session_validate(session=world.session, user=world.agent)
    with world:
        offer = Offer.objects.get(application=world.families[2][3])
        dossier = world.dossier(2)
    intruder = client_for(world.collectivite, world.families[1][0])
    assert intruder.post(f"/famille/propositions/{offer.pk}/accepter/").status_code == 404
    assert intruder.get(f"/famille/propositions/{offer.pk}/refuser/").status_code == 404
    assert intruder.post(f"/famille/propositions/{offer.pk}/refuser/", {"reason": "x"}).status_code == 404
    assert intruder.get(f"/famille/courriers/{dossier.pk}/").status_code == 404
    with world:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.PENDING
    owner = client_for(world.collectivite, world.families[2][0])
    response = owner.get(f"/famille/courriers/{dossier.pk}/")
    assert response.status_code == 200 and "Place proposée" in text_of(downloaded(response))


def test_a_director_sees_only_admissions_of_their_establishments(world, django_capture_on_commit_callbacks):
    allocated(world)
    with world, django_capture_on_commit_callbacks(execute=True):
        sessions.session_validate(session=world.session, user=world.agent)
        offer_a = Offer.objects.get(application=world.families[2][3])  # a place at A, not directed by her
        sessions.offer_accept(offer=offer_a, user=world.families[2][0])
    content = client_for(world.collectivite, world.director).get("/gestion/admissions/").content.decode()
    assert SURNAMES[2] not in content
    assert client_for(world.collectivite, world.member).get("/gestion/admissions/").status_code == 403


def test_offers_past_their_deadline_are_declined_by_the_system_and_offered_again(
    world, django_capture_on_commit_callbacks
):
    allocated(world)
    with world:
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=world.session, user=world.agent)
        late = Offer.objects.get(application=world.families[0][3])  # B, to the earliest 0-point request
        Offer.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert offers_expire_daily() == {"expired": 1}
        late.refresh_from_db()
        # The deadline writes no French words: the kind is the reason, read in the reader's language.
        assert late.status == OfferStatus.EXPIRED and late.decline_reason == ""
        assert late.decline_kind == DeclineReason.EXPIRED
        change = late.application.history.get(to_status=ApplicationStatus.REFUSEE)
        assert change.actor == Actor.SYSTEM
        with translation.override("en"):
            assert change.note_text == "no answer within the deadline"
        assert Offer.objects.get(application=world.families[1][3]).establishment == world.b


def test_the_minutes_and_letters_are_written_in_french_even_when_an_english_reader_validates(
    world, django_capture_on_commit_callbacks
):
    # The tasks run at once inside the validating request, whose language they would otherwise take.
    allocated(world)
    with world, translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=world.session, user=world.chair)
        world.refresh()
        letter = pdf_text(Dossier.objects.get(pk=world.dossier(0).pk).letter)
        minutes = pdf_text(world.session.minutes)
    assert "Voies et délais de recours" in letter and "Decision of the allocation committee" not in letter
    assert "Procès-verbal" in minutes


def test_the_expiry_task_runs_for_every_collectivite():
    from django.conf import settings

    entries = [entry["args"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert ("commissions.tasks.offers_expire_daily",) in entries


def test_validating_needs_an_allocation_and_a_validated_session_refuses_changes_through_the_page(world):
    prepared(world)
    with world:
        with pytest.raises(ValidationError, match="répartition"):
            sessions.session_validate(session=world.session, user=world.agent)
        sessions.session_allocate(session=world.session)
        Session.objects.filter(pk=world.session.pk).update(status=SessionStatus.VALIDATED)
        number = world.dossier(0).number
    client = client_for(world.collectivite, world.agent)
    response = client.post(
        f"/gestion/commissions/{world.session.pk}/dossiers/{number}/ajuster/",
        {"points": 3, "reason": "Après coup"},
        follow=True,
    )
    assert "ne se modifient plus" in response.content.decode()
    with world:
        assert world.dossier(0).adjustment == 0


@pytest.mark.parametrize("who", ["member", "agent"])
def test_the_session_page_query_count_does_not_grow_with_dossiers(world, who):
    allocated(world)
    client = client_for(world.collectivite, getattr(world, who))
    url = f"/gestion/commissions/{world.session.pk}/"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get(url)  # the first request also looks its domain up (then cached)
    before = queries()
    with world:
        model = world.dossier(0)
        seat = world.dossier(2).decision.seat
    for index in range(4):
        _user, family, _child, _application = world.families[index % 3]
        sibling = child_in(world.collectivite, family, first_name=f"Cadet {index}")  # one live request per child
        application = application_in(world.collectivite, family, sibling, status=ApplicationStatus.EN_COMMISSION)
        with world:
            dossier = Dossier.objects.create(
                session=world.session,
                application=application,
                number=f"S{world.session.pk}-{index + 10:04d}",
                age_months=model.age_months,
                section_code=model.section_code,
                wishes=model.wishes,
                facts=model.facts,
                score=index,
                breakdown=model.breakdown,
            )
            Decision.objects.create(dossier=dossier, seat=seat if index % 2 else None, source=DecisionSource.OVERRIDE)
    assert queries() == before


def test_an_offer_cannot_be_accepted_after_its_deadline_nor_answered_twice(world, django_capture_on_commit_callbacks):
    allocated(world)
    with world:
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=world.session, user=world.agent)
        offer = Offer.objects.get(application=world.families[2][3])
        family_user = world.families[2][0]
        Offer.objects.filter(pk=offer.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
        with pytest.raises(ValidationError, match="délai"):
            sessions.offer_accept(offer=offer, user=family_user)
        Offer.objects.filter(pk=offer.pk).update(deadline=timezone.localdate())
        sessions.offer_accept(offer=offer, user=family_user)
        with pytest.raises(ValidationError, match="déjà reçu une réponse"):
            sessions.offer_decline(offer=offer, user=family_user, reason="Finalement non")
        assert Application.objects.get(pk=offer.application_id).status == ApplicationStatus.ACCEPTEE


def test_only_an_elu_or_a_member_chairs_and_a_regulation_must_be_in_force(world):
    with world:
        today = timezone.localdate()
        with pytest.raises(ValidationError, match="présidence"):
            sessions.session_create(title="X", date=today, places_until=today, chair=world.agent)
        with pytest.raises(ValidationError, match="règlement"):
            sessions.session_create(
                title="X", date=today - datetime.timedelta(days=365), places_until=today, chair=world.chair
            )


def test_the_transparency_page_shows_the_calendar_and_each_validated_session_s_figures(
    world, django_capture_on_commit_callbacks
):
    """Anyone reads the places, dossiers, attribution rate and last admitted score of past commissions."""
    client = client_for(world.collectivite)
    assert "Aucune commission n'a encore été validée" in client.get("/transparence/").content.decode().replace(
        "&#x27;", "'"
    )
    allocated(world)
    with world:
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=world.session, user=world.chair)
        world.refresh()
        figure = session_figures(world.session)
        placed, examined = figure.given, world.session.dossiers.count()
        last_scores = {group["establishment"]: group["last_admitted_score"] for group in figure.groups()}
        assert placed == 2 and set(last_scores.values()) == {10.0, 0.0}
    page = client.get("/transparence/").content.decode()
    assert f"{examined} dossiers examinés, {placed} places attribuées" in page
    assert f"taux d'attribution : {round(100 * placed / examined)} %" in page.replace("&#x27;", "'")
    for name, score in last_scores.items():
        assert name in page
        if score is not None:
            assert re.search(rf"<td[^>]*>\s*{re.escape(f'{score:g}'.replace('.', ','))}\s*</td>", page)
    assert not any(surname in page for surname in SURNAMES)


@pytest.mark.parametrize(
    ("local_part", "status"), [("admin", 200), ("agent", 403), ("commission", 403), ("parent", 403)]
)
def test_only_the_administrator_sets_the_offer_response_delay(metz, local_part, status):
    from tests.utils import demo_user

    client = client_for(metz, demo_user(metz, local_part))
    assert client.get("/gestion/commissions/reglages/").status_code == status
    if status == 200:
        assert client.post("/gestion/commissions/reglages/", {"offer_response_days": 0}).status_code == 400
        assert client.post("/gestion/commissions/reglages/", {"offer_response_days": 12}).status_code == 302
        with tenant_context(metz):
            assert CommissionSettings.current().offer_response_days == 12
