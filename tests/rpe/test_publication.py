"""What of an assistant maternel may leave the server, for whom (décret 2021-1131)."""

import pytest
from django_tenants.utils import tenant_context

from portal.accounts.roles import Role
from rpe.publication import am_data, directory_queryset, unpublished_values
from tests.families.factories import UserFactory
from tests.rpe.factories import AnimatriceFactory, AssistantMaternelFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("refused", [["phone"], ["email"], ["address"], ["phone", "email", "address"]])
def test_a_refused_field_is_absent_for_families_and_anonymous(alpha, refused):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(refused=refused, places=2, free_places=1)
        family = UserFactory(roles=[Role.PARENT])
        for viewer in (None, family):
            data = am_data(am, viewer)
            for field in refused:
                assert field not in data
            assert not set(unpublished_values(am)) & {str(value) for value in data.values()}


def test_location_is_approximate_unless_the_address_is_published(alpha):
    with tenant_context(alpha):
        hidden = AssistantMaternelFactory(refused=["address"])
        shown = AssistantMaternelFactory()
        assert (am_data(hidden)["latitude"], am_data(hidden)["longitude"]) != (hidden.latitude, hidden.longitude)
        assert am_data(hidden)["location_is_approximate"]
        assert (am_data(shown)["latitude"], am_data(shown)["longitude"]) == (shown.latitude, shown.longitude)


def test_the_staff_of_her_relais_get_everything_with_her_choices(alpha):
    with tenant_context(alpha):
        am = AssistantMaternelFactory(refused=["phone", "address"])
        animatrice = AnimatriceFactory(relais=am.relais)
        other = AnimatriceFactory()
        data = am_data(am, animatrice)
        assert data["phone"] == am.phone and data["address"] == am.address
        assert data["publication"] == {"phone": False, "email": True, "address": False}
        assert "phone" not in am_data(am, other) and "publication" not in am_data(am, other)


def test_a_list_is_published_in_a_bounded_number_of_queries(alpha, django_assert_max_num_queries):
    with tenant_context(alpha):
        for _ in range(5):
            AssistantMaternelFactory(places=2, free_places=1)
        with django_assert_max_num_queries(3):
            items = [am_data(am) for am in directory_queryset(AssistantMaternelFactory._meta.model.objects.all())]
        assert len(items) == 5 and all(item["capacity"] == 2 for item in items)
