"""No family without a solution: a validated session puts each family left without a place in its relais's
follow-up list; the animatrice proposes AM and records outcomes; the family sees the proposals; figures."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions import sessions
from commissions.models import Dossier
from families.enums import ApplicationStatus
from rpe.booking.enums import BookableBy
from rpe.enums_offers import FollowUpContactKind, FollowUpOutcome
from rpe.followup import followup_record, solution_shares
from rpe.models import FollowUp
from tests.commissions.test_sessions import allocated, pdf_text
from tests.commissions.test_sessions import world as world  # noqa: F401  (the commission's fixture)
from tests.rpe.factories import AnimatriceFactory, AssistantMaternelFactory, MotifFactory, RelaisFactory
from tests.utils import client_for


@pytest.fixture
def relais_world(world):  # noqa: F811
    with tenant_context(world.collectivite):
        world.relais = RelaisFactory(communes=["44109"], name="Relais de Nantes-Nord")
        world.animatrice = AnimatriceFactory(relais=world.relais)
        world.outsider = AnimatriceFactory(relais=RelaisFactory(communes=["44184"]))
        world.am = AssistantMaternelFactory(relais=world.relais, with_account=True, places=2, free_places=1)
    connection.set_schema_to_public()
    return world


def validated(world, django_capture_on_commit_callbacks):
    allocated(world)
    with world:
        with django_capture_on_commit_callbacks(execute=True):
            sessions.session_validate(session=world.session, user=world.agent)
        world.refresh()
    return world


def test_validating_a_session_puts_each_family_without_a_place_in_its_relais_s_list(
    relais_world, django_capture_on_commit_callbacks
):
    world = validated(relais_world, django_capture_on_commit_callbacks)
    with world:
        unplaced = Dossier.objects.filter(session=world.session, application__status=ApplicationStatus.LISTE_ATTENTE)
        followups = FollowUp.objects.filter(session=world.session)
        assert {f.application_id for f in followups} == set(unplaced.values_list("application_id", flat=True))
        assert unplaced.count() == 1
        followup = followups.get()
        assert followup.relais == world.relais and followup.code_insee == "44109"
        assert followup.start_date == followup.application.desired_start and followup.half_days
        # The letter names the relais and links to the matching AM.
        letter = pdf_text(Dossier.objects.get(application=followup.application, session=world.session).letter)
        assert "Relais de Nantes-Nord" in letter and "/assistants-maternels/?commune=44109" in letter.replace(" ", "")
        assert "/rendez-vous/prendre/" not in letter.replace(" ", "")  # no motif open to families yet


def test_the_letter_links_to_online_booking_when_the_relais_has_a_motif_open_to_families(
    relais_world, django_capture_on_commit_callbacks
):
    with relais_world:
        MotifFactory(relais=relais_world.relais, bookable_by=BookableBy.FAMILIES)
    world = validated(relais_world, django_capture_on_commit_callbacks)
    with world:
        followup = FollowUp.objects.get(session=world.session)
        letter = pdf_text(Dossier.objects.get(application=followup.application, session=world.session).letter)
    assert "Prendre rendez-vous en ligne avec le relais" in letter
    assert "/rendez-vous/prendre/" in letter.replace(" ", "")


def test_the_animatrice_proposes_an_am_the_family_sees_it_and_the_figures_follow(
    relais_world, django_capture_on_commit_callbacks
):
    world = validated(relais_world, django_capture_on_commit_callbacks)
    with world:
        followup = FollowUp.objects.get(session=world.session)
    animatrice = client_for(world.collectivite, world.animatrice)
    page = animatrice.get(f"/relais/familles-sans-solution/{followup.pk}/")
    assert page.status_code == 200 and world.am.display_name in page.content.decode()
    response = animatrice.post(
        f"/relais/familles-sans-solution/{followup.pk}/",
        {"kind": FollowUpContactKind.PROPOSAL, "am": world.am.pk, "outcome": FollowUpOutcome.STILL_SEARCHING},
    )
    assert response.status_code == 302
    family_user = next(
        user for user, _f, _c, application in world.families if application.pk == followup.application_id
    )
    family_page = client_for(world.collectivite, family_user).get(f"/famille/demandes/{followup.application_id}/")
    assert "Proposé·es par le relais petite enfance" in family_page.content.decode()
    assert world.am.display_name in family_page.content.decode()
    with world:
        followup_record(
            followup=followup,
            user=world.animatrice,
            kind=FollowUpContactKind.CALL,
            outcome=FollowUpOutcome.AM_FOUND,
            on=world.session.date + datetime.timedelta(weeks=6),
        )
        [row] = solution_shares(today=world.session.date + datetime.timedelta(weeks=13))
        assert (row["families"], row["share_4w"], row["share_12w"]) == (1, 0, 100)
        [row] = solution_shares(today=world.session.date + datetime.timedelta(weeks=5))
        assert row["share_12w"] is None


def test_only_the_relais_of_the_family_follows_it_up(relais_world, django_capture_on_commit_callbacks):
    world = validated(relais_world, django_capture_on_commit_callbacks)
    with world:
        followup = FollowUp.objects.get(session=world.session)
    outsider = client_for(world.collectivite, world.outsider)
    assert outsider.get(f"/relais/familles-sans-solution/{followup.pk}/").status_code == 404
    assert followup.application.number not in outsider.get("/relais/familles-sans-solution/").content.decode()
    family_user = world.families[0][0]
    assert client_for(world.collectivite, family_user).get("/relais/familles-sans-solution/").status_code == 403
    with world:
        assert timezone.localdate() >= world.session.date
