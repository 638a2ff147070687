"""Every list page and API list runs a fixed number of queries, whatever the number of rows (one mechanism:
`tests.utils.assert_constant_queries`). Rows are added inside the isolation matrix's collectivité, rolled back
after each test.

When a change is meant to add a query to a page, update its number below; a count that grows with the rows is
never right (prefetch or annotate in the view's queryset).
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions.enums import OfferStatus, SessionStatus
from commissions.models import Dossier, Offer, Regulation, Reservation, Session
from creches.models import Establishment, FeeScale, PlaceOpening
from families.enums import AuditAction
from families.models import AuditEntry, Family
from families.views.family import dashboard_render
from portal.accounts.models import RoleChange, User
from portal.accounts.roles import Role
from tests.families.factories import ApplicationFactory, ChildFactory, EstablishmentFactory, SectionFactory
from tests.utils import assert_constant_queries

SERIAL = itertools.count(1)


def inside(matrix):
    return tenant_context(matrix.collectivite)


def lutins():
    return Establishment.objects.get(slug="les-lutins")


def sessions(matrix, status=SessionStatus.PREPARATION):
    def make(count):
        with inside(matrix):
            regulation = Regulation.objects.get()
            for _ in range(count):
                session = Session.objects.create(
                    date=timezone.localdate() + datetime.timedelta(days=next(SERIAL)),
                    title="Commission",
                    places_until=timezone.localdate() + datetime.timedelta(days=400),
                    regulation=regulation,
                    chair=matrix.users["elu"],
                    status=status,
                )
                session.members.add(matrix.users["member"])

    return make


def offers(matrix, status):
    """Offers of a place in les Lutins (whose director is the matrix's `directrice`)."""

    def make(count):
        with inside(matrix):
            session = Session.objects.order_by("pk").first()
            establishment = lutins()
            section = establishment.sections.get()
            for _ in range(count):
                application = ApplicationFactory(wishes=[establishment])
                dossier = Dossier.objects.create(
                    session=session,
                    application=application,
                    number=f"Q{next(SERIAL):05d}",
                    age_months=10,
                    section_code=section.code,
                    score=5,
                )
                Offer.objects.create(
                    application=application,
                    session=session,
                    dossier=dossier,
                    section=section,
                    establishment=establishment,
                    deadline=timezone.localdate() + datetime.timedelta(days=10),
                    status=status,
                    responded_at=timezone.now() if status == OfferStatus.ACCEPTED else None,
                )

    return make


def applications(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                ApplicationFactory(wishes=[lutins()])

    return make


def own_applications(matrix):
    """More children and requests of the matrix's parent."""

    def make(count):
        with inside(matrix):
            family = Family.objects.get(account=matrix.users["parent"])
            for _ in range(count):
                ApplicationFactory(family=family, child=ChildFactory(family=family), wishes=[lutins()])

    return make


def audit_entries(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                application = ApplicationFactory()
                AuditEntry.objects.create(user=matrix.users["agent"], application=application, action=AuditAction.READ)

    return make


def users(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                User.objects.create_user(email=f"personne{next(SERIAL)}@matrice.test", roles=[Role.AGENT])

    return make


def role_changes(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                person = User.objects.create_user(email=f"role{next(SERIAL)}@matrice.test")
                RoleChange.objects.create(user=person, changed_by=matrix.users["admin"], added=[Role.AGENT])

    return make


def establishments(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                SectionFactory(establishment=EstablishmentFactory())

    return make


def openings(matrix):
    def make(count):
        with inside(matrix):
            section = lutins().sections.get()
            for _ in range(count):
                PlaceOpening.objects.create(
                    section=section,
                    count=1,
                    available_from=timezone.localdate() + datetime.timedelta(days=next(SERIAL)),
                )

    return make


def reservations(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                section = SectionFactory(establishment=EstablishmentFactory())
                Reservation.objects.create(section=section, flag="insertion", count=1)

    return make


def regulations(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                Regulation.objects.create(version=1000 + next(SERIAL), title="Projet")

    return make


def fee_scales(matrix):
    def make(count):
        with inside(matrix):
            for _ in range(count):
                scale = FeeScale.objects.order_by("valid_from").first()
                scale.pk = None
                scale.valid_from = datetime.date(1990, 1, 1) + datetime.timedelta(days=next(SERIAL))
                scale.save()

    return make


def dossiers(matrix):
    """Anonymous dossiers in the matrix's session (its page lists them)."""

    def make(count):
        with inside(matrix):
            section = lutins().sections.get()
            for _ in range(count):
                Dossier.objects.create(
                    session_id=matrix.objects["session"]["own"],
                    number=f"D{next(SERIAL):05d}",
                    age_months=10,
                    section_code=section.code,
                    score=3,
                )

    return make


def session_page(matrix):
    return f"/gestion/commissions/{matrix.objects['session']['own']}/"


# (role, url, rows, queries): every list page and API list of the portal.
LISTS = [
    # Commissions
    ("agent", "/gestion/commissions/", sessions, 8),
    ("member", "/gestion/commissions/", sessions, 6),
    ("agent", "/api/v1/commissions/seances/", sessions, 9),
    ("directrice", "/gestion/admissions/", lambda m: offers(m, OfferStatus.ACCEPTED), 6),
    ("agent", "/gestion/propositions/", lambda m: offers(m, OfferStatus.PENDING), 6),
    ("admin", "/gestion/reglement/", regulations, 8),
    ("agent", session_page, dossiers, 26),  # 8 of them the period's synthesis (observatoire)
    ("member", session_page, dossiers, 26),
    ("parent", "/transparence/", lambda m: sessions(m, SessionStatus.VALIDATED), 11),
    ("agent", "/gestion/places-reservees/", reservations, 7),
    # Families and the guichet
    # Served from Redis once read (families.queue_cache); its rows' own queries: tests/families/test_queue_cache.py
    ("agent", "/guichet/demandes/", applications, 2),
    ("agent", "/api/v1/guichet/demandes/", applications, 7),
    ("agent", "/guichet/demandes/export.csv", applications, 8),
    ("admin", "/guichet/journal/", audit_entries, 7),
    ("parent", "/api/v1/demandes/", own_applications, 6),
    ("parent", "/famille/", own_applications, 3),  # its kept copy: the render is counted below
    # The offer of care
    ("agent", "/gestion/etablissements/", establishments, 6),
    ("agent", "/gestion/places/", openings, 7),
    ("directrice", "/gestion/places/", openings, 7),
    ("parent", "/api/v1/etablissements/", establishments, 6),
    ("parent", "/creches/", establishments, 4),
    ("admin", "/gestion/bareme/", fee_scales, 7),
    # Accounts
    ("admin", "/espace/administration/utilisateurs/", users, 6),
    ("admin", "/espace/administration/utilisateurs/historique/", role_changes, 6),
]


def test_the_family_dashboard_renders_in_a_fixed_number_of_queries_whatever_its_requests(matrix, db):
    """The page serves a kept copy while nothing on it changes (families.dashboard_cache): its render is counted here."""
    make_rows = own_applications(matrix)
    counts = []
    for added in (1, 7):
        make_rows(added)
        with inside(matrix), CaptureQueriesContext(connection) as queries:
            content = dashboard_render(matrix.users["parent"])
        counts.append(len(queries))
    assert content.count('<td data-label="Demande">') >= 8
    assert counts == [8, 8], "\n".join(query["sql"][:160] for query in queries.captured_queries)


def label(role, url):
    return f"{role} {url if isinstance(url, str) else url.__name__}"


@pytest.mark.parametrize(("role", "url", "rows", "queries"), LISTS, ids=[label(r, u) for r, u, _m, _q in LISTS])
def test_a_list_runs_a_fixed_number_of_queries_whatever_its_rows(matrix, db, role, url, rows, queries):
    url = url if isinstance(url, str) else url(matrix)
    assert_constant_queries(matrix.clients[role], url, rows(matrix), expected=queries)
