"""No collectivité ever sees another's accounts, sessions or data."""

from django.db import connection
from django_tenants.utils import tenant_context

from portal.accounts.models import RoleChange, User
from portal.accounts.roles import Role
from tests.utils import client_for, user_in


def test_a_user_of_one_collectivite_cannot_log_in_on_another(alpha, beta):
    user_in(alpha, email="famille@alpha.test", password="mot-de-passe-alpha-123", roles=[Role.PARENT])
    on_alpha = client_for(alpha).post(
        "/accounts/login/", {"login": "famille@alpha.test", "password": "mot-de-passe-alpha-123"}
    )
    assert on_alpha.status_code == 302
    on_beta = client_for(beta).post(
        "/accounts/login/", {"login": "famille@alpha.test", "password": "mot-de-passe-alpha-123"}
    )
    assert on_beta.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in on_beta.wsgi_request.session


def test_a_session_cookie_of_one_collectivite_is_worthless_on_another(alpha, beta):
    alpha_client = client_for(alpha, user_in(alpha, email="famille@alpha.test", roles=[Role.PARENT]))
    assert alpha_client.get("/famille/").status_code == 200
    beta_client = client_for(beta)
    beta_client.cookies = alpha_client.cookies
    response = beta_client.get("/famille/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert beta_client.get("/api/v1/moi/").status_code == 403


def test_data_created_in_one_collectivite_is_invisible_from_another(alpha, beta):
    admin_alpha = user_in(alpha, email="admin@alpha.test", roles=[Role.ADMINISTRATEUR])
    admin_beta = user_in(beta, email="admin@beta.test", roles=[Role.ADMINISTRATEUR])
    user_in(alpha, email="seulement-alpha@alpha.test", first_name="Seulement", roles=[Role.PARENT])

    # ORM: the schema is the boundary.
    with tenant_context(beta):
        assert not User.objects.filter(email="seulement-alpha@alpha.test").exists()
        assert not RoleChange.objects.filter(user__email="seulement-alpha@alpha.test").exists()
    with tenant_context(alpha):
        assert User.objects.filter(email="seulement-alpha@alpha.test").exists()
    connection.set_schema_to_public()
    assert not User.objects.filter(email="seulement-alpha@alpha.test").exists()

    # Pages: the administrator of beta lists only beta's people.
    from allauth.mfa.totp.internal.auth import TOTP

    for collectivite, admin in ((alpha, admin_alpha), (beta, admin_beta)):
        with tenant_context(collectivite):
            TOTP.activate(admin, "JBSWY3DPEHPK3PXP")
    connection.set_schema_to_public()
    beta_page = client_for(beta, admin_beta).get("/espace/administration/utilisateurs/").content.decode()
    alpha_page = client_for(alpha, admin_alpha).get("/espace/administration/utilisateurs/").content.decode()
    assert "seulement-alpha@alpha.test" in alpha_page
    assert "seulement-alpha@alpha.test" not in beta_page

    # API: each answers for its own accounts only.
    alpha_user = user_in(alpha, email="api@alpha.test", roles=[Role.PARENT])
    api = client_for(alpha, alpha_user)
    assert api.get("/api/v1/moi/").json()["email"] == "api@alpha.test"
    other = client_for(beta)
    other.cookies = api.cookies
    assert other.get("/api/v1/moi/").status_code == 403


def test_an_object_id_of_one_collectivite_means_nothing_in_another(alpha, beta):
    admin_beta = user_in(beta, email="admin@beta.test", roles=[Role.ADMINISTRATEUR])
    from allauth.mfa.totp.internal.auth import TOTP

    with tenant_context(beta):
        TOTP.activate(admin_beta, "JBSWY3DPEHPK3PXP")
        highest_in_beta = User.objects.order_by("-pk").values_list("pk", flat=True).first()
    connection.set_schema_to_public()
    # Ids are per schema: make alpha's person carry an id beta has never given.
    alpha_person = user_in(alpha, email="personne@alpha.test", roles=[Role.PARENT])
    while alpha_person.pk <= highest_in_beta:
        alpha_person = user_in(alpha, email=f"personne-{alpha_person.pk}@alpha.test", roles=[Role.PARENT])
    client = client_for(beta, admin_beta)
    response = client.get(f"/espace/administration/utilisateurs/{alpha_person.pk}/roles/")
    assert response.status_code == 404
    assert alpha_person.email not in response.content.decode()
    # Positive control: the same page answers for beta's own person.
    assert client.get(f"/espace/administration/utilisateurs/{highest_in_beta}/roles/").status_code == 200
