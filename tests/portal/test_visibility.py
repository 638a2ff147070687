"""What each person sees is `visible_to(user)`: the list pages and the API lists show exactly those rows, the
per-object predicates agree with it, and a direct address outside it answers 404 (or 403).

Runs in the isolation matrix's collectivité: one person per role, two families, a validated session whose chair
is the élu and whose member is the membre de commission, a director of les Lutins. The demo collectivité `metz`
plays the other collectivité: its ids never resolve here.
"""

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from commissions.models import Dossier, Offer, Session
from commissions.perms import can_see_session
from creches.models import Establishment, PlaceOpening
from families.enums import ApplicationStatus
from families.models import Application, AuditEntry, Child, Document, Family
from families.perms import can_view_application
from portal.accounts.models import RoleChange, User
from tests.portal.matrix_world import DOMAIN
from tests.utils import demo_user

APPS = ["portal", "families", "commissions", "creches", "rpe", "observatoire"]
PEOPLE = ["parent", "other_parent", "agent", "directrice", "member", "elu", "admin", "am", "animatrice"]


def ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def page_ids(response):
    return sorted(row.pk for row in response.context["page"].object_list)


def api_ids(response):
    return sorted(row["id"] for row in response.json()["results"])


# (list, url, the rows it shows for `user` as a queryset, the ids it answered)
LISTS = [
    ("guichet queue", "/guichet/demandes/", lambda u: Application.objects.visible_to(u).queue_rows(), page_ids),
    (
        "guichet API",
        "/api/v1/guichet/demandes/",
        lambda u: Application.objects.visible_to(u).queue_rows(),
        api_ids,
    ),
    (
        "family API",
        "/api/v1/demandes/",
        lambda u: Application.objects.visible_to(u).owned_by(u),
        api_ids,
    ),
    (
        "family dashboard",
        "/famille/",
        lambda u: Application.objects.visible_to(u).owned_by(u),
        lambda r: sorted(row["application"].pk for row in r.context["rows"]),
    ),
    ("sessions", "/gestion/commissions/", lambda u: Session.objects.visible_to(u), page_ids),
    ("sessions API", "/api/v1/commissions/seances/", lambda u: Session.objects.visible_to(u), api_ids),
    ("pending offers", "/gestion/propositions/", lambda u: Offer.objects.visible_to(u).pending(), page_ids),
    ("admissions", "/gestion/admissions/", lambda u: Offer.objects.visible_to(u).admissions_for(u), page_ids),
    ("audit log", "/guichet/journal/", lambda u: AuditEntry.objects.visible_to(u), page_ids),
    ("users", "/espace/administration/utilisateurs/", lambda u: User.objects.visible_to(u), page_ids),
    (
        "role history",
        "/espace/administration/utilisateurs/historique/",
        lambda u: RoleChange.objects.visible_to(u),
        page_ids,
    ),
    ("place openings", "/gestion/places/", lambda u: PlaceOpening.objects.visible_to(u), page_ids),
    (
        "establishments one may declare places in",
        "/gestion/places/",
        lambda u: Establishment.objects.declarable_by(u),
        lambda r: sorted(establishment.pk for establishment in r.context["establishments"]),
    ),
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("name", "url", "visible", "shown"), LISTS, ids=[row[0] for row in LISTS])
def test_a_list_shows_exactly_what_visible_to_gives(matrix, db, person, name, url, visible, shown):
    response = matrix.clients[person].get(url)
    connection.set_schema_to_public()
    with tenant_context(matrix.collectivite):
        expected = ids(visible(matrix.users[person]))
    if response.status_code == 200:
        assert shown(response) == expected
    else:
        # Who may not open the list: a refusal, never another person's rows.
        assert response.status_code == 403, f"{person} {url}: {response.status_code}"


