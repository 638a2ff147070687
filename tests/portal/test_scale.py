"""At a thousand collectivités: routing from the cache, public pages from the cache, migrations only where due."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from creches.models import Establishment
from portal.middleware import CachedTenantMiddleware
from portal.models import Collectivite, Domain
from portal.tenancy import TEMPLATE_SCHEMA, schemas_behind_template
from tests.utils import client_for, demo_user, domain_of

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def route(hostname):
    """What the tenant middleware makes of a request to `hostname`: its collectivité."""
    request = RequestFactory().get("/", HTTP_HOST=hostname)
    CachedTenantMiddleware(lambda _request: HttpResponse())(request)
    connection.set_schema_to_public()
    return request.tenant


# --- Routing ------------------------------------------------------------------------------------


def test_routing_looks_a_domain_up_once_then_costs_no_query(alpha, django_assert_num_queries):
    with CaptureQueriesContext(connection) as first:
        assert route("alpha.localhost").schema_name == "alpha"
    assert [query for query in first.captured_queries if '"portal_domain"' in query["sql"]]
    with django_assert_num_queries(0):
        assert route("alpha.localhost").schema_name == "alpha"


def test_an_unknown_domain_is_a_404_from_the_cache_too(db, django_assert_num_queries):
    with pytest.raises(Http404):
        route("personne.localhost")
    with django_assert_num_queries(0), pytest.raises(Http404):
        route("personne.localhost")


def test_a_domain_added_to_a_collectivite_is_routed_at_once(alpha):
    with pytest.raises(Http404):
        route("alpha-bis.localhost")
    Domain.objects.create(domain="alpha-bis.localhost", tenant=alpha, is_primary=False)
    assert route("alpha-bis.localhost").schema_name == "alpha"


def test_a_renamed_domain_leaves_its_old_name_at_once(alpha):
    route("alpha.localhost")
    domain = Domain.objects.get(domain="alpha.localhost")
    domain.domain = "alpha-nouveau.localhost"
    domain.save()
    with pytest.raises(Http404):
        route("alpha.localhost")
    assert route("alpha-nouveau.localhost").schema_name == "alpha"


def test_a_deleted_domain_is_no_longer_routed(alpha):
    route("alpha.localhost")
    Domain.objects.filter(domain="alpha.localhost").delete()
    with pytest.raises(Http404):
        route("alpha.localhost")


def test_a_changed_collectivite_is_served_as_it_is_now(alpha):
    assert route("alpha.localhost").name == "Alpha"
    alpha.name = "Alpha renommée"
    alpha.save()
    assert route("alpha.localhost").name == "Alpha renommée"


# --- Public pages ---------------------------------------------------------------------------------


def without_csrf(content):
    return CSRF_VALUE.sub('name="csrfmiddlewaretoken" value=""', content.decode())


def test_an_anonymous_visitor_reads_a_public_page_from_the_cache_without_a_query(metz, django_assert_num_queries):
    first = client_for(metz).get("/creches/")
    visitor = client_for(metz)
    with django_assert_num_queries(0):
        second = visitor.get("/creches/")
    assert second.status_code == 200
    assert without_csrf(second.content) == without_csrf(first.content)


def test_a_page_from_the_cache_carries_the_visitors_own_valid_csrf_token(metz):
    client_for(metz).get("/")
    visitor = Client(HTTP_HOST=domain_of(metz), enforce_csrf_checks=True)
    page = visitor.get("/")
    token = CSRF_VALUE.search(page.content.decode()).group(1)
    assert visitor.cookies["csrftoken"].value
    refused = visitor.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert refused.status_code == 403
    accepted = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302


def test_a_changed_establishment_shows_on_the_next_visit(metz):
    with tenant_context(metz):
        establishment = Establishment.objects.active().order_by("name").first()
    path = f"/creches/{establishment.slug}/"
    assert establishment.name in client_for(metz).get(path).content.decode()
    with tenant_context(metz):
        establishment.name = "Multi-accueil des Hirondelles"
        establishment.save()
    connection.set_schema_to_public()
    assert "Multi-accueil des Hirondelles" in client_for(metz).get(path).content.decode()


def test_a_changed_collectivite_shows_on_its_welcome_page(alpha):
    client_for(alpha).get("/")
    alpha.name = "Alpha en fête"
    alpha.save()
    assert "Alpha en fête" in client_for(alpha).get("/").content.decode()


def test_each_collectivite_has_its_own_cached_pages(alpha, beta):
    client_for(alpha).get("/")
    assert "Bêta" in client_for(beta).get("/").content.decode()
    assert "Bêta" not in client_for(alpha).get("/").content.decode()


def test_each_language_has_its_own_cached_page(metz):
    assert "Se connecter" in client_for(metz).get("/creches/").content.decode()
    english = client_for(metz)
    english.cookies["django_language"] = "en"
    content = english.get("/creches/").content.decode()
    assert "Sign in" in content
    assert "Se connecter" not in content


def test_a_signed_in_person_never_gets_the_anonymous_page(metz):
    client_for(metz).get("/creches/")
    parent = demo_user(metz, "parent")
    content = client_for(metz, parent).get("/creches/").content.decode()
    assert "Se déconnecter" in content
    assert "Créer un compte famille" not in content


def test_a_message_for_the_visitor_is_never_hidden_by_the_cache(metz):
    anonymous = without_csrf(client_for(metz).get("/").content)
    signed_in = client_for(metz, demo_user(metz, "parent"))
    after_logout = signed_in.post("/accounts/logout/", follow=True)
    assert after_logout.redirect_chain[-1][0] == "/"
    assert without_csrf(after_logout.content) != anonymous
    assert "déconnecté" in after_logout.content.decode()


# --- migrate_schemas ------------------------------------------------------------------------------


def record_fake_migration(schemas):
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(
                f'INSERT INTO "{schema}".django_migrations (app, name, applied) '  # noqa: S608 - test schemas
                "VALUES ('portal', '9999_seulement_ici', now())"
            )


def tenant_schemas():
    return list(Collectivite.objects.exclude(schema_name="public").values_list("schema_name", flat=True))


def test_every_schema_migrated_with_the_template_is_at_its_state(db):
    assert schemas_behind_template(tenant_schemas()) == []


def test_a_schema_lacking_one_of_the_templates_migrations_is_behind(db):
    record_fake_migration([TEMPLATE_SCHEMA, *[schema for schema in tenant_schemas() if schema != "alpha"]])
    assert schemas_behind_template(tenant_schemas()) == ["alpha"]


def test_migrate_schemas_runs_migrate_only_on_schemas_behind_the_template(db, capsys):
    record_fake_migration([TEMPLATE_SCHEMA, *[schema for schema in tenant_schemas() if schema != "alpha"]])
    call_command("migrate_schemas", interactive=False, verbosity=1)
    output = capsys.readouterr().out
    assert "standard:alpha]" in output
    assert "standard:beta]" not in output
    assert f"{len(tenant_schemas()) - 1} schémas déjà à jour, 1 à migrer." in output


def test_a_query_string_or_an_htmx_fragment_is_never_kept(metz):
    client_for(metz).get("/creches/?commune=57463")
    client_for(metz).get("/creches/", HTTP_HX_REQUEST="true")
    visitor = client_for(metz)
    with CaptureQueriesContext(connection) as filtered:
        visitor.get("/creches/?commune=57463")
    with CaptureQueriesContext(connection) as fragment:
        visitor.get("/creches/", HTTP_HX_REQUEST="true")
    assert len(filtered) > 0
    assert len(fragment) > 0


def test_a_page_from_the_cache_carries_the_same_headers_as_the_page(metz):
    first = client_for(metz).get("/creches/")
    second = client_for(metz).get("/creches/")
    assert "Content-Security-Policy" in first.headers
    assert dict(second.headers) == dict(first.headers)
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value  # each visitor's own
