"""Documents a mairie can sign: letters say only what happened to the family's examined wishes, and carry the
voies et délais de recours; minutes carry attendance, quorum, the ranked list, "Fait à" and the signature."""

from django.db import connection
from django_tenants.utils import tenant_context

from commissions import sessions
from commissions.models import Offer, Reservation, SessionAttendance
from families.enums import ApplicationStatus
from families.models import Application, Situation, Wish
from tests.commissions.factories import City, staff_in
from tests.commissions.test_sessions import pdf_text
from tests.families.factories import establishment_in
from tests.utils import client_for


def validated_city(alpha, django_capture_on_commit_callbacks):
    """Crèche C has no place this time; every family wishes C first, then A, then B. A has 3 places, B 2."""
    city = City(alpha, families=6)
    city.c = establishment_in(alpha, "les-ecureuils")
    member = staff_in(alpha, "membre-documents@alpha.test", ["membre_commission"])
    with tenant_context(alpha):
        for application in city.applications:
            Wish.objects.filter(application=application).delete()
            for rank, establishment in enumerate((city.c, city.a, city.b), start=1):
                Wish.objects.create(application=application, establishment=establishment, rank=rank)
        # The last family is a single parent: the best score.
        city.applications[-1].family.situations.add(Situation.objects.get(code="monoparentalite"))
        session = city.session("Commission")
        session.members.add(member)
        sessions.session_attendance_record(session=session, present=[city.chair], excused=[member], user=city.agent)
        sessions.session_prepare(session=session, user=city.agent)
        sessions.session_allocate(session=session)
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=session, user=city.chair)
        session.refresh_from_db()
    connection.set_schema_to_public()
    city.member = member
    return city, session


def test_letters_speak_only_of_examined_wishes_and_carry_the_voies_et_delais_de_recours(
    alpha, django_capture_on_commit_callbacks
):
    city, session = validated_city(alpha, django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        dossiers = list(session.dossiers.order_by("number"))
        assert len(dossiers) == 6
        offered = [d for d in dossiers if Offer.objects.filter(dossier=d).exists()]
        unplaced = [d for d in dossiers if d not in offered]
        assert len(offered) == 5 and len(unplaced) == 1
        for dossier in dossiers:
            text = pdf_text(dossier.letter)
            assert "Voies et délais de recours" in text
            assert "recours gracieux" in text and "tribunal administratif" in text and "deux mois" in text
            # C had no place: it was not examined, so no letter speaks of it.
            assert "Multi-accueil les-ecureuils" not in text
            assert "relais" not in text and "rendez-vous" not in text
        for dossier in offered:
            offer = Offer.objects.get(dossier=dossier)
            text = pdf_text(dossier.letter)
            name = offer.establishment.name
            assert f"Place proposée : {name}" in text
            assert f"{name} Place proposée dans cet établissement." in text
            assert "Adresse : 1 rue de la Paix, 44000 Nantes." in text
            assert f"à partir du {offer.place.starts_on:%d/%m/%Y}" in text
            if offer.establishment == city.a:
                # Les lutins was the first examined wish: the letter says nothing of B, never examined.
                assert "Multi-accueil les-pirates" not in text
            # The place offered never "went to a higher score".
            assert "score supérieur" not in text.split(name)[-1]
        text = pdf_text(unplaced[0].letter)
        assert "Multi-accueil les-lutins" in text and "Multi-accueil les-pirates" in text
        assert "Aucune place n'a pu vous être proposée" in text


def test_the_minutes_carry_attendance_quorum_the_ranked_list_and_the_signature(
    alpha, django_capture_on_commit_callbacks
):
    city, session = validated_city(alpha, django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        text = pdf_text(session.minutes)
        assert "Présent·es : elue@ledger.test" in text
        assert "Excusé·es : membre-documents@alpha.test" in text
        assert "Quorum : 1 présent·es sur 2 (plus de la moitié requise) — non atteint." in text
        numbers = [d.number for d in sorted(session.dossiers.all(), key=lambda d: (-d.effective_score, d.number))]
        # The ranked list: best score first (the single parent), then by seniority.
        positions = [text.index(f"{rank} {number}") for rank, number in enumerate(numbers, start=1)]
        assert positions == sorted(positions)
        assert "liste d'attente, rang 1" in text
        assert f"Fait à Nantes, le {session.validated_at:%d/%m/%Y}." in text
        assert "Le ou la président·e de la commission, elue@ledger.test Signature" in text


def test_attendance_is_recorded_before_validation_by_the_service_through_its_page(
    alpha, django_capture_on_commit_callbacks
):
    city = City(alpha, families=1)
    member = staff_in(alpha, "membre-presence@alpha.test", ["membre_commission"])
    with tenant_context(alpha):
        session = city.session("Commission")
        session.members.add(member)
    connection.set_schema_to_public()
    url = f"/gestion/commissions/{session.pk}/presences/"
    assert client_for(alpha, member).get(url).status_code == 403
    agent = client_for(alpha, city.agent)
    page = agent.get(url)
    assert page.status_code == 200 and "membre-presence@alpha.test" in page.content.decode()
    both = {f"presence-{city.chair.pk}": "present", f"presence-{member.pk}": "nonsense"}
    assert agent.post(url, both).status_code == 400
    with tenant_context(alpha):
        assert not SessionAttendance.objects.filter(session=session).exists()
    response = agent.post(url, {f"presence-{city.chair.pk}": "present", f"presence-{member.pk}": "excused"})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert dict(SessionAttendance.objects.filter(session=session).values_list("user", "status")) == {
            city.chair.pk: "present",
            member.pk: "excused",
        }
        Application.objects.filter(pk=city.applications[0].pk).update(status=ApplicationStatus.COMPLETE)
        sessions.session_prepare(session=session, user=city.agent)
        sessions.session_allocate(session=session)
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=session, user=city.chair)
    connection.set_schema_to_public()
    assert agent.post(url, {f"presence-{city.chair.pk}": "absent"}).status_code == 400


def test_a_reserved_place_given_to_another_family_says_so_and_why_on_screen_and_in_the_minutes(
    alpha, django_capture_on_commit_callbacks
):
    city = City(alpha, families=3)
    with tenant_context(alpha):
        Reservation.objects.create(section=city.a.sections.get(), flag="insertion", count=1)
        session = city.session("Commission")
        sessions.session_prepare(session=session, user=city.agent)
        reserved = session.session_places.get(reserved_for="insertion")
        sessions.session_allocate(session=session)
        # Nobody carries the insertion flag: the engine gives the place to the next family in the ranking.
        holder = session.dossiers.get(decision__place=reserved.place_id)
        assert "insertion" not in holder.flags
    connection.set_schema_to_public()
    why = "Place réservée aux familles en parcours d'insertion : aucun dossier de ce public ne restait pour elle"
    page = client_for(alpha, city.agent).get(f"/gestion/commissions/{session.pk}/").content.decode()
    assert f"Dossier {holder.number} : {why}" in page.replace("&#x27;", "'")
    with tenant_context(alpha):
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=session, user=city.chair)
        session.refresh_from_db()
        assert f"Dossier {holder.number} : {why}" in pdf_text(session.minutes)
