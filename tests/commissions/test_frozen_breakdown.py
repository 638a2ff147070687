"""A commission freezes each dossier's score lines; their details read in the reader's language, not the preparer's."""

import html

from django.db import connection
from django.utils import translation
from django_tenants.utils import tenant_context

from commissions import sessions
from commissions.models import Criterion, Dossier
from families.models import Family
from tests.commissions.factories import City
from tests.utils import client_for

QF_BANDS = {
    "code": "qf",
    "label": "Quotient familial",
    "kind": "bands",
    "parameters": {
        "measure": "quotient_familial",
        "bands": [{"from": 0, "points": 6}, {"from": 1000, "points": 2}],
        "missing_points": 0,
    },
}


def page(client, path, language):
    client.cookies["django_language"] = language
    with translation.override(translation.get_language()):  # the request's language must not outlive it
        response = client.get(path)
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


def prepared_city(alpha):
    """One family with a quotient familial of 1 200 € and 13 months of waiting, its dossier frozen in a session."""
    city = City(alpha, families=1, criteria=[QF_BANDS])
    application = city.applications[0]
    with tenant_context(alpha):
        Family.objects.filter(pk=application.family_id).update(quotient_familial=1200)
        # Prepared during an English request: the preparer's language must not stick to the rows.
        with translation.override("en"):
            sessions.session_prepare(session=city.session("Commission"), user=city.agent)
        dossier = Dossier.objects.get(application=application)
    connection.set_schema_to_public()
    return city, application, dossier


def test_an_english_family_and_a_french_agent_read_the_same_frozen_lines_each_in_their_language(alpha):
    city, application, dossier = prepared_city(alpha)
    months = dossier.facts["months_waiting"]
    assert months > 1

    english = page(client_for(alpha, application.family.account), f"/famille/demandes/{application.pk}/", "en")
    assert "Family quotient (QF) of €1,200: bracket 1,000 € or more → 2 points" in english
    assert f"{months} months of waiting since submission × 1 point → {months} points" in english
    assert "Quotient familial de" not in english and "mois d'attente" not in english

    french = page(client_for(alpha, city.agent), f"/gestion/commissions/{dossier.session_id}/", "fr")
    assert "Quotient familial de 1 200 € : tranche 1 000 € et plus → 2 points" in french
    assert f"{months} mois d'attente depuis le dépôt × 1 point → {months} points" in french
    assert "Family quotient" not in french and "months of waiting" not in french


def test_a_dossier_frozen_as_text_before_still_shows_its_text(alpha):
    city, application, dossier = prepared_city(alpha)
    legacy_detail = "Quotient familial de 1 200 € : tranche 1 000 € et plus → 2 points (ancien)"
    with tenant_context(alpha):
        assert all(isinstance(line["detail"], dict) for line in dossier.breakdown)
        breakdown = [{**line, "detail": legacy_detail} if line["code"] == "qf" else line for line in dossier.breakdown]
        Dossier.objects.filter(pk=dossier.pk).update(breakdown=breakdown)
    connection.set_schema_to_public()

    english = page(client_for(alpha, application.family.account), f"/famille/demandes/{application.pk}/", "en")
    assert legacy_detail in english
    assert "months of waiting since submission" in english  # the other line, a message, still in English


def test_frozen_criterion_labels_read_in_the_readers_language_whoever_prepared(alpha):
    city = City(alpha, families=1, criteria=[QF_BANDS])
    application = city.applications[0]
    with tenant_context(alpha):
        Criterion.objects.filter(code="qf").update(label_en="Family income bracket")
        with translation.override("en"):  # an English-reading agent prepares: the French label is still frozen
            sessions.session_prepare(session=city.session("Commission"), user=city.agent)
        dossier = Dossier.objects.get(application=application)
        qf_line = next(line for line in dossier.breakdown if line["code"] == "qf")
        assert (qf_line["label"], qf_line["label_en"]) == ("Quotient familial", "Family income bracket")
    connection.set_schema_to_public()

    english = page(client_for(alpha, application.family.account), f"/famille/demandes/{application.pk}/", "en")
    assert "Family income bracket" in english
    french = page(client_for(alpha, city.agent), f"/gestion/commissions/{dossier.session_id}/", "fr")
    assert "Quotient familial" in french and "Family income bracket" not in french
