import re

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django_tenants.utils import tenant_context

from portal.accounts.models import RoleChange, User
from portal.accounts.roles import Role
from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.utils import client_for, demo_user, totp_now, user_in


def test_a_family_signs_up_verifies_its_address_and_becomes_a_parent(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(alpha)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "Nouvelle.Famille@exemple.fr",
                "password1": "un-mot-de-passe-solide",
                "password2": "un-mot-de-passe-solide",
            },
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nouvelle.famille@exemple.fr"]
    link = re.search(r"http://alpha\.localhost/accounts/confirm-email/\S+", message.body).group(0)
    key_url = link.replace("http://alpha.localhost", "")
    assert client.post(key_url).status_code == 302
    with tenant_context(alpha):
        user = User.objects.get(email="nouvelle.famille@exemple.fr")
        assert user.roles == [Role.PARENT]
        assert EmailAddress.objects.get(user=user).verified
    connection.set_schema_to_public()
    assert client.get("/accueil/").url == "/famille/"


def test_the_platform_has_no_public_signup(db):
    from django.test import Client

    response = Client(HTTP_HOST="localhost").get("/accounts/signup/")
    assert 'name="password1"' not in response.content.decode()  # allauth's "signup closed" page


def test_staff_log_in_with_password_then_totp(metz):
    client = client_for(metz)
    response = client.post("/accounts/login/", {"login": "agent@metz.demo", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200  # wrong code: the form again
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_now(DEMO_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == "/espace/agent/"


def test_failed_logins_are_rate_limited(alpha):
    client = client_for(alpha)
    user_in(alpha, email="cible@alpha.test", roles=[Role.PARENT])
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": "cible@alpha.test", "password": "mauvais"})
    # Past five failures, even the right password is refused for a while (counted in Redis).
    response = client.post("/accounts/login/", {"login": "cible@alpha.test", "password": "un-mot-de-passe-solide"})
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def admin_client(collectivite):
    return client_for(collectivite, demo_user(collectivite, "admin"))


def test_the_administrator_invites_a_colleague_who_chooses_a_password(
    metz, mailoutbox, django_capture_on_commit_callbacks
):
    client = admin_client(metz)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/espace/administration/utilisateurs/inviter/",
            {"email": "nouvelle.agente@metz.fr", "first_name": "Léa", "last_name": "Petit", "roles": [Role.AGENT]},
        )
    assert response.status_code == 302
    with tenant_context(metz):
        invited = User.objects.get(email="nouvelle.agente@metz.fr")
        assert invited.roles == [Role.AGENT]
        assert not invited.has_usable_password()
        change = RoleChange.objects.get(user=invited)
        assert change.added == [Role.AGENT]
        assert change.changed_by.email == "admin@metz.demo"
    connection.set_schema_to_public()
    assert len(mailoutbox) == 1
    assert "Léa" in mailoutbox[0].body
    # The link is built like every email link (portal.mail.absolute_url: the public host and port), not from Host.
    link = re.search(r"http://metz\.localhost(?::8000)?(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    setup_path = link.group(1)
    fresh = client_for(metz)
    form_page = fresh.get(setup_path, follow=True)
    assert form_page.status_code == 200
    response = fresh.post(
        form_page.request["PATH_INFO"], {"password1": "mon-nouveau-secret-42", "password2": "mon-nouveau-secret-42"}
    )
    assert response.status_code == 302
    with tenant_context(metz):
        assert User.objects.get(email="nouvelle.agente@metz.fr").check_password("mon-nouveau-secret-42")


def test_an_invitation_with_a_taken_address_or_no_role_is_refused(metz):
    client = admin_client(metz)
    response = client.post(
        "/espace/administration/utilisateurs/inviter/",
        {"email": "parent@metz.demo", "first_name": "A", "last_name": "B", "roles": []},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Un compte existe déjà avec cette adresse." in content
    assert "Choisissez au moins un rôle." in content


def test_every_role_change_is_logged(metz):
    client = admin_client(metz)
    person = demo_user(metz, "parent2")
    response = client.post(
        f"/espace/administration/utilisateurs/{person.pk}/roles/", {"roles": [Role.PARENT, Role.MEMBRE_COMMISSION]}
    )
    assert response.status_code == 302
    with tenant_context(metz):
        person.refresh_from_db()
        assert sorted(person.roles) == sorted([Role.PARENT, Role.MEMBRE_COMMISSION])
        change = RoleChange.objects.filter(user=person).latest("changed_at")
        assert change.added == [Role.MEMBRE_COMMISSION]
        assert change.removed == []
    connection.set_schema_to_public()
    history = client.get("/espace/administration/utilisateurs/historique/").content.decode()
    assert "membre de commission" in history


def test_an_administrator_cannot_remove_their_own_administration(metz):
    client = admin_client(metz)
    admin = demo_user(metz, "admin")
    response = client.post(f"/espace/administration/utilisateurs/{admin.pk}/roles/", {"roles": [Role.AGENT]})
    assert response.status_code == 200
    assert "propre rôle" in response.content.decode()


def test_a_person_downloads_their_own_data(metz):
    response = client_for(metz, demo_user(metz, "parent")).get("/compte/mes-donnees/")
    assert response.status_code == 200
    assert response.json()["adresse_electronique"] == "parent@metz.demo"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "Créer un compte famille"), ("en", "Create a family account")]
)
def test_pages_are_french_by_default_and_english_on_request(metz, language, expected):
    client = client_for(metz)
    if language != "fr":
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    content = client.get("/").content.decode()
    assert expected in content
    assert f'<html lang="{language}">' in content


def test_a_browser_asking_for_english_still_gets_french_until_the_person_chooses(metz):
    client = client_for(metz)
    assert "Créer un compte famille" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()


def test_security_headers(metz):
    response = client_for(metz).get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_error_pages_are_french(metz):
    client = client_for(metz, demo_user(metz, "parent"))
    not_found = client.get("/nulle-part/")
    assert not_found.status_code == 404
    assert "Page introuvable" in not_found.content.decode()
    denied = client.get("/espace/administration/utilisateurs/")
    assert denied.status_code == 403
    assert "Accès refusé" in denied.content.decode()


def test_demo_banner_and_branding(metz, alpha):
    content = client_for(metz).get("/").content.decode()
    assert "toutes les données de ce site sont fictives" in content
    assert "toutes les données de ce site sont fictives" not in client_for(alpha).get("/").content.decode()
    assert "--couleur-principale: #8a1538" in client_for(metz).get("/theme.css").content.decode()


def test_public_pages_sitemap_and_api_schema(metz):
    client = client_for(metz)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://metz.localhost/accounts/signup/" in sitemap
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/moi/" in schema.content


def test_platform_lists_the_collectivites_with_links(db):
    from django.test import Client

    content = Client(HTTP_HOST="localhost").get("/").content.decode()
    assert "Metz (démo)" in content
    assert "http://metz.localhost/" in content


def test_platform_admin_requires_an_operator_with_totp(db):
    from django.test import Client

    response = Client(HTTP_HOST="localhost").get("/admin/", follow=True)
    assert response.request["PATH_INFO"] == "/accounts/login/"
