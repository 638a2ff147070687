"""The relais' figures against a fixture counted by hand."""

import datetime
import io

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from portal.accounts.roles import Role
from rpe.ateliers.enums import AtelierKind, RegistrationStatus
from rpe.figures.compute import relais_figures
from rpe.inbox.enums import ContactChannel, ContactOutcome, ContactPerson, ContactTheme
from rpe.models.ateliers import Registration
from rpe.models.inbox import ContactLog
from tests.families.factories import UserFactory
from tests.rpe.factories import (
    AnimatriceFactory,
    AssistantMaternelFactory,
    AtelierFactory,
    InboxRequestFactory,
    RelaisFactory,
    staff_client,
)
from tests.utils import client_for

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def at(month, day, hour=10):
    return datetime.datetime(2025, month, day, hour, tzinfo=timezone.get_current_timezone())


def contact(relais, when, person, theme, channel=ContactChannel.PHONE):
    return ContactLog.objects.create(
        relais=relais, occurred_at=when, person=person, theme=theme, channel=channel, outcome=ContactOutcome.INFORMED
    )


@pytest.fixture
def world(alpha):
    """Relais A: 4 AM; in 2025 three contacts logged, two online requests (one answered), three ateliers held
    (one in March with two AM present bringing 3 and 2 children, one in March cancelled, one in May with one of the
    same AM present with 1 child and another absent), and one contact on 1 January 2026. Relais B: noise."""
    with tenant_context(alpha):
        relais, other = RelaisFactory(), RelaisFactory()
        ams = AssistantMaternelFactory.create_batch(4, relais=relais)
        AssistantMaternelFactory(relais=other)
        contact(relais, at(3, 2), ContactPerson.FAMILY, ContactTheme.CARE_SEARCH)
        contact(relais, at(3, 20), ContactPerson.PARENT_EMPLOYER, ContactTheme.CONTRACT, ContactChannel.DESK)
        contact(relais, at(5, 5), ContactPerson.ASSISTANT_MATERNEL, ContactTheme.TRAINING, ContactChannel.EMAIL)
        contact(relais, datetime.datetime(2026, 1, 1, 0, 30, tzinfo=timezone.get_current_timezone()),
                ContactPerson.FAMILY, ContactTheme.CARE_SEARCH)  # fmt: skip
        contact(other, at(3, 2), ContactPerson.FAMILY, ContactTheme.CARE_SEARCH)
        InboxRequestFactory(relais=relais, created_at=at(3, 4), person=ContactPerson.FAMILY)
        InboxRequestFactory(relais=relais, created_at=at(7, 4), person=ContactPerson.ASSISTANT_MATERNEL,
                            theme=ContactTheme.AGREMENT, answered_at=at(7, 5))  # fmt: skip
        march = AtelierFactory(relais=relais, start=at(3, 11), end=at(3, 11, 12))
        AtelierFactory(relais=relais, start=at(3, 18), end=at(3, 18, 12), cancelled_at=at(3, 1))
        may = AtelierFactory(relais=relais, kind=AtelierKind.EVENING, start=at(5, 13, 20), end=at(5, 13, 22))
        AtelierFactory(relais=other, start=at(3, 11), end=at(3, 11, 12))
        for am, children in ((ams[0], 3), (ams[1], 2)):
            Registration.objects.create(atelier=march, assistant=am, children=children, children_present=children,
                                        status=S.ATTENDED)  # fmt: skip
        Registration.objects.create(atelier=may, assistant=ams[0], children=1, children_present=1, status=S.ATTENDED)
        Registration.objects.create(atelier=may, assistant=ams[2], children=2, children_present=0, status=S.ABSENT)
        yield relais


def test_the_year_figures_match_the_hand_count(alpha, world):
    with tenant_context(alpha):
        figures = relais_figures(world, 2025)
    assert figures.contacts_total == 5
    assert figures.contacts_by_channel == {
        ContactChannel.PHONE: 1,
        ContactChannel.DESK: 1,
        ContactChannel.EMAIL: 1,
        ContactChannel.ONLINE: 2,
    }
    assert figures.contacts_by_person[ContactPerson.FAMILY] == 2
    assert figures.contacts_by_person[ContactPerson.PARENT_EMPLOYER] == 1
    assert figures.contacts_by_person[ContactPerson.ASSISTANT_MATERNEL] == 2
    assert figures.contacts_by_theme[ContactTheme.CARE_SEARCH] == 2
    assert (figures.requests_received, figures.requests_answered) == (2, 1)
    assert figures.ateliers_total == 2
    assert figures.ateliers_by_kind[AtelierKind.EARLY_LEARNING] == 1
    assert figures.ateliers_by_kind[AtelierKind.EVENING] == 1
    assert (figures.attendance_adults, figures.attendance_children) == (3, 6)
    assert (figures.am_reached, figures.am_total, figures.am_reached_share) == (2, 4, 50.0)
    march = figures.by_month[2]
    assert (march["contacts"], march["ateliers"], march["attendance_adults"], march["attendance_children"]) == (
        3, 1, 2, 5
    )  # fmt: skip


def test_a_month_counts_that_month_only(alpha, world):
    with tenant_context(alpha):
        figures = relais_figures(world, 2025, 5)
    assert (figures.contacts_total, figures.ateliers_total, figures.am_reached) == (1, 1, 1)
    assert figures.by_month == []


def test_the_page_and_the_xlsx_show_the_same_figures(alpha, world):
    with tenant_context(alpha):
        animatrice = AnimatriceFactory(relais=world)
    client = staff_client(alpha, animatrice)
    page = client.get(f"/relais/chiffres/?relais={world.pk}&annee=2025")
    assert page.status_code == 200
    export = client.get(f"/relais/chiffres/export.xlsx?relais={world.pk}&annee=2025")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content))["Synthèse"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Contacts (appels, visites, courriels, demandes en ligne)"] == 5
    assert values["Assistants maternels différents venus aux ateliers"] == 2


def test_an_animatrice_sees_only_her_relais_figures_and_an_elu_every_relais(alpha, world):
    with tenant_context(alpha):
        stranger = AnimatriceFactory()
        elu = UserFactory(roles=[Role.ELU])
        parent = UserFactory(roles=[Role.PARENT])
    assert staff_client(alpha, stranger).get(f"/relais/chiffres/?relais={world.pk}").status_code == 404
    assert staff_client(alpha, elu).get(f"/relais/chiffres/?relais={world.pk}").status_code == 200
    assert client_for(alpha, parent).get("/relais/chiffres/").status_code == 403


def test_the_observatoire_reads_one_row_per_relais(alpha, world):
    from rpe.activity import relais_activity

    with tenant_context(alpha):
        rows = {row["code"]: row for row in relais_activity(2025)}
    assert rows[world.pk]["values"] == {"ateliers": 2, "participations": 6, "appointments": 0}
