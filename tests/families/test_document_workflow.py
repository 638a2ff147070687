"""The workflow of a piece (families.workflow.DOCUMENT): checked by the guichet, replaced or withdrawn by the family.

Every move outside the table is refused in French and changes nothing, every move writes one log row, the services
log theirs, and two moves of the same piece at once end with one done and the other refused.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from families import services
from families.enums import ApplicationStatus, DocumentStatus
from families.models import Document
from families.workflow import DOCUMENT
from portal.models import Collectivite
from portal.workflows import Actor
from tests.families.factories import ApplicationFactory, DocumentFactory, UserFactory
from tests.workflows import all_pairs, assert_one_log_row, assert_one_of_two_wins, assert_refused_outside_the_table


@pytest.fixture
def inside(alpha):
    with tenant_context(alpha):
        yield
    connection.set_schema_to_public()


@pytest.mark.parametrize(("source", "target"), all_pairs(DOCUMENT))
def test_every_move_outside_the_table_is_refused_in_french_and_changes_nothing(inside, source, target):
    assert_refused_outside_the_table(DOCUMENT, DocumentFactory(status=source), target)


@pytest.mark.parametrize(("source", "target"), sorted(DOCUMENT.moves))
def test_each_move_writes_exactly_one_log_row(inside, source, target):
    for actor in sorted(DOCUMENT.actors(source, target)):
        document = DocumentFactory(status=source)
        assert_one_log_row(DOCUMENT, document, target, actor=actor, user=document.application.family.account)


def test_the_services_log_review_replacement_and_withdrawal(inside):
    agent = UserFactory(roles=[])
    application = ApplicationFactory()
    family = application.family.account
    first = DocumentFactory(application=application)
    services.document_review(document=first, user=agent, valid=False, reason="Illisible")
    upload = DocumentFactory.build(application=application).file
    upload.content_type = "application/pdf"
    second = services.document_add(
        application=application, document_type=first.document_type, upload=upload, user=family
    )
    services.document_withdraw(document=second, user=family)
    assert [(log.from_status, log.to_status, log.actor, log.user, log.note) for log in first.history.all()] == [
        (DocumentStatus.PENDING, DocumentStatus.REJECTED, Actor.STAFF, agent, "Illisible"),
        (DocumentStatus.REJECTED, DocumentStatus.REPLACED, Actor.FAMILY, family, ""),
    ]
    assert [(log.to_status, log.actor) for log in second.history.all()] == [(DocumentStatus.WITHDRAWN, Actor.FAMILY)]


def test_a_closed_request_takes_no_piece_whatever_the_page(inside):
    application = ApplicationFactory(status=ApplicationStatus.ADMISE)
    document = DocumentFactory(application=application)
    with pytest.raises(ValidationError, match="ne reçoit plus de pièces"):
        services.document_withdraw(document=document, user=application.family.account)
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.PENDING


@pytest.fixture
def committed_piece(django_db_setup, django_db_blocker):
    """A piece to check in alpha, committed for real so that two threads see it; removed afterwards."""
    with django_db_blocker.unblock():
        alpha = Collectivite.objects.get(slug="alpha")
        with tenant_context(alpha):
            document = DocumentFactory()
        try:
            yield alpha, document
        finally:
            with tenant_context(alpha):
                account = document.application.family.account
                document.file.delete(save=False)
                document.application.family.delete()
                account.delete()
            connection.set_schema_to_public()


def test_the_guichet_checking_a_piece_the_family_withdraws_at_the_same_moment(committed_piece):
    alpha, document = committed_piece
    assert_one_of_two_wins(
        alpha, DOCUMENT, document, [(DocumentStatus.VALID, Actor.STAFF), (DocumentStatus.WITHDRAWN, Actor.FAMILY)]
    )
