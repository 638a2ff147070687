"""The guichet's queue kept rendered in Redis: the same HTML, and every change of what it shows seen at once."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.test.utils import CaptureQueriesContext

from families import queue_cache
from families.enums import Actor, ApplicationStatus
from families.models import Application
from families.services import wishes_set
from families.workflow import APPLICATION
from portal.accounts.roles import Role
from tests.families.factories import (
    ApplicationFactory,
    DocumentFactory,
    EstablishmentFactory,
    GuardianFactory,
    SectionFactory,
    complete_pieces,
)
from tests.families.test_guichet import inside, staff_in
from tests.utils import assert_constant_queries, client_for

QUEUE = "/guichet/demandes/"


def page(client, query=""):
    """The queue as an agent reads it, CSRF tokens aside (they change with every response)."""
    content = client.get(QUEUE + query).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", content)


def test_a_second_reading_is_the_same_html_without_the_rows_queries(alpha):
    with inside(alpha):
        ApplicationFactory.create_batch(3, wishes=[EstablishmentFactory(name="Crèche Soleil")])
    client = client_for(alpha, staff_in(alpha))
    with CaptureQueriesContext(connection) as first_queries:
        first = page(client, "?missing=oui")
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as second_queries:
        second = page(client, "?missing=oui")
    connection.set_schema_to_public()
    assert second == first
    assert "Crèche Soleil" in second
    assert not any("families_application" in query["sql"] for query in second_queries.captured_queries)
    assert any("families_application" in query["sql"] for query in first_queries.captured_queries)


def test_the_htmx_fragment_from_the_cache_is_the_one_in_the_page(alpha):
    with inside(alpha):
        application = ApplicationFactory()
    client = client_for(alpha, staff_in(alpha))
    fragment_headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue-results"}
    fragments = [client.get(QUEUE, **fragment_headers).content.decode() for _reading in range(2)]
    full = page(client)
    assert fragments[0] == fragments[1]
    assert application.number in fragments[1] and "<html" not in fragments[1]
    assert fragments[1].strip() in full


# Each change of what the queue shows, made inside the collectivité to the request of `kerguelen`, with the
# query string of the page that must show it and a text it must then show.


def child_renamed(application):
    application.child.first_name = "Zéphyrine"
    application.child.save()


def family_moved(application):
    application.family.commune = "Montvert-sur-Erdre"
    application.family.save()


def status_moved(application):
    APPLICATION.transition(application, ApplicationStatus.INCOMPLETE, actor=Actor.STAFF)


def wish_renamed(application):
    establishment = application.wishes.get().establishment
    establishment.name = "Crèche des Dunes"
    establishment.save()


def wishes_replaced(application):
    wishes_set(application=application, establishments=[EstablishmentFactory(name="Crèche des Marais")])


def guardian_renamed(application):
    guardian = application.family.guardians.get()
    guardian.last_name = "Quistrebert"
    guardian.save()


def request_filed(_application):
    ApplicationFactory(child__first_name="Octave")


def request_deleted(application):
    application.delete()


def section_opened(_application):
    SectionFactory(code="grands-tout-petits", name="Grands tout-petits")


CHANGES = [
    (child_renamed, "", "Zéphyrine"),
    (family_moved, "", "Montvert-sur-Erdre"),
    (status_moved, f"?status={ApplicationStatus.INCOMPLETE.value}", "Kerguelen"),
    (wish_renamed, "", "Crèche des Dunes"),
    (wishes_replaced, "", "Crèche des Marais"),
    (complete_pieces, "?missing=non", "Kerguelen"),
    (guardian_renamed, "?q=Quistrebert", "Kerguelen"),
    (request_filed, "", "Octave"),
    (request_deleted, "?q=Kerguelen", "Aucune demande ne correspond"),
    (section_opened, "", "Grands tout-petits"),
]


@pytest.mark.parametrize(("change", "query", "expected"), CHANGES, ids=[change.__name__ for change, *_ in CHANGES])
def test_a_change_of_what_the_queue_shows_is_seen_at_once(alpha, change, query, expected):
    with inside(alpha):
        application = ApplicationFactory(
            child__last_name="Kerguelen", wishes=[EstablishmentFactory(name="Crèche Soleil")]
        )
    client = client_for(alpha, staff_in(alpha))
    assert expected not in page(client, query)  # now cached
    with inside(alpha):
        change(Application.objects.get(pk=application.pk))
    assert expected in page(client, query)


def test_requests_a_commission_moves_together_are_seen_at_once(alpha):
    """transition_many moves them with one UPDATE: no save(), no post_save."""
    with inside(alpha):
        applications = ApplicationFactory.create_batch(
            2, status=ApplicationStatus.COMPLETE, child__last_name="Kerguelen"
        )
    client = client_for(alpha, staff_in(alpha))
    query = f"?status={ApplicationStatus.EN_COMMISSION.value}"
    assert "Kerguelen" not in page(client, query)
    with inside(alpha):
        APPLICATION.transition_many(applications, ApplicationStatus.EN_COMMISSION, actor=Actor.SYSTEM)
    assert "Kerguelen" in page(client, query)


def test_first_wishes_chosen_are_seen_at_once(alpha):
    """wishes_set writes with bulk_create, which sends no signal: with no wish before, nothing else would tell."""
    with inside(alpha):
        application = ApplicationFactory(child__last_name="Kerguelen")
        establishment = EstablishmentFactory(name="Crèche des Marais")
    client = client_for(alpha, staff_in(alpha))
    assert "Crèche des Marais" not in page(client)
    with inside(alpha):
        wishes_set(application=application, establishments=[establishment])
    assert "Crèche des Marais" in page(client)


def test_a_change_of_the_territory_reaches_the_filters(alpha):
    client = client_for(alpha, staff_in(alpha))
    assert "Commune-Nouvelle-sur-Loire" not in page(client)
    alpha.communes = [*alpha.communes, {"code_insee": "44999", "nom": "Commune-Nouvelle-sur-Loire"}]
    alpha.save()  # from the platform's schema, as the platform's administration does
    assert "Commune-Nouvelle-sur-Loire" in page(client)


def test_a_collectivite_never_reads_another_ones_queue(alpha, beta):
    with inside(alpha):
        in_alpha = ApplicationFactory()
    with inside(beta):
        in_beta = ApplicationFactory()
    alpha_page = page(client_for(alpha, staff_in(alpha)))
    beta_page = page(client_for(beta, staff_in(beta)))
    assert in_alpha.number in alpha_page and in_alpha.number not in beta_page
    assert in_beta.number in beta_page and in_beta.number not in alpha_page


def test_readers_with_the_same_rights_share_entries_and_a_parent_who_is_staff_has_their_own(alpha, rf):
    """The rows depend on the reader through visible_to only: on their roles, and for a parent on who they are."""
    agents = [staff_in(alpha, email=f"agent{index}@alpha.test") for index in range(2)]
    parent_agent = staff_in(alpha, email="parent-agent@alpha.test")
    parent_agent.roles = [Role.PARENT, Role.AGENT]
    administrator = staff_in(alpha, Role.ADMINISTRATEUR)

    def key(user):
        request = rf.get(QUEUE, {"status": ApplicationStatus.COMPLETE.value})
        request.user = user
        return queue_cache.queue_cache_key(request, "page")

    assert key(agents[0]) == key(agents[1])
    assert len({key(agents[0]), key(parent_agent), key(administrator)}) == 3


def test_each_language_has_its_own_queue(alpha):
    client = client_for(alpha, staff_in(alpha))
    french = page(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client)
    assert "<h1>Demandes d'accueil</h1>" in french
    assert "<h1>Demandes d'accueil</h1>" not in english


def test_a_commission_moving_many_requests_writes_the_version_once_and_once_more_at_commit(
    alpha, monkeypatch, django_capture_on_commit_callbacks
):
    writes = []
    monkeypatch.setattr(queue_cache, "version_write", writes.append)
    with inside(alpha):
        with django_capture_on_commit_callbacks(execute=True):
            applications = ApplicationFactory.create_batch(3, status=ApplicationStatus.COMPLETE)
            APPLICATION.transition_many(applications, ApplicationStatus.EN_COMMISSION, actor=Actor.SYSTEM)
            assert len(writes) == 1
    assert writes == [queue_cache.queue_version_key(alpha.schema_name)] * 2


def test_the_queue_rows_when_not_cached_run_a_fixed_number_of_queries(alpha, monkeypatch):
    """The cache hides the rows' queries from tests/portal/test_query_counts.py: counted here without it."""
    monkeypatch.setattr("families.views.guichet.cached_queue_html", lambda _request, _variant, render: render())
    monkeypatch.setattr("families.views.guichet.kept_page", lambda _request, _name, _versions, render: render())

    def make_rows(count):
        with inside(alpha):
            establishment = EstablishmentFactory()
            for _row in range(count):
                application = ApplicationFactory(wishes=[establishment])
                GuardianFactory(family=application.family)
                DocumentFactory(application=application)

    assert_constant_queries(client_for(alpha, staff_in(alpha)), QUEUE, make_rows, expected=6)


def test_the_whole_queue_page_is_kept_for_the_session_and_shows_a_change_at_once(alpha, monkeypatch):
    from families.views import guichet

    rendered = []
    monkeypatch.setattr(guichet, "render", lambda *args, **kwargs: rendered.append(1) or render(*args, **kwargs))
    client = client_for(alpha, staff_in(alpha))
    with inside(alpha):
        ApplicationFactory(wishes=[EstablishmentFactory()])
    first = page(client)
    again = client.get(QUEUE).content.decode()
    assert len(rendered) == 1  # the second reading is the kept page: nothing rendered
    token = re.search(r'csrfmiddlewaretoken" value="([^"]+)', again).group(1)
    assert len(token) == 64  # the session's own token in place of the placeholder
    assert page(client) == first
    with inside(alpha):
        late = ApplicationFactory(wishes=[EstablishmentFactory()])
    assert late.number in page(client)
