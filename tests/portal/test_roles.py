import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from portal.accounts.roles import Role
from portal.navigation import ROLE_HOME_SLUGS, role_home_url
from tests.utils import client_for, demo_user, user_in

DEMO_ROLES = {
    "parent": Role.PARENT,
    "parent2": Role.PARENT,
    "am": Role.ASSISTANT_MATERNEL,
    "animatrice": Role.ANIMATRICE_RPE,
    "agent": Role.AGENT,
    "directrice": Role.DIRECTEUR,
    "commission": Role.MEMBRE_COMMISSION,
    "elu": Role.ELU,
    "admin": Role.ADMINISTRATEUR,
}
STAFF_ONLY_PAGES = [
    "/espace/administration/utilisateurs/",
    "/espace/administration/utilisateurs/inviter/",
    "/espace/administration/utilisateurs/historique/",
]


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_each_demo_role_lands_on_its_own_home(metz, local_part):
    client = client_for(metz, demo_user(metz, local_part))
    response = client.get("/accueil/")
    home = role_home_url(DEMO_ROLES[local_part])
    assert response.status_code == 302
    assert response.url == home
    assert client.get(home).status_code == 200


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_each_demo_role_is_refused_every_other_home(metz, local_part):
    client = client_for(metz, demo_user(metz, local_part))
    own = DEMO_ROLES[local_part]
    for role, slug in ROLE_HOME_SLUGS.items():
        if role != own:
            assert client.get(f"/espace/{slug}/").status_code == 403, slug
            assert client.get(role_home_url(role)).status_code == 403, role


@pytest.mark.parametrize("local_part", [part for part, role in DEMO_ROLES.items() if role != Role.ADMINISTRATEUR])
def test_only_the_administrator_manages_users(metz, local_part):
    client = client_for(metz, demo_user(metz, local_part))
    for url in STAFF_ONLY_PAGES:
        assert client.get(url).status_code == 403, url


def test_the_administrator_reaches_user_management(metz):
    client = client_for(metz, demo_user(metz, "admin"))
    for url in STAFF_ONLY_PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url", ["/accueil/", *[f"/espace/{slug}/" for slug in ROLE_HOME_SLUGS.values()], *STAFF_ONLY_PAGES]
)
def test_anonymous_visitors_are_sent_to_login(metz, url):
    response = client_for(metz).get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("role", [Role.AGENT, Role.ELU, Role.ADMINISTRATEUR, Role.ANIMATRICE_RPE])
def test_staff_without_mfa_are_sent_to_mfa_setup(alpha, role):
    user_in(alpha, email=f"{role}@alpha.test", password="un-mot-de-passe-solide", roles=[role])
    client = client_for(alpha)
    client.post("/accounts/login/", {"login": f"{role}@alpha.test", "password": "un-mot-de-passe-solide"})
    for url in ["/accueil/", role_home_url(role)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/2fa/totp/activate/")
    # allauth asks for the password once more before showing the TOTP secret.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.url.startswith("/accounts/reauthenticate/")
    response = client.post(response.url, {"password": "un-mot-de-passe-solide"})
    assert response.url == "/accounts/2fa/totp/activate/"
    activation = client.get(response.url)
    assert activation.status_code == 200
    assert 'name="code"' in activation.content.decode()


def test_families_are_not_asked_for_mfa(alpha):
    client = client_for(alpha, user_in(alpha, email="famille@alpha.test", roles=[Role.PARENT]))
    assert client.get("/espace/famille/").url == "/famille/"
    assert client.get("/famille/").status_code == 200


def test_an_account_without_role_reaches_no_role_home(alpha):
    client = client_for(alpha, user_in(alpha, email="sans-role@alpha.test"))
    assert client.get("/accueil/").status_code == 200
    for slug in ROLE_HOME_SLUGS.values():
        assert client.get(f"/espace/{slug}/").status_code == 403


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_view_of_ours_states_who_may_use_it():
    """Deny by default: each of our views is either public on purpose or checks a perms.py predicate."""
    undeclared = []
    for route, callback in walk(get_resolver("portal.urls").url_patterns):
        module = getattr(callback, "__module__", "")
        if not module.startswith(("portal", "families", "creches", "rpe", "commissions", "observatoire")):
            continue
        public = getattr(callback, "login_required", True) is False
        checked = hasattr(callback, "permission_predicate") or hasattr(callback, "cls")
        if not (public or checked):
            undeclared.append(route)
    assert undeclared == []
