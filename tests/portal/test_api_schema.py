"""The OpenAPI schema says what the API does: what it returns, what may be null, its parameters, its errors."""

import datetime

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from families.models import Application, GuichetSettings
from tests.families.factories import application_in, establishment_in, family_in
from tests.utils import client_for


def schema_of(collectivite):
    return client_for(collectivite).get("/api/v1/schema/", {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_wishes_are_written_and_read_back(alpha):
    components = schema_of(alpha)["components"]["schemas"]
    wishes = components["Application"]["properties"]["wishes"]
    assert not wishes.get("writeOnly")
    assert "wishes" in components["PatchedApplication"]["properties"]


def test_dates_a_child_may_lack_are_marked_nullable(alpha):
    queue_row = schema_of(alpha)["components"]["schemas"]["QueueApplication"]["properties"]
    assert queue_row["child_birth_date"]["nullable"] is True
    assert queue_row["child_expected_date"]["nullable"] is True


def test_the_establishment_list_declares_its_query_parameters(alpha):
    operation = schema_of(alpha)["paths"]["/api/v1/etablissements/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert {"commune", "type", "page"} <= set(parameters)
    assert "micro_creche_paje" in parameters["type"]["schema"]["enum"]
    assert parameters["commune"]["description"]


def test_every_operation_documents_the_errors_it_can_answer(alpha):
    public = {
        "/api/v1/etablissements/",
        "/api/v1/etablissements/{id}/",
        "/api/v1/schema/",
        # The assistant-maternel directory (published fields only for the public).
        "/api/v1/rpe/assistants-maternels/",
        "/api/v1/rpe/assistants-maternels/{id}/",
        # The ateliers' programme (ateliers).
        "/api/v1/rpe/ateliers/",
    }
    for path, method, operation in operations(schema_of(alpha)):
        codes = set(operation["responses"])
        where = f"{method.upper()} {path}"
        if method in ("post", "put", "patch"):
            assert "400" in codes, where
        if "{" in path:
            assert "404" in codes, where
        if path in public:
            assert "403" not in codes, where
            assert "429" in codes, where
        else:
            assert "403" in codes, where
        for code in codes - {"200", "201", "202"}:  # 202: put on a waiting list (rpe ateliers)
            assert "detail" in str(operation["responses"][code]["content"]["application/json"]["schema"]), where


def test_the_errors_the_schema_documents_are_the_ones_the_api_answers(alpha):
    assert client_for(alpha).get("/api/v1/etablissements/987654/").json() == {"detail": "Non trouvé."}
    assert "detail" in client_for(alpha).get("/api/v1/demandes/").json()
    assert "commune" in client_for(alpha).get("/api/v1/etablissements/", {"commune": "x"}).json()


def test_more_wishes_than_allowed_are_refused_in_french_not_dropped(alpha):
    establishments = [establishment_in(alpha, f"creche-{index}") for index in range(7)]
    user, _family, child = family_in(alpha)
    with tenant_context(alpha):
        allowed = GuichetSettings.current().max_wishes
    connection.set_schema_to_public()
    start = (timezone.localdate() + datetime.timedelta(days=70)).replace(day=1)
    body = {
        "child": child.pk,
        "kind": "regulier",
        "desired_start": start.isoformat(),
        "planning": {"mon": ["08:00", "17:00"]},
        "wants_collective": True,
        "wishes": [establishment.pk for establishment in establishments[: allowed + 1]],
    }
    response = client_for(alpha, user).post("/api/v1/demandes/", body, content_type="application/json")
    assert response.status_code == 409
    assert f"Au plus {allowed} vœux" in response.json()["wishes"][0]
    with tenant_context(alpha):
        assert not Application.objects.exists()
    connection.set_schema_to_public()
    body["wishes"] = body["wishes"][:allowed]
    response = client_for(alpha, user).post("/api/v1/demandes/", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["wishes"] == body["wishes"]


def test_a_refused_update_answers_an_object_as_documented(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, establishment=establishment_in(alpha))
    response = client_for(alpha, user).patch(
        f"/api/v1/demandes/{application.pk}/",
        {"planning": {"mon": ["17:00", "08:00"]}},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert isinstance(response.json(), dict)
