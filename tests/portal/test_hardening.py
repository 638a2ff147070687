"""What a probe of the running portal found, each as the rule that now holds.

Client addresses behind the proxy, redirects after login, caching of personal data, the size of a
request, the API's throttles and its answer to JSON nested too deep.
"""

import io

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus
from families.models import Application
from portal.accounts.roles import Role
from portal.middleware import RequestBodyLimitMiddleware
from tests.families.factories import application_in, family_in
from tests.utils import client_for, demo_user, user_in

# --- Login limits per client, behind the proxy ------------------------------------------------------


def failed_logins(client, count, **headers):
    # A different address each time: only the per-IP limit (10/m) can be reached, not the per-account one.
    for attempt in range(count):
        client.post("/accounts/login/", {"login": f"inconnu{attempt}@alpha.test", "password": "mauvais"}, **headers)


def logs_in(client, **headers):
    response = client.post(
        "/accounts/login/", {"login": "cible@alpha.test", "password": "un-mot-de-passe-solide"}, **headers
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_two_forwarded_clients_are_limited_separately(alpha):
    user_in(alpha, email="cible@alpha.test", roles=[Role.PARENT])
    attacker, family = client_for(alpha), client_for(alpha)
    failed_logins(attacker, 11, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert not logs_in(attacker, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert logs_in(family, HTTP_X_FORWARDED_FOR="198.51.100.4", REMOTE_ADDR="10.0.0.2")


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_an_address_a_client_writes_before_the_proxy_s_own_changes_nothing(alpha):
    user_in(alpha, email="cible@alpha.test", roles=[Role.PARENT])
    attacker = client_for(alpha)
    failed_logins(attacker, 11, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    # The address the proxy saw is the same: a new value on the left does not buy new attempts.
    assert not logs_in(attacker, HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.7", REMOTE_ADDR="10.0.0.2")


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(alpha):
    user_in(alpha, email="cible@alpha.test", roles=[Role.PARENT])
    attacker = client_for(alpha)
    failed_logins(attacker, 11, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="192.0.2.9")
    assert not logs_in(attacker, HTTP_X_FORWARDED_FOR="198.51.100.4", REMOTE_ADDR="192.0.2.9")


def test_the_trusted_proxy_count_comes_from_the_environment():
    import subprocess
    import sys

    from django.conf import settings

    code = "from portal import settings as s; print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'])"
    env = {"TRUSTED_PROXY_COUNT": "2", "SECRET_KEY": "x", "PATH": "/usr/bin:/bin"}
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["2", "2", "2"]


# --- Redirects after login and logout stay on the collectivité's own host -----------------------------


@pytest.mark.parametrize(
    "target",
    [
        "http://beta.localhost/famille/",  # another collectivité of the platform
        "http://nimporte-quoi.localhost/",  # a name that is no collectivité
        "http://localhost/",  # the platform itself
        "https://exemple.org/",
        "//beta.localhost/",
    ],
)
def test_login_never_redirects_to_another_host(alpha, beta, target):
    user_in(alpha, email="cible@alpha.test", roles=[Role.PARENT])
    response = client_for(alpha).post(
        "/accounts/login/", {"login": "cible@alpha.test", "password": "un-mot-de-passe-solide", "next": target}
    )
    assert response.status_code == 302
    assert response.url == "/accueil/"


def test_login_follows_next_within_the_collectivite(alpha):
    user_in(alpha, email="cible@alpha.test", roles=[Role.PARENT])
    for target in ("/famille/foyer/", "http://alpha.localhost/famille/foyer/"):
        response = client_for(alpha).post(
            "/accounts/login/", {"login": "cible@alpha.test", "password": "un-mot-de-passe-solide", "next": target}
        )
        assert response.url == target


def test_logout_never_redirects_to_another_host(alpha):
    user = user_in(alpha, email="cible@alpha.test", roles=[Role.PARENT])
    client = client_for(alpha, user)
    response = client.post("/accounts/logout/", {"next": "http://beta.localhost/"})
    assert response.status_code == 302
    assert response.url == "/"
    client = client_for(alpha, user)
    assert client.post("/accounts/logout/", {"next": "/etablissements/"}).url == "/etablissements/"


# --- No cache keeps personal data -------------------------------------------------------------------


def test_every_answer_to_a_family_says_private_no_store(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child)
    client = client_for(alpha, user)
    for url in (
        "/famille/",
        "/famille/foyer/",
        "/famille/mes-donnees/",
        f"/famille/demandes/{application.pk}/",
        "/api/v1/demandes/",
        f"/api/v1/demandes/{application.pk}/",
        "/api/v1/moi/",
        "/compte/mes-donnees/",
        "/accueil/",
    ):
        response = client.get(url, follow=False)
        assert response.status_code in (200, 302), url
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, url


def test_the_attestation_says_private_no_store(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    with tenant_context(alpha):
        from django.core.files.base import ContentFile

        from families.models import Application as Model

        stored = Model._meta.get_field("attestation").storage.save("attestations/x.pdf", ContentFile(b"%PDF-1.4"))
        Application.objects.filter(pk=application.pk).update(attestation=stored)
    connection.set_schema_to_public()
    response = client_for(alpha, user).get(f"/famille/demandes/{application.pk}/attestation.pdf")
    response.close()
    assert response.status_code == 200
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_staff_pages_say_private_no_store(metz):
    response = client_for(metz, demo_user(metz, "agent")).get("/guichet/demandes/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_public_pages_read_signed_out_are_not_marked_private(alpha):
    response = client_for(alpha).get("/api/v1/etablissements/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_what_a_view_declares_public_stays_public_for_a_signed_in_person(alpha):
    user, _family, _child = family_in(alpha)
    response = client_for(alpha, user).get("/theme.css")
    assert response["Cache-Control"] == "max-age=300, public"


# --- The size of a request ---------------------------------------------------------------------------


class UnreadableBody(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def test_a_body_announced_above_the_cap_is_refused_413_before_it_is_read(settings):
    request = RequestFactory().post("/famille/demandes/1/pieces/", data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(settings.REQUEST_BODY_MAX_SIZE + 1)
    request.META["wsgi.input"] = UnreadableBody()
    reached = []
    response = RequestBodyLimitMiddleware(reached.append)(request)
    assert response.status_code == 413
    assert "dépasse 12 Mo" in response.content.decode()
    assert reached == []


def test_a_body_at_the_cap_goes_through(settings):
    request = RequestFactory().post("/", data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(settings.REQUEST_BODY_MAX_SIZE)
    assert RequestBodyLimitMiddleware(lambda request: "passed")(request) == "passed"


def test_a_60_mb_upload_gets_a_413_through_the_whole_stack(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child)
    body = b"0" * (13 * 1024 * 1024)
    response = client_for(alpha, user).generic(
        "POST", f"/famille/demandes/{application.pk}/pieces/", body, content_type="application/octet-stream"
    )
    assert response.status_code == 413


def test_form_fields_are_capped_at_two_megabytes(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.REQUEST_BODY_MAX_SIZE == 12 * 1024 * 1024


# --- The API's throttles and parser -------------------------------------------------------------------


@override_settings(API_ANONYMOUS_RATE="3/minute", TRUSTED_PROXY_COUNT=1)
def test_anonymous_api_calls_are_throttled_per_forwarded_client(alpha):
    client = client_for(alpha)
    statuses = [
        client.get("/api/v1/etablissements/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/etablissements/", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 200


@override_settings(API_ANONYMOUS_RATE="3/minute")
def test_signed_in_api_calls_are_not_counted_as_anonymous(alpha):
    user, _family, _child = family_in(alpha)
    client = client_for(alpha, user)
    assert [client.get("/api/v1/demandes/").status_code for _ in range(5)] == [200] * 5


def test_json_nested_five_thousand_deep_is_a_french_400_and_changes_nothing(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child)
    body = "[" * 5000 + "]" * 5000
    response = client_for(alpha, user).patch(
        f"/api/v1/demandes/{application.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "imbriqué trop profondément" in response.json()["detail"]
    with tenant_context(alpha):
        assert Application.objects.get(pk=application.pk).updated_at == application.updated_at