@pytest.mark.parametrize("person", PEOPLE)
def test_what_people_see_follows_their_role(matrix, db, person):
    """The rules themselves, role by role (the pages above show what these querysets give)."""
    user = matrix.users[person]
    with tenant_context(matrix.collectivite):
        own = set(Application.objects.filter(family__account=user).values_list("pk", flat=True))
        applications = set(Application.objects.visible_to(user).values_list("pk", flat=True))
        sessions = set(Session.objects.visible_to(user).values_list("pk", flat=True))
        everything = set(Session.objects.values_list("pk", flat=True))
        if person in ("parent", "other_parent"):
            assert applications == own and own
            assert set(Document.objects.visible_to(user).values_list("application", flat=True)) == own
            assert set(Child.objects.visible_to(user).values_list("family__account", flat=True)) == {user.pk}
            assert set(Family.objects.visible_to(user).values_list("account", flat=True)) == {user.pk}
            assert set(Offer.objects.visible_to(user).values_list("application", flat=True)) <= own
            assert set(Dossier.objects.visible_to(user).values_list("application", flat=True)) <= own
            assert sessions == set()
        elif person in ("agent", "admin"):
            assert applications == set(
                Application.objects.exclude(status=ApplicationStatus.BROUILLON).values_list("pk", flat=True)
            )
            assert sessions == everything
            assert Offer.objects.visible_to(user).count() == Offer.objects.count()
        else:
            assert applications == set()
            assert Document.objects.visible_to(user).count() == 0
            assert Family.objects.visible_to(user).count() == 0
        if person in ("member", "elu"):
            assert sessions == everything  # the matrix's one session: the élu chairs it, the member sits in it
            assert set(Dossier.objects.visible_to(user).values_list("session", flat=True)) <= sessions
        if person == "directrice":
            admissions = Offer.objects.visible_to(user)
            assert all(offer.establishment.slug == "les-lutins" for offer in admissions)
        assert (User.objects.visible_to(user).count() > 1) == (person == "admin")
        if person != "admin":
            assert ids(User.objects.visible_to(user)) == [user.pk]
            assert AuditEntry.objects.visible_to(user).count() == 0
            assert RoleChange.objects.visible_to(user).count() == 0
    connection.set_schema_to_public()


@pytest.mark.parametrize("person", PEOPLE)
def test_per_object_predicates_agree_with_visible_to(matrix, db, person):
    user = matrix.users[person]
    with tenant_context(matrix.collectivite):
        visible = set(Application.objects.visible_to(user).values_list("pk", flat=True))
        for application in Application.objects.select_related("family"):
            assert can_view_application(user, application) == (application.pk in visible), application.number
        visible = set(Session.objects.visible_to(user).values_list("pk", flat=True))
        for session in Session.objects.all():
            assert can_see_session(user, session) == (session.pk in visible), session.title
    connection.set_schema_to_public()


# Pages about one object: (kind, address), the object's id taken from the matrix's world.
DETAIL_PAGES = [
    ("application", Application, "/famille/demandes/{}/"),
    ("application", Application, "/guichet/demandes/{}/"),
    ("document", Document, "/famille/pieces/{}/"),
    ("document", Document, "/guichet/pieces/{}/"),
    ("session", Session, "/gestion/commissions/{}/"),
    ("session", Session, "/gestion/commissions/{}/proces-verbal/"),
    ("dossier", Dossier, "/famille/courriers/{}/"),
    ("offer", Offer, "/famille/propositions/{}/refuser/"),
    ("offer", Offer, "/gestion/propositions/{}/reponse/"),
    ("user", User, "/espace/administration/utilisateurs/{}/roles/"),
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("kind", "model", "address"), DETAIL_PAGES, ids=[row[2] for row in DETAIL_PAGES])
def test_an_address_outside_visible_to_is_refused(matrix, db, person, kind, model, address):
    user = matrix.users[person]
    with tenant_context(matrix.collectivite):
        hidden = list(model.objects.exclude(pk__in=model.objects.visible_to(user)).values_list("pk", flat=True)[:3])
    connection.set_schema_to_public()
    elsewhere = matrix.objects[kind]["other_collectivite"]
    client = matrix.clients[person]
    for pk in [*hidden, elsewhere]:
        response = client.get(address.format(pk))
        assert response.status_code in (403, 404), f"{person} {address.format(pk)}: {response.status_code}"
    connection.set_schema_to_public()


@pytest.mark.parametrize(("name", "url", "visible", "shown"), LISTS, ids=[row[0] for row in LISTS])
def test_a_person_of_another_collectivite_sees_no_list_here(matrix, metz, db, name, url, visible, shown):
    """Signed in at Metz as its administrator, the same browser is nobody on the matrix's domain."""
    client = Client(HTTP_HOST=DOMAIN)
    admin = demo_user(metz, "admin")
    with tenant_context(metz):
        client.force_login(admin)
    connection.set_schema_to_public()
    response = client.get(url)
    connection.set_schema_to_public()
    assert response.status_code in (302, 401, 403), f"{url}: {response.status_code}"


# --- One way to say it -------------------------------------------------------------------------------------------

# Where refusing by hand is the point: the decorator itself, and allauth's adapter (no client address, no login).
REFUSERS = {"portal/decorators.py", "portal/accounts/adapter.py"}


def test_no_view_refuses_by_hand():
    """Pages refuse through `allowed_if` (and `get_visible_object_or_404`), never a `raise PermissionDenied`."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "raise PermissionDenied" in path.read_text() and str(path.relative_to(root)) not in REFUSERS
    ]
    assert offenders == []


def test_one_role_helper():
    """`portal.perms.has_role` is the only way to ask for a role: the account model does not repeat it."""
    assert not hasattr(User, "has_role")
    assert not hasattr(User, "is_staff_member")
