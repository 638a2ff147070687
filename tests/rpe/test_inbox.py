"""The relais' inbox and contact log: requests land in their relais, are answered by email, and calls are logged."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal.accounts.roles import Role
from portal.outbox.models import OutboxMessage
from rpe.inbox.enums import ContactChannel, ContactOutcome, ContactPerson, ContactTheme, RequestStatus
from rpe.models.inbox import ContactLog, InboxRequest
from tests.families.factories import UserFactory
from tests.rpe.factories import AnimatriceFactory, InboxRequestFactory, RelaisFactory, staff_client
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def test_anyone_writes_to_a_relais_and_gets_an_acknowledgement(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
    response = client_for(alpha).post(
        "/ecrire-au-relais/",
        {
            "relais": relais.pk,
            "person": ContactPerson.AGREMENT_CANDIDATE,
            "theme": ContactTheme.AGREMENT,
            "message": "Comment devenir assistante maternelle ?",
            "name": "Léa Petit",
            "email": "lea@exemple.test",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        request = InboxRequest.objects.get(email="lea@exemple.test")
        assert (request.relais, request.status) == (relais, RequestStatus.NEW)
        assert OutboxMessage.objects.about(request).filter(kind="rpe.inbox_received").count() == 1


def test_a_bad_request_form_says_why_and_writes_nothing(alpha):
    with tenant_context(alpha):
        relais = RelaisFactory()
    response = client_for(alpha).post("/ecrire-au-relais/", {"relais": relais.pk, "email": "pas-un-courriel"})
    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in response.content.decode()
    with tenant_context(alpha):
        assert not InboxRequest.objects.filter(relais=relais).exists()


def test_an_animatrice_assigns_and_answers_by_email(alpha):
    with tenant_context(alpha):
        request = InboxRequestFactory()
        animatrice = AnimatriceFactory(relais=request.relais)
    client = staff_client(alpha, animatrice)
    base = f"/relais/boite/{request.pk}/"
    assert client.get(base).status_code == 200
    assert client.post(base + "attribuer/", {"assignee": animatrice.pk}).status_code == 302
    with tenant_context(alpha):
        request.refresh_from_db()
        assert (request.assigned_to, request.status) == (animatrice, RequestStatus.IN_PROGRESS)
    assert client.post(base + "repondre/", {"body": "Voici la liste des AM disponibles."}).status_code == 302
    with tenant_context(alpha):
        request.refresh_from_db()
        assert request.status == RequestStatus.ANSWERED and request.answered_at is not None
        reply = request.replies.get()
        message = OutboxMessage.objects.about(reply).get()
        assert message.to == [request.email] and "Voici la liste" in message.body
        assert list(request.log.values_list("to_status", flat=True)) == [
            RequestStatus.IN_PROGRESS,
            RequestStatus.ANSWERED,
        ]


def test_an_empty_reply_is_refused(alpha):
    with tenant_context(alpha):
        request = InboxRequestFactory()
        animatrice = AnimatriceFactory(relais=request.relais)
    staff_client(alpha, animatrice).post(f"/relais/boite/{request.pk}/repondre/", {"body": "   "})
    with tenant_context(alpha):
        request.refresh_from_db()
        assert request.status == RequestStatus.NEW and not request.replies.exists()


def test_an_animatrice_sees_only_her_relais_inbox(alpha):
    with tenant_context(alpha):
        mine = InboxRequestFactory(name="Famille du relais")
        other = InboxRequestFactory(name="Famille d'ailleurs")
        animatrice = AnimatriceFactory(relais=mine.relais)
    client = staff_client(alpha, animatrice)
    page = client.get("/relais/boite/").content.decode()
    assert "Famille du relais" in page and "Famille d&#x27;ailleurs" not in page
    assert client.get(f"/relais/boite/{other.pk}/").status_code == 404
    assert client.get(f"/relais/boite/?relais={other.relais_id}").status_code == 404
    assert client.post(f"/relais/boite/{other.pk}/repondre/", {"body": "x"}).status_code == 404


@pytest.mark.parametrize("role", [Role.PARENT, Role.ASSISTANT_MATERNEL, Role.ELU])
def test_families_am_and_elus_have_no_inbox(alpha, role):
    with tenant_context(alpha):
        request = InboxRequestFactory()
        user = UserFactory(roles=[role])
    client = staff_client(alpha, user) if role == Role.ELU else client_for(alpha, user)
    assert client.get("/relais/boite/").status_code == 403
    assert client.get(f"/relais/boite/{request.pk}/").status_code == 403
    assert client.get("/relais/contacts/").status_code == 403


def test_logging_a_call_takes_one_post(alpha):
    with tenant_context(alpha):
        request = InboxRequestFactory()
        animatrice = AnimatriceFactory(relais=request.relais)
    response = staff_client(alpha, animatrice).post(
        "/relais/contacts/",
        {
            "relais": request.relais_id,
            "demande": request.pk,
            "channel": ContactChannel.PHONE,
            "person": ContactPerson.PARENT_EMPLOYER,
            "theme": ContactTheme.PAID_LEAVE,
            "outcome": ContactOutcome.INFORMED,
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        contact = ContactLog.objects.get(request=request)
        assert (contact.relais, contact.logged_by, contact.theme) == (
            request.relais,
            animatrice,
            ContactTheme.PAID_LEAVE,
        )
        assert abs((timezone.now() - contact.occurred_at).total_seconds()) < 60


def test_a_contact_cannot_be_logged_for_another_relais(alpha):
    with tenant_context(alpha):
        animatrice = AnimatriceFactory()
        other = RelaisFactory()
    response = staff_client(alpha, animatrice).post(
        "/relais/contacts/",
        {"relais": other.pk, "channel": ContactChannel.PHONE, "person": ContactPerson.FAMILY,
         "theme": ContactTheme.CARE_SEARCH, "outcome": ContactOutcome.INFORMED},
    )  # fmt: skip
    assert response.status_code == 404
    with tenant_context(alpha):
        assert not ContactLog.objects.filter(relais=other).exists()
