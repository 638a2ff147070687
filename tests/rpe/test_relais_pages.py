"""The relais's pages: its AM list (filters, freshness, bounded queries), the campaign board, families' requests."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus
from portal.accounts.roles import Role
from portal.outbox.models import OutboxMessage
from portal.workflows import Actor
from rpe.board import campaign_board
from rpe.enums import ActivityStatus, AvailabilityChangeKind, ChangedBy
from rpe.models import AssistantMaternel, AvailabilityChange, Relais
from rpe.notifications import REMINDER_KIND
from rpe.services import am_activity_set, reminders_send
from tests.families.factories import UserFactory, application_in, family_in
from tests.rpe.factories import AnimatriceFactory, AssistantMaternelFactory, RelaisFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db
D = datetime.date


def test_stale_profiles_are_marked_and_listed_after_the_fresh_ones(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
        stale = AssistantMaternelFactory(
            relais=relais,
            last_name="Aaron",
            availability_confirmed_on=timezone.localdate() - datetime.timedelta(days=200),
        )
        fresh = AssistantMaternelFactory(relais=relais, last_name="Zola")
        assert list(AssistantMaternel.objects.filter(relais=relais).ranked()) == [fresh, stale]
        animatrice = AnimatriceFactory(relais=relais)
    page = client_for(alpha, animatrice).get("/relais/assistants-maternels/").content.decode()
    assert page.index("Zola") < page.index("Aaron")
    assert "plus de six mois" in page
    stale_only = client_for(alpha, animatrice).get("/relais/assistants-maternels/", {"freshness": "stale"})
    assert "Aaron" in stale_only.content.decode() and "Zola" not in stale_only.content.decode()


def test_the_am_list_takes_the_same_number_of_queries_for_5_or_25_am(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
        animatrice = AnimatriceFactory(relais=relais)
    client = client_for(alpha, animatrice)

    def queries(count):
        with tenant_context(alpha):
            for _ in range(count):
                AssistantMaternelFactory(relais=relais, places=2, free_places=1)
        connection.set_schema_to_public()
        client.get("/relais/assistants-maternels/")  # warm the routes' cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/relais/assistants-maternels/").status_code == 200
        return len(captured)

    assert queries(5) == queries(20)


def test_a_suspended_am_is_not_listed_and_not_reminded_and_may_resume(alpha):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(with_account=True, availability_confirmed_on=None, places=1)
        am.user.roles = [Role.ASSISTANT_MATERNEL]
        am.user.save()
    client = client_for(alpha, am.user)
    assert client.post("/assistant-maternel/activite/", {"status": ActivityStatus.SUSPENDED}).status_code == 302
    with tenant_context(alpha):
        assert not AssistantMaternel.objects.listed().filter(pk=am.pk).exists()
        reminders_send(today=D(2027, 5, 2))
        assert not OutboxMessage.objects.filter(about_id=am.pk, kind=REMINDER_KIND).exists()
        assert am.activity_log.get().actor == Actor.AM
    refused = client.post("/assistant-maternel/activite/", {"status": ActivityStatus.ARCHIVED})
    assert refused.status_code == 400
    assert client.post("/assistant-maternel/activite/", {"status": ActivityStatus.ACTIVE}).status_code == 302
    with tenant_context(alpha):
        assert AssistantMaternel.objects.listed().filter(pk=am.pk).exists()


def test_the_board_counts_who_declared_per_commune_and_compares_with_the_last_campaign(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory(communes=["44109", "44020"])
        ams = [
            AssistantMaternelFactory(relais=relais, code_insee=code, arrived_on=D(2020, 1, 1))
            for code in ("44109", "44109", "44109", "44020")
        ]

        def declared(am, day):
            AvailabilityChange.objects.create(
                am=am,
                kind=AvailabilityChangeKind.DECLARED,
                changed_by=ChangedBy.AM,
                created_at=timezone.make_aware(datetime.datetime(*day, 10)),
            )

        declared(ams[0], (2027, 1, 5))  # campaign of 1 June 2027
        declared(ams[1], (2027, 5, 20))
        declared(ams[0], (2026, 7, 1))  # previous campaign (1 December 2026)
        am_activity_set(am=ams[3], status=ActivityStatus.SUSPENDED, actor=Actor.STAFF)
        board = campaign_board(
            Relais.objects.filter(pk=relais.pk),
            D(2027, 6, 1),
            lambda code: {"44109": "Nantes", "44020": "Bouguenais"}[code],
        )
        assert (board.total, board.declared, board.rate) == (3, 2, 67)
        assert board.previous_rate == 33 and board.change == 34
        assert [(line.name, line.total, line.declared) for line in board.communes] == [("Nantes", 3, 2)]
        assert board.missing == [ams[2]]


def test_the_relais_reads_the_live_requests_of_its_communes_only(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory(communes=["44109"])
        animatrice = AnimatriceFactory(relais=relais)
    connection.set_schema_to_public()
    _user, here, child = family_in(alpha, email="ici@exemple.test")
    mine = application_in(alpha, here, child, status=ApplicationStatus.COMPLETE)
    _user, there, child2 = family_in(alpha, email="ailleurs@exemple.test")
    with tenant_context(alpha):
        type(there).objects.filter(pk=there.pk).update(code_insee="44020")
        type(here).objects.filter(pk=here.pk).update(code_insee="44109")
    connection.set_schema_to_public()
    theirs = application_in(alpha, there, child2, status=ApplicationStatus.COMPLETE)
    page = client_for(alpha, animatrice).get("/relais/demandes/").content.decode()
    assert mine.number in page and theirs.number not in page


def test_the_relais_ties_an_am_s_profile_to_her_account_once(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
        animatrice = AnimatriceFactory(relais=relais)
        am = AssistantMaternelFactory(relais=relais)
        other = AssistantMaternelFactory(relais=relais)
        account = AssistantMaternelFactory(with_account=True).user
        AssistantMaternel.objects.filter(user=account).update(user=None)
        parent = UserFactory(roles=[Role.PARENT])
    client = client_for(alpha, animatrice)
    refused = client.post(f"/relais/assistants-maternels/{am.pk}/compte/", {"email": parent.email})
    assert refused.status_code == 400 and "Aucun compte" in refused.content.decode()
    assert client.post(f"/relais/assistants-maternels/{am.pk}/compte/", {"email": account.email}).status_code == 302
    again = client.post(f"/relais/assistants-maternels/{other.pk}/compte/", {"email": account.email})
    assert again.status_code == 400 and "déjà relié" in again.content.decode()
    with tenant_context(alpha):
        assert AssistantMaternel.objects.get(user=account).pk == am.pk
