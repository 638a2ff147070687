"""Availability declared by the AM or by her relais (logged), and the one-click "nothing has changed" link."""

import datetime

import pytest
from django.core import signing
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from freezegun import freeze_time

from portal.accounts.roles import Role
from rpe.enums import ActivityStatus, AvailabilityStatus, ChangedBy
from rpe.models import AssistantMaternel, AvailabilityChange
from rpe.notifications import UNCHANGED_SALT, unchanged_token
from tests.rpe.factories import AnimatriceFactory, AssistantMaternelFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def place_form(place, **values):
    prefix = f"place-{place.pk}"
    data = {
        f"{prefix}-status": AvailabilityStatus.NOW,
        f"{prefix}-available_from": "",
        f"{prefix}-count": 1,
        f"{prefix}-half_days": ["mon_am", "tue_am"],
        f"{prefix}-age_min_months": 0,
        f"{prefix}-age_max_months": 36,
        "declare": "1",
    }
    data.update({f"{prefix}-{key}": value for key, value in values.items()})
    return data


@pytest.fixture
def am_with_account(alpha):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(with_account=True, places=3, availability_confirmed_on=None)
        am.user.roles = [Role.ASSISTANT_MATERNEL]
        am.user.save()
    connection.set_schema_to_public()
    return am


def test_an_am_declares_her_places_and_the_log_says_she_did(alpha, am_with_account):
    am = am_with_account
    with tenant_context(alpha):
        place = am.places.get()
    response = client_for(alpha, am.user).post("/assistant-maternel/disponibilites/", place_form(place, count=2))
    assert response.status_code == 302
    with tenant_context(alpha):
        am.refresh_from_db()
        assert am.availability_confirmed_on == timezone.localdate()
        place.refresh_from_db()
        assert (place.availability.status, place.availability.count) == (AvailabilityStatus.NOW, 2)
        change = AvailabilityChange.objects.get(am=am)
        assert (change.changed_by, change.user_id) == (ChangedBy.AM, am.user_id)


def test_the_relais_declares_on_her_behalf_and_the_log_says_so(alpha, am_with_account):
    am = am_with_account
    with tenant_context(alpha):
        animatrice = AnimatriceFactory(relais=am.relais)
        place = am.places.get()
    response = client_for(alpha, animatrice).post(
        f"/relais/assistants-maternels/{am.pk}/disponibilites/", place_form(place)
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        change = AvailabilityChange.objects.get(am=am)
        assert (change.changed_by, change.user_id) == (ChangedBy.RELAIS, animatrice.pk)


@pytest.mark.parametrize(
    "values",
    [
        {"status": AvailabilityStatus.FROM_DATE, "available_from": ""},
        {"half_days": []},
        {"count": 4},
        {"age_min_months": 36, "age_max_months": 12},
    ],
)
def test_a_wrong_declaration_is_refused_in_french_and_changes_nothing(alpha, am_with_account, values):
    am = am_with_account
    with tenant_context(alpha):
        place = am.places.get()
    response = client_for(alpha, am.user).post("/assistant-maternel/disponibilites/", place_form(place, **values))
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    with tenant_context(alpha):
        am.refresh_from_db()
        assert am.availability_confirmed_on is None
        assert not AvailabilityChange.objects.filter(am=am).exists()


# --- The one-click link -----------------------------------------------------------------------------------------


@pytest.fixture
def reminded(alpha):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(places=2, free_places=1, availability_confirmed_on=datetime.date(2020, 1, 1))
        token = unchanged_token(am, datetime.date(2027, 6, 1))
    connection.set_schema_to_public()
    return am, token


def confirmed_on(collectivite, am):
    with tenant_context(collectivite):
        value = AssistantMaternel.objects.get(pk=am.pk).availability_confirmed_on
    connection.set_schema_to_public()
    return value


def test_the_link_shows_what_she_confirms_then_one_click_confirms_without_login(alpha, reminded):
    am, token = reminded
    client = client_for(alpha)
    url = f"/disponibilites/rien-n-a-change/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Confirmer : rien n'a changé" in page.content.decode()
    assert confirmed_on(alpha, am) == datetime.date(2020, 1, 1), "opening the link (a mail scanner) changes nothing"
    done = client.post(url)
    assert done.status_code == 200 and "Merci" in done.content.decode()
    assert confirmed_on(alpha, am) == timezone.localdate()
    with tenant_context(alpha):
        assert AvailabilityChange.objects.get(am=am).changed_by == ChangedBy.LINK


def test_a_used_link_is_refused_and_changes_nothing(alpha, reminded):
    am, token = reminded
    client = client_for(alpha)
    url = f"/disponibilites/rien-n-a-change/{token}/"
    assert client.post(url).status_code == 200
    with tenant_context(alpha):
        changes = AvailabilityChange.objects.filter(am=am).count()
    for method in (client.get, client.post):
        again = method(url)
        assert again.status_code == 400 and "déjà servi" in again.content.decode()
    with tenant_context(alpha):
        assert AvailabilityChange.objects.filter(am=am).count() == changes


def test_a_forged_link_is_refused_and_changes_nothing(alpha, reminded):
    am, token = reminded
    forged = signing.dumps({"am": am.pk, "deadline": "2027-06-01", "last": 0}, salt=UNCHANGED_SALT, key="not-ours")
    for bad in (forged, token[:-3] + "abc", "n-importe-quoi"):
        response = client_for(alpha).post(f"/disponibilites/rien-n-a-change/{bad}/")
        assert response.status_code == 400 and "pas valide" in response.content.decode()
    assert confirmed_on(alpha, am) == datetime.date(2020, 1, 1)


def test_an_expired_link_is_refused_and_changes_nothing(alpha, reminded):
    am, token = reminded
    with freeze_time(timezone.now() + datetime.timedelta(days=41)):
        response = client_for(alpha).post(f"/disponibilites/rien-n-a-change/{token}/")
    assert response.status_code == 400 and "expiré" in response.content.decode()
    assert confirmed_on(alpha, am) == datetime.date(2020, 1, 1)


def test_a_declaration_since_the_reminder_voids_its_link(alpha, reminded):
    am, token = reminded
    client_am = client_for(alpha)
    with tenant_context(alpha):
        from rpe.services import availability_confirm_unchanged

        availability_confirm_unchanged(am=am)
    assert client_am.post(f"/disponibilites/rien-n-a-change/{token}/").status_code == 400


def test_the_link_of_a_suspended_am_is_refused(alpha, reminded):
    am, token = reminded
    with tenant_context(alpha):
        AssistantMaternel.objects.filter(pk=am.pk).update(activity_status=ActivityStatus.SUSPENDED)
    assert client_for(alpha).post(f"/disponibilites/rien-n-a-change/{token}/").status_code == 400
    assert confirmed_on(alpha, am) == datetime.date(2020, 1, 1)
