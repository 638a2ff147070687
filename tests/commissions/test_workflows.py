"""The commissions' three status workflows (commissions.workflows): a règlement's version, a session, an offer.

For each: every move outside its table is refused in French and changes nothing, every move in it writes one
log row, its guard refuses in words, and two moves of the same object at once (real transactions) end with one
done and the other refused.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions import sessions
from commissions.enums import OfferStatus, RegulationStatus, SessionStatus
from commissions.models import Dossier, Offer, Regulation, Session
from commissions.services import criterion_save, regulation_adopt
from commissions.workflows import OFFER, REGULATION, SESSION
from families.enums import ApplicationStatus
from portal.accounts.roles import Role
from portal.models import Collectivite
from portal.workflows import Actor, TransitionError
from tests.commissions.test_regulation import situation_fields
from tests.commissions.test_sessions import World, allocated
from tests.families.factories import ApplicationFactory, SectionFactory, UserFactory
from tests.workflows import (
    all_pairs,
    assert_one_log_row,
    assert_one_of_two_wins,
    assert_refused_outside_the_table,
    stored,
)

WORKFLOWS = {"regulation": REGULATION, "session": SESSION, "offer": OFFER}
PAIRS = [(name, source, target) for name, workflow in WORKFLOWS.items() for source, target in all_pairs(workflow)]
# What a move needs besides its status (the database checks that an adopted version has its date and deliberation).
CHANGES = {RegulationStatus.ADOPTED: {"adopted_on": datetime.date(2025, 2, 1), "deliberation": "DCM 2025-02"}}
MOVES = [(name, source, target) for name, workflow in WORKFLOWS.items() for source, target in workflow.moves]


class Things:
    """What a règlement, a session and an offer hang on, built in the current schema; each builder returns an
    object in the status asked, that satisfies its workflow's guards."""

    def __init__(self):
        self.created = []
        self.chair = self.keep(UserFactory(roles=[Role.ELU]))
        self.section = self.keep(SectionFactory())
        self.adopted = self.regulation(RegulationStatus.ADOPTED)

    def keep(self, obj):
        self.created.append(obj)
        return obj

    def regulation(self, status):
        version = (Regulation.objects.aggregate(last=Max("version"))["last"] or 0) + 1
        regulation = self.keep(Regulation.objects.create(version=version, title=f"Version {version}"))
        criterion_save(regulation=regulation, fields=situation_fields())
        if status == RegulationStatus.ADOPTED:
            Regulation.objects.filter(pk=regulation.pk).update(
                status=status, adopted_on=datetime.date(2025, 1, 15), deliberation="DCM 2025-01"
            )
            regulation.refresh_from_db()
        return regulation

    def session(self, status):
        today = timezone.localdate()
        return self.keep(
            Session.objects.create(
                title="Commission",
                date=today,
                places_until=today + datetime.timedelta(days=60),
                regulation=self.adopted,
                chair=self.chair,
                status=status,
                allocated_at=timezone.now(),
            )
        )

    def offer(self, status):
        application = ApplicationFactory(status=ApplicationStatus.PROPOSITION)
        self.keep(application.family.account)
        session = self.session(SessionStatus.VALIDATED)
        dossier = self.keep(
            Dossier.objects.create(
                session=session, application=application, number=f"S{session.pk}-0001", age_months=10, score=0
            )
        )
        return self.keep(
            Offer.objects.create(
                application=application,
                session=session,
                dossier=dossier,
                section=self.section,
                establishment=self.section.establishment,
                deadline=timezone.localdate() + datetime.timedelta(days=8),
                status=status,
            )
        )

    def remove(self):
        """Delete what was built, newest first (for data committed outside the test's transaction)."""
        for obj in reversed(self.created):
            type(obj).objects.filter(pk=obj.pk).delete()
        establishment = self.section.establishment
        type(establishment).objects.filter(pk=establishment.pk).delete()


@pytest.fixture
def things(alpha):
    with tenant_context(alpha):
        yield Things()
    connection.set_schema_to_public()


@pytest.mark.parametrize(("name", "source", "target"), PAIRS)
def test_every_move_outside_the_table_is_refused_in_french_and_changes_nothing(things, name, source, target):
    assert_refused_outside_the_table(WORKFLOWS[name], getattr(things, name)(source), target)


