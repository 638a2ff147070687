import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from families.models import DocumentType, GuichetSettings, Situation
from tests.utils import client_for, demo_user


def management(prefix, queryset):
    rows = list(queryset)
    data = {f"{prefix}-TOTAL_FORMS": len(rows) + 1, f"{prefix}-INITIAL_FORMS": len(rows)}
    # The blank extra form as a browser sends it: its initial values, so it counts as unchanged.
    data.update({f"{prefix}-{len(rows)}-order": 0, f"{prefix}-{len(rows)}-is_active": "on"})
    return rows, data


def form_data(collectivite):
    with tenant_context(collectivite):
        situations, data = management("situations", Situation.objects.all())
        pieces, pieces_data = management("pieces", DocumentType.objects.all())
        data.update(pieces_data)
        for index, row in enumerate(situations):
            data.update({f"situations-{index}-id": row.pk, f"situations-{index}-label": row.label,
                         f"situations-{index}-code": row.code, f"situations-{index}-order": row.order,
                         f"situations-{index}-is_active": "on"})  # fmt: skip
        for index, row in enumerate(pieces):
            data.update({f"pieces-{index}-id": row.pk, f"pieces-{index}-label": row.label,
                         f"pieces-{index}-code": row.code, f"pieces-{index}-order": row.order,
                         f"pieces-{index}-is_active": "on", f"pieces-{index}-required": "on"})  # fmt: skip
    connection.set_schema_to_public()
    data.update({"regles-max_wishes": 3, "regles-renewal_months": 4, "regles-renewal_grace_days": 15,
                 "regles-retention_months": 24})  # fmt: skip
    return data


def test_the_administrator_sets_the_rules_and_adds_a_piece(metz):
    client = client_for(metz, demo_user(metz, "admin"))
    assert client.get("/guichet/configuration/").status_code == 200
    data = form_data(metz)
    total = data["pieces-TOTAL_FORMS"] - 1
    data.update(
        {f"pieces-{total}-label": "Livret de famille", f"pieces-{total}-code": "livret", f"pieces-{total}-order": 9}
    )
    assert client.post("/guichet/configuration/", data).status_code == 302
    with tenant_context(metz):
        assert GuichetSettings.current().max_wishes == 3
        assert DocumentType.objects.filter(code="livret", required=False).exists()


def test_a_bad_value_saves_nothing_and_says_why_in_french(metz):
    client = client_for(metz, demo_user(metz, "admin"))
    data = form_data(metz)
    data["regles-max_wishes"] = 0
    data["situations-0-label"] = "Changé"
    response = client.post("/guichet/configuration/", data)
    assert response.status_code == 400
    assert "a été enregistré : corrigez les champs signalés" in response.content.decode()
    with tenant_context(metz):
        assert not Situation.objects.filter(label="Changé").exists()
        assert GuichetSettings.current().max_wishes == 5


@pytest.mark.parametrize("local_part", ["agent", "parent", "elu", "commission", "animatrice", "directrice", "am"])
def test_only_the_administrator_configures_the_guichet(metz, local_part):
    assert client_for(metz, demo_user(metz, local_part)).get("/guichet/configuration/").status_code == 403
