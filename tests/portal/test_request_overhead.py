"""What every signed-in request pays before its view: no statement that the previous request already made."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.utils import client_for, demo_user


def statements(queries, text):
    return [query["sql"] for query in queries.captured_queries if text in query["sql"]]


def parent_client(metz):
    client = client_for(metz, demo_user(metz, "parent"))
    assert client.get("/famille/").status_code == 200
    return client


def test_a_request_to_the_collectivite_the_connection_is_set_to_sends_no_search_path(metz):
    client = parent_client(metz)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/famille/").status_code == 200
    assert statements(queries, "search_path") == []


def test_a_request_to_another_collectivite_sets_its_own_search_path(metz, alpha):
    client = parent_client(metz)
    client_for(alpha).get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/famille/").status_code == 200
    assert statements(queries, "search_path") == ['SET search_path = "metz","public"']


def held_by_the_database():
    """The search path the connection really has (asked on the driver's connection: nothing sets it first)."""
    return connection.connection.execute("SHOW search_path").fetchone()[0].split(", ")


def test_a_search_path_undone_by_a_rollback_is_not_trusted(metz):
    """A `SET` is undone with the transaction (here a savepoint) that issued it: the backend forgets it too."""
    client = client_for(metz, demo_user(metz, "parent"))
    connection.set_schema_to_public()
    with transaction.atomic():
        assert client.get("/famille/").status_code == 200
        assert held_by_the_database() == ["metz", "public"]
        transaction.set_rollback(True)
    assert held_by_the_database() == (connection.search_path_held or ["public"])
    response = client.get("/famille/")
    assert response.status_code == 200
    assert "Bonjour Camille" in response.content.decode()
    assert held_by_the_database() == ["metz", "public"] == connection.search_path_held


def test_a_signed_in_request_reads_its_session_from_the_cache(metz):
    client = parent_client(metz)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/famille/").status_code == 200
    assert statements(queries, "django_session") == []
