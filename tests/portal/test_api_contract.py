"""The API keeps the promises of its own OpenAPI schema (schemathesis), for a visitor, a family and an agent;
the hostile inputs found by the probe of issue 13 (a NUL in a query, a 5,000-bracket body) get a 4xx.

Every operation of `/api/v1/schema/` is called with generated data (a few examples each, so that the suite stays
fast) and every answer is checked: no server error, a status the schema documents, a body and headers that match
it. The portal is called in-process through its WSGI handler, inside the test's transaction.
"""

import pytest
import schemathesis
from allauth.mfa.totp.internal.auth import TOTP
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from portal.accounts.roles import Role
from tests.families.factories import application_in, establishment_in, family_in
from tests.utils import client_for, domain_of, user_in

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def portal_app(alpha):
    """Django's WSGI handler serving the collectivité alpha, minus the end-of-request connection cleanup that
    would close the test's transaction (Django's own test client does the same).

    Requests go to http://localhost and reach alpha's domain here: the WSGI test client (werkzeug) keeps the
    cookies schemathesis sets for "localhost" only.
    """
    handler = WSGIHandler()
    host = domain_of(alpha)

    def app(environ, start_response):
        environ["HTTP_HOST"] = environ["SERVER_NAME"] = host
        return handler(environ, start_response)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(alpha, portal_app):
    connection.set_schema_to_public()
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", portal_app, headers={"Accept": "application/json"})


def session_of(collectivite, user):
    """The cookies of a signed-in person (session and a CSRF token) and the header DRF wants for writes."""
    client = client_for(collectivite, user)
    token = "proofcsrftokenproofcsrftoken0123"  # any 32 letters and digits: Django compares cookie and header
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}, {"X-CSRFToken": token}


@pytest.fixture
def as_visitor():
    return ({}, {}), {}


@pytest.fixture
def as_parent(alpha):
    user, family, child = family_in(alpha, email="api-famille@alpha.test")
    application = application_in(alpha, family, child, establishment=establishment_in(alpha))
    return session_of(alpha, user), {"id": application.pk}


@pytest.fixture
def as_agent(alpha):
    establishment = establishment_in(alpha)
    agent = user_in(alpha, email="api-agent@alpha.test", roles=[Role.AGENT])
    with tenant_context(alpha):
        TOTP.activate(agent, "JBSWY3DPEHPK3PXP")  # MFA set up, as staff must
    connection.set_schema_to_public()
    return session_of(alpha, agent), {"id": establishment.pk}


def schema_violations(schema, collectivite, identity):
    """Every failure schemathesis finds, operation by operation, in words (an empty list when all is well)."""
    (cookies, headers), own_ids = identity
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # The session cookie is fixed (schemathesis would otherwise make one up for the cookie security scheme).
        strategies = [
            operation.as_strategy(mode, cookies=cookies) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
        if "{id}" in operation.path and own_ids:
            # Real objects too, not only ids that answer 404.
            strategies.append(operation.as_strategy(cookies=cookies, path_parameters=own_ids))
        for strategy in strategies:

            @given(case=strategy)
            @BOUNDED
            def check(case):
                response = case.call(headers=headers)
                connection.set_schema_to_public()
                case.validate_response(response, headers=headers)

            try:
                check()
            except Unsatisfiable:
                pass  # nothing to generate in this mode (an operation without parameters has no negative case)
            except (Exception, BaseExceptionGroup) as failure:  # each operation's failures are reported together
                found.extend(f"{operation.label}: {text}" for text in in_words(failure))
    return found


def in_words(failure):
    parts = getattr(failure, "exceptions", None) or [failure]
    return [f"{type(part).__name__}: {' '.join(str(part).split())[:300]}" for part in parts]


BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_a_visitor_gets_only_answers_the_schema_documents(api_schema, as_visitor, alpha):
    violations = schema_violations(api_schema, alpha, as_visitor)
    assert not violations, "\n".join(violations)


def test_a_family_gets_only_answers_the_schema_documents(api_schema, as_parent, alpha):
    violations = schema_violations(api_schema, alpha, as_parent)
    assert not violations, "\n".join(violations)


def test_an_agent_gets_only_answers_the_schema_documents(api_schema, as_agent, alpha):
    violations = schema_violations(api_schema, alpha, as_agent)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("query", ["commune=%00", "type=%00", "page=%00"])
def test_a_nul_in_the_catalogue_s_query_is_refused_not_a_server_error(alpha, query):
    client = client_for(alpha)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/etablissements/?{query}")
    assert 400 <= response.status_code < 500


def test_a_deeply_nested_body_is_refused_not_a_server_error(alpha):
    user, family, child = family_in(alpha, email="api-famille@alpha.test")
    application = application_in(alpha, family, child, establishment=establishment_in(alpha))
    body = "[" * 5000 + "]" * 5000
    client = client_for(alpha, user)
    client.raise_request_exception = False
    response = client.patch(f"/api/v1/demandes/{application.pk}/", body, content_type="application/json")
    assert 400 <= response.status_code < 500


def test_a_body_of_an_unread_type_is_a_documented_415(alpha):
    user, family, child = family_in(alpha, email="api-famille@alpha.test")
    application = application_in(alpha, family, child, establishment=establishment_in(alpha))
    client = client_for(alpha, user)
    response = client.patch(f"/api/v1/demandes/{application.pk}/", "<xml/>", content_type="application/xml")
    assert response.status_code == 415
    schema = client_for(alpha).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    writes = [
        operation
        for path in schema["paths"].values()
        for method, operation in path.items()
        if method in ("post", "put", "patch")
    ]
    assert writes and all("415" in operation["responses"] for operation in writes)
