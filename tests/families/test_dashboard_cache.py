"""The family's dashboard is kept rendered (families.dashboard_cache): every change of what it shows appears at
once, an account or a session never reads another's copy, and the page around it stays the request's own."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from commissions.enums import OfferStatus
from commissions.models import Offer
from families.enums import ApplicationStatus
from families.models import DocumentType, Family, Guardian
from families.workflow import APPLICATION
from portal.enums import Actor
from tests.families.factories import application_in, child_in, family_in
from tests.utils import client_for


@pytest.fixture
def family(alpha):
    user, family, child = family_in(alpha)
    return user, family, child


def page(client):
    response = client.get("/famille/")
    assert response.status_code == 200
    return response.content.decode()


def kept(client):
    """The page, asserting it came from the kept copy (no query about the family)."""
    with CaptureQueriesContext(connection) as queries:
        content = page(client)
    assert not [query for query in queries.captured_queries if "families_" in query["sql"]]
    return content


def without_csrf(content):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)


def test_a_second_visit_reads_no_family_data_and_gets_the_same_page(alpha, family):
    client = client_for(alpha, family[0])
    first = page(client)
    assert without_csrf(kept(client)) == without_csrf(first)


def test_a_new_session_of_the_same_account_renders_its_own_page(alpha, family):
    page(client_for(alpha, family[0]))
    with CaptureQueriesContext(connection) as queries:
        page(client_for(alpha, family[0]))
    assert [query for query in queries.captured_queries if "families_family" in query["sql"]]


def test_another_account_never_reads_the_kept_page(alpha, family):
    page(client_for(alpha, family[0]))
    other, _family, _child = family_in(alpha, email="autre@alpha.test")
    with tenant_context(alpha):
        Guardian.objects.filter(family__account=other).update(first_name="Noa")
    content = page(client_for(alpha, other))
    assert "Noa Durand" in content
    assert "Alex Durand" not in content


def change_guardian(alpha, client, user, family, child):
    with tenant_context(alpha):
        guardian = family.guardians.get()
        guardian.first_name = "Dominique"
        guardian.save()
    return "Dominique Durand"


def change_account(alpha, client, user, family, child):
    with tenant_context(alpha):
        user.first_name = "Maëlle"
        user.save()
    return "Bonjour Maëlle."


def change_foyer(alpha, client, user, family, child):
    with tenant_context(alpha):
        family.address = "9 place Royale"
        family.save()
    return "9 place Royale"


def add_child(alpha, client, user, family, child):
    child_in(alpha, family, first_name="Nina")
    return "Nina Durand"


def change_child(alpha, client, user, family, child):
    with tenant_context(alpha):
        child.first_name = "Eden"
        child.save()
    return "Eden Durand"


def add_request(alpha, client, user, family, child):
    application = application_in(alpha, family, child)
    return application.number


def move_request(alpha, client, user, family, child):
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    return move(
        alpha, client, lambda: APPLICATION.transition(application, ApplicationStatus.INCOMPLETE, actor=Actor.STAFF)
    )


def move_requests_together(alpha, client, user, family, child):
    """The commissions' bulk moves write with one UPDATE: no post_save, the workflow says it."""
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    return move(
        alpha,
        client,
        lambda: APPLICATION.transition_many([application], ApplicationStatus.INCOMPLETE, actor=Actor.STAFF),
    )


def move(alpha, client, transition):
    """Show the request once in its first status (kept), then move it: its new status must show."""
    assert "Déposée" in page(client)
    assert "Déposée" in kept(client)
    with tenant_context(alpha):
        transition()
    connection.set_schema_to_public()
    return "Incomplète"


def rename_piece_kind(alpha, client, user, family, child):
    """Missing pieces are named on a draft: the kinds of pieces are the collectivité's, shared by every family."""
    application_in(alpha, family, child)
    page(client)
    with tenant_context(alpha):
        kind = DocumentType.objects.filter(required=True, is_active=True).order_by("order").first()
        kind.label = "Justificatif fiscal récent"
        kind.save()
    connection.set_schema_to_public()
    return "Justificatif fiscal récent"


CHANGES = [
    change_guardian,
    change_account,
    change_foyer,
    add_child,
    change_child,
    add_request,
    move_request,
    move_requests_together,
    rename_piece_kind,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_every_change_of_what_the_dashboard_shows_appears_at_once(alpha, family, change):
    user = family[0]
    client = client_for(alpha, user)
    page(client)
    kept(client)
    expected = change(alpha, client, *family)
    connection.set_schema_to_public()
    assert expected in page(client)


@pytest.fixture
def offered(metz):
    """A demo family with a place proposed, its account and the offer."""
    with tenant_context(metz):
        offer = (
            Offer.objects.filter(status=OfferStatus.PENDING)
            .select_related("establishment", "application__family__account")
            .first()
        )
    connection.set_schema_to_public()
    return client_for(metz, offer.application.family.account), offer


def test_a_renamed_establishment_shows_at_once_in_the_offer_notice(metz, offered):
    client, offer = offered
    assert offer.establishment.name in page(client)
    with tenant_context(metz):
        offer.establishment.name = "Multi-accueil Les Mirabelles"
        offer.establishment.save()
    connection.set_schema_to_public()
    assert "Place proposée à Multi-accueil Les Mirabelles" in page(client)


def test_an_offer_answered_leaves_the_dashboard_at_once(metz, offered):
    client, offer = offered
    assert "Place proposée à" in page(client)
    with tenant_context(metz):
        offer.status = OfferStatus.ACCEPTED
        offer.save()
    connection.set_schema_to_public()
    assert "Place proposée à" not in page(client)


def test_a_deleted_foyer_is_not_shown_from_the_kept_page(alpha, family):
    user = family[0]
    client = client_for(alpha, user)
    assert "Alex Durand" in page(client)
    with tenant_context(alpha):
        Family.objects.filter(pk=family[1].pk).delete()
    connection.set_schema_to_public()
    assert "Alex Durand" not in page(client)


def test_the_kept_page_follows_the_language_chosen(alpha, family):
    client = client_for(alpha, family[0])
    assert "Vos enfants et leurs demandes" in page(client)
    client.cookies["django_language"] = "en"
    assert "Vos enfants et leurs demandes" not in page(client)


def test_a_message_waiting_is_shown_on_the_kept_page(alpha, family):
    client = client_for(alpha, family[0])
    page(client)
    storage = CookieStorage(HttpRequest())
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Votre foyer est à jour.")]
    )
    assert "Votre foyer est à jour." in kept(client)


def test_the_kept_page_is_still_private(alpha, family):
    client = client_for(alpha, family[0])
    page(client)
    response = client.get("/famille/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_kept_page_carries_a_csrf_token_of_its_own_session_that_works(alpha, family):
    client = client_for(alpha, family[0])
    page(client)
    client.handler.enforce_csrf_checks = True
    content = kept(client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/famille/").status_code == 302  # signed out


def test_a_renamed_collectivite_shows_at_once_on_the_kept_page(alpha, family):
    client = client_for(alpha, family[0])
    page(client)
    alpha.name = "Alpha Métropole"
    alpha.save()
    assert "Alpha Métropole" in page(client)


def test_a_page_asked_with_a_query_string_is_rendered_for_it(alpha, family):
    client = client_for(alpha, family[0])
    page(client)
    response = client.get("/famille/?source=courriel")
    assert 'name="next" type="hidden" value="/famille/?source=courriel"' in response.content.decode()
