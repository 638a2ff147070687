"""Labels stored in the database (pieces, situations, grid criteria) are shown in the reader's language."""

from django.db import connection
from django.utils import translation
from django_tenants.utils import tenant_context

from commissions.models import Criterion
from families.models import DocumentType, Situation
from portal.i18n import localized
from tests.families.factories import application_in, family_in
from tests.utils import client_for


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_a_label_falls_back_to_french_when_its_english_is_empty(alpha):
    with tenant_context(alpha):
        piece = DocumentType(code="livret", label="Livret de famille")
        with translation.override("en"):
            assert localized(piece) == "Livret de famille"
            piece.label_en = "Family record book"
            assert localized(piece) == str(piece) == "Family record book"
        with translation.override("fr"):
            assert str(piece) == "Livret de famille"


def test_the_default_lists_of_a_new_collectivite_come_with_their_english(alpha):
    with tenant_context(alpha):
        assert DocumentType.objects.get(code="domicile").label_en == "Proof of address less than three months old"
        assert Situation.objects.get(code="monoparentalite").label_en == "Single-parent family"
        assert not DocumentType.objects.filter(label_en="").exists()


def test_the_published_grid_reads_in_english_for_an_english_reader(metz):
    french = client_for(metz).get("/transparence/").content.decode()
    assert "Quotient familial" in french
    page = english(client_for(metz)).get("/transparence/").content.decode()
    assert "Family quotient" in page
    assert "Time since the request was filed" in page
    assert "Counted from the day the request was filed on the guichet." in page
    with tenant_context(metz):
        assert not Criterion.objects.filter(label_en="").exists()
    connection.set_schema_to_public()


def test_a_family_reads_its_missing_pieces_in_english(alpha):
    user, family, child = family_in(alpha, email="english@alpha.test")
    application = application_in(alpha, family, child)
    client = english(client_for(alpha, user))
    dashboard = client.get("/famille/").content.decode()
    assert "Proof of address less than three months old" in dashboard
    assert "Justificatif de domicile" not in dashboard
    detail = client.get(f"/famille/demandes/{application.pk}/").content.decode()
    assert "Proof of address less than three months old" in detail
