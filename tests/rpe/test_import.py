"""Import of the département's agrément list: a report per row, all or nothing, absent AM archived and kept."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal.workflows import Actor
from rpe.enums import ActivityStatus, AvailabilityStatus
from rpe.imports import ImportRefused, agrements_check, agrements_import, read_dataset
from rpe.models import AgrementPlace, AssistantMaternel
from tests.rpe.factories import AnimatriceFactory, AssistantMaternelFactory, RelaisFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db

HEADER = "numero_agrement;nom;prenom;annee_naissance;date_agrement;date_renouvellement;adresse;code_postal;code_insee;telephone;courriel;lieu_exercice;mam;places"


def csv(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def directory(alpha):
    """A relais over Nantes with two AM on the list: one stays, one will be absent from the new list."""
    with tenant_context(alpha):
        relais = RelaisFactory(communes=["44109"])
        staying = AssistantMaternelFactory(
            relais=relais, agrement_number="44-0001", phone="06 11 11 11 11", places=2, free_places=1
        )
        leaving = AssistantMaternelFactory(relais=relais, agrement_number="44-0002", places=3)
    connection.set_schema_to_public()
    return relais, staying, leaving


GOOD = csv(
    "44-0001;Giraud;Sylvie;1970;01/09/2012;01/09/2027;3 rue Haute;44000;44109;06 00 00 00 00;;domicile;;2:0-36",
    "44-0003;Nouvelle;Inès;1995;15/03/2026;15/03/2031;8 rue Basse;44000;44109;;ines@exemple.test;domicile;;3:0-36 / 1:0-72:D",
)


def test_the_check_reports_each_row_and_writes_nothing(alpha, directory):
    _relais, _staying, leaving = directory
    with tenant_context(alpha):
        report = agrements_check(dataset=read_dataset(GOOD, "csv"), collectivite=alpha)
        assert report.ok
        assert [(line.line, line.number, line.kind) for line in report.lines] == [
            (2, "44-0001", "update"),
            (3, "44-0003", "new"),
        ]
        assert [am.pk for am in report.archived] == [leaving.pk]
        assert not AssistantMaternel.objects.filter(agrement_number="44-0003").exists()
        assert AssistantMaternel.objects.get(pk=leaving.pk).activity_status == ActivityStatus.ACTIVE


def test_the_import_creates_updates_and_archives_the_absent_keeping_them(alpha, directory):
    _relais, staying, leaving = directory
    with tenant_context(alpha):
        agrements_import(dataset=read_dataset(GOOD, "csv"), collectivite=alpha)
        new = AssistantMaternel.objects.get(agrement_number="44-0003")
        assert (new.first_name, new.arrived_on, new.capacity) == ("Inès", timezone.localdate(), 4)
        assert new.places.filter(is_derogation=True).count() == 1
        staying.refresh_from_db()
        assert staying.phone == "06 11 11 11 11", "her own phone is kept: the list only fills an empty one"
        assert staying.renewal_due_on == datetime.date(2027, 9, 1)
        # Same places as before: her declared availability stays.
        assert staying.places.get().availability.status == AvailabilityStatus.NOW
        leaving.refresh_from_db()
        assert (leaving.activity_status, leaving.archived_on) == (ActivityStatus.ARCHIVED, timezone.localdate())
        assert AgrementPlace.objects.filter(am=leaving).exists(), "archived, not deleted"
        assert leaving.activity_log.get().to_status == ActivityStatus.ARCHIVED


BAD = csv(
    "44-0001;Giraud;Sylvie;1970;01/09/2012;01/09/2027;3 rue Haute;44000;44109;;;domicile;;2:0-36",
    "44-0004;Sans;Places;1980;32/13/2020;;1 rue;44000;44109;;;domicile;;",
    "44-0005;Loin;Anne;1980;01/01/2020;;1 rue;75000;75056;;;domicile;;2:0-36",
    "44-0001;Doublon;Zoé;1980;01/01/2020;;1 rue;44000;44109;;;domicile;;2:0-36",
)


def test_a_bad_file_is_refused_with_a_french_reason_per_row_and_writes_nothing(alpha, directory):
    _relais, _staying, leaving = directory
    with tenant_context(alpha):
        before = AssistantMaternel.objects.count(), AgrementPlace.objects.count()
        with pytest.raises(ImportRefused) as refused:
            agrements_import(dataset=read_dataset(BAD, "csv"), collectivite=alpha)
        report = refused.value.report
        problems = {line.line: " ".join(line.problems) for line in report.problems}
        assert set(problems) == {3, 5}
        assert "date" in problems[3] and "place" in problems[3]
        assert "figure déjà à la ligne 2" in problems[5]
        assert report.lines[2].kind == "skip", "a commune outside the territory: the row is not ours"
        assert (AssistantMaternel.objects.count(), AgrementPlace.objects.count()) == before
        assert AssistantMaternel.objects.get(pk=leaving.pk).activity_status == ActivityStatus.ACTIVE


def test_a_file_without_the_columns_is_refused(alpha, directory):
    with tenant_context(alpha):
        report = agrements_check(dataset=read_dataset(b"nom;prenom\nA;B\n", "csv"), collectivite=alpha)
        assert not report.ok and "Colonne(s) manquante(s)" in report.problems[0].problems[0]


def xlsx(content):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in content.decode().strip().splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_relais_checks_then_confirms_an_xlsx_file_through_its_page(alpha, directory):
    relais, _staying, leaving = directory
    with tenant_context(alpha):
        animatrice = AnimatriceFactory(relais=relais)
    client = client_for(alpha, animatrice)
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "agrements.xlsx"
    checked = client.post("/relais/import-agrements/", {"file": upload})
    assert checked.status_code == 200
    page = checked.content.decode()
    assert "44-0003" in page and "à créer" in page and leaving.agrement_number in page
    token = checked.context["token"]
    with tenant_context(alpha):
        assert not AssistantMaternel.objects.filter(agrement_number="44-0003").exists()
    done = client.post("/relais/import-agrements/", {"token": token})
    assert done.status_code == 302
    with tenant_context(alpha):
        assert AssistantMaternel.objects.filter(agrement_number="44-0003").exists()
        assert AssistantMaternel.objects.get(pk=leaving.pk).activity_status == ActivityStatus.ARCHIVED


def test_a_bad_file_through_the_page_is_a_400_with_the_report(alpha, directory):
    relais, _staying, _leaving = directory
    with tenant_context(alpha):
        animatrice = AnimatriceFactory(relais=relais)
    upload = io.BytesIO(BAD)
    upload.name = "agrements.csv"
    response = client_for(alpha, animatrice).post("/relais/import-agrements/", {"file": upload})
    assert response.status_code == 400
    assert "figure déjà à la ligne 2" in response.content.decode()
    assert "token" not in response.context or not response.context.get("token")


def test_an_archived_am_back_on_the_list_is_in_activity_again_and_the_log_says_why(alpha, directory):
    relais, _staying, _leaving = directory
    with tenant_context(alpha):
        back = AssistantMaternelFactory(
            relais=relais,
            agrement_number="44-0003",
            activity_status=ActivityStatus.ARCHIVED,
            archived_on=datetime.date(2024, 5, 1),
        )
        report = agrements_import(dataset=read_dataset(GOOD, "csv"), collectivite=alpha)
        assert [am.pk for am in report.returning] == [back.pk]
        back.refresh_from_db()
        assert (back.activity_status, back.archived_on) == (ActivityStatus.ACTIVE, None)
        log = back.activity_log.get()
        assert (log.from_status, log.to_status, log.actor) == (
            ActivityStatus.ARCHIVED,
            ActivityStatus.ACTIVE,
            Actor.SYSTEM,
        )


def test_rows_of_other_communes_are_ignored_and_only_the_importer_s_relais_are_archived(alpha, directory):
    """The département's list covers the whole département; an animatrice imports for her relais only."""
    relais, _staying, leaving = directory
    with tenant_context(alpha):
        elsewhere = RelaisFactory(communes=["44020"])
        other_am = AssistantMaternelFactory(relais=elsewhere, code_insee="44020")
        content = GOOD + b"75-0001;Loin;Anne;1980;01/01/2020;;1 rue;75000;75056;;;domicile;;2:0-36\n"
        report = agrements_import(dataset=read_dataset(content, "csv"), collectivite=alpha, relais=[relais])
        assert [line.kind for line in report.lines] == ["update", "new", "skip"]
        assert not AssistantMaternel.objects.filter(agrement_number="75-0001").exists()
        assert [am.pk for am in report.archived] == [leaving.pk]
        other_am.refresh_from_db()
        assert other_am.activity_status == ActivityStatus.ACTIVE