@pytest.mark.parametrize(("name", "source", "target"), MOVES)
def test_each_move_writes_exactly_one_log_row(things, name, source, target):
    workflow = WORKFLOWS[name]
    for actor in sorted(workflow.actors(source, target)):
        obj = getattr(things, name)(source)
        assert_one_log_row(workflow, obj, target, actor=actor, user=things.chair, changes=CHANGES.get(target))


def test_a_session_is_validated_only_once_its_places_are_allocated(things):
    session = things.session(SessionStatus.OPEN)
    Session.objects.filter(pk=session.pk).update(allocated_at=None)
    session.refresh_from_db()
    assert SESSION.targets(session, Actor.STAFF) == []
    with pytest.raises(TransitionError, match="Lancez d'abord la répartition des places."):
        SESSION.transition(session, SessionStatus.VALIDATED, actor=Actor.STAFF)
    with pytest.raises(TransitionError, match="Lancez d'abord la répartition des places."):
        sessions.session_validate(session=session, user=things.chair)
    assert stored(SESSION, session) == (SessionStatus.OPEN, 0)


def test_a_regulation_without_criteria_is_not_adopted(things):
    regulation = things.regulation(RegulationStatus.DRAFT)
    regulation.criteria.all().delete()
    with pytest.raises(TransitionError, match="sans aucun critère"):
        regulation_adopt(regulation=regulation, adopted_on=datetime.date(2025, 2, 1), deliberation="DCM")
    assert stored(REGULATION, regulation) == (RegulationStatus.DRAFT, 0)


def test_the_services_log_adoption_preparation_validation_and_answers(
    things, alpha, django_capture_on_commit_callbacks
):
    regulation = things.regulation(RegulationStatus.DRAFT)
    regulation_adopt(regulation=regulation, adopted_on=datetime.date(2025, 2, 1), deliberation="DCM 2025-02")
    log = regulation.history.get()
    assert (log.to_status, log.actor, log.note) == (RegulationStatus.ADOPTED, Actor.STAFF, "DCM 2025-02")
    connection.set_schema_to_public()
    world = allocated(World(alpha))
    with world, django_capture_on_commit_callbacks(execute=True):
        sessions.session_validate(session=world.session, user=world.chair)
        assert [(log.from_status, log.to_status, log.user) for log in world.session.history.all()] == [
            (SessionStatus.PREPARATION, SessionStatus.OPEN, world.agent),
            (SessionStatus.OPEN, SessionStatus.VALIDATED, world.chair),
        ]
        offer = Offer.objects.get(application=world.families[2][3])
        sessions.offer_decline(offer=offer, user=world.families[2][0], reason="Déménagement")
        log = offer.history.get()
        assert (log.to_status, log.actor, log.note) == (OfferStatus.DECLINED, Actor.FAMILY, "Déménagement")


# --- races, with real transactions ------------------------------------------------------------------------------


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Things in alpha, committed for real so that two threads see them; removed afterwards."""
    with django_db_blocker.unblock():
        alpha = Collectivite.objects.get(slug="alpha")
        with tenant_context(alpha):
            built = Things()
        try:
            yield alpha, built
        finally:
            with tenant_context(alpha):
                built.remove()
            connection.set_schema_to_public()


RACES = {
    "regulation": (
        RegulationStatus.DRAFT,
        (RegulationStatus.ADOPTED, Actor.STAFF),
        (RegulationStatus.ADOPTED, Actor.STAFF),
    ),
    "session": (SessionStatus.PREPARATION, (SessionStatus.OPEN, Actor.STAFF), (SessionStatus.OPEN, Actor.STAFF)),
    "offer": (OfferStatus.PENDING, (OfferStatus.ACCEPTED, Actor.FAMILY), (OfferStatus.EXPIRED, Actor.SYSTEM)),
}


@pytest.mark.parametrize("name", RACES)
def test_two_moves_of_the_same_object_at_once_one_wins_the_other_is_refused(committed, name):
    alpha, built = committed
    source, *attempts = RACES[name]
    with tenant_context(alpha):
        obj = getattr(built, name)(source)
    assert_one_of_two_wins(alpha, WORKFLOWS[name], obj, attempts, changes=CHANGES.get(attempts[0][0]))
    connection.set_schema_to_public()
