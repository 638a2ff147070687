import datetime

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus
from families.models import Application
from tests.families.factories import application_in, establishment_in, family_in
from tests.utils import client_for


def payload(child, establishment, **overrides):
    start = (timezone.localdate() + datetime.timedelta(days=70)).replace(day=1)
    return {
        "child": child.pk,
        "kind": "regulier",
        "desired_start": start.isoformat(),
        "planning": {"mon": ["08:00", "17:00"], "fri": ["09:00", "12:00"]},
        "wants_collective": True,
        "wishes": [establishment.pk],
        **overrides,
    }


def test_a_family_creates_reads_and_updates_its_request_through_the_api(alpha):
    establishment = establishment_in(alpha)
    user, _family, child = family_in(alpha)
    client = client_for(alpha, user)
    response = client.post("/api/v1/demandes/", payload(child, establishment), content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == ApplicationStatus.BROUILLON
    assert created["weekly_hours"] == "12.0"
    assert created["wishes"] == [establishment.pk]
    response = client.patch(
        f"/api/v1/demandes/{created['id']}/", {"comment": "Merci"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert client.get("/api/v1/demandes/").json()["count"] == 1


def test_the_api_refuses_bad_input_in_french_and_writes_nothing(alpha):
    establishment = establishment_in(alpha)
    user, _family, child = family_in(alpha)
    client = client_for(alpha, user)
    bad = payload(
        child, establishment, planning={"mon": ["17:00", "08:00"]}, wishes=[establishment.pk, establishment.pk]
    )
    response = client.post("/api/v1/demandes/", bad, content_type="application/json")
    assert response.status_code == 409
    assert "indiquez une arrivée et un départ" in str(response.json())
    with tenant_context(alpha):
        assert not Application.objects.exists()


def test_the_api_cannot_attach_a_request_to_another_family_s_child(alpha):
    establishment = establishment_in(alpha)
    user, _family, _child = family_in(alpha, "a@alpha.test")
    _other, other_family, other_child = family_in(alpha, "b@alpha.test")
    application_in(alpha, other_family, other_child)
    response = client_for(alpha, user).post(
        "/api/v1/demandes/", payload(other_child, establishment), content_type="application/json"
    )
    assert response.status_code == 409
    connection.set_schema_to_public()
