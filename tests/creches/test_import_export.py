"""Import and export of establishments: checked row by row first, imported all at once or not at all."""

import csv
import html
import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context

from creches.models import Establishment
from creches.services import ImportRefused, establishments_dataset, establishments_import
from portal.accounts.roles import Role
from tests.creches.factories import staff_in
from tests.utils import client_for, demo_user

HEADER = (
    "identifiant,nom,type,gestionnaire,nom_gestionnaire,adresse,code_postal,commune,code_insee,latitude,longitude,"
    "jours,ouverture,fermeture,capacite,accueils,horaires_atypiques,handicap,avip,places_insertion,telephone,"
    "courriel,presentation,ouvert,sections"
)
GOOD_ROWS = [
    "les-mouettes,Multi-accueil Les Mouettes,creche_collective,municipal,Ville,2 quai Nord,44000,Nantes,44109,47.21,-1.55,"
    '"lundi, mardi, mercredi, jeudi, vendredi",07:30,18:30,40,"regulier, occasionnel",non,oui,non,2,,,,oui,'
    '"bebes:Bébés:2-18:10 ; grands:Grands:18-48:30"',
    "micro-l-ile,Micro-crèche L'Île,micro-crèche (PAJE),privé,SAS Île,5 rue Sud,44200,Nantes,44109,47.20,-1.54,"
    '"lundi, mardi, mercredi, jeudi, vendredi",7h15,19h00,12,régulier,non,non,non,0,,,,oui,'
    '"mixte:Section unique:2-36:12"',
]
BAD_ROW = (
    "le-phare,Crèche Le Phare,creche_collective,municipal,Ville,1 rue Est,44000,Nantes,44109,47.22,-1.56,"
    '"lundi",07:30,18:30,beaucoup,regulier,non,non,non,2,,,,oui,"bebes:Bébés:2-18:10"'
)


def csv_file(rows, name="etablissements.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, ("\n".join([HEADER, *rows]) + "\n").encode(encoding), content_type="text/csv")


def xlsx_file(rows):
    dataset = tablib.Dataset().load("\n".join([HEADER, *rows]), format="csv")
    return SimpleUploadedFile("etablissements.xlsx", dataset.export("xlsx"), content_type="application/octet-stream")


@pytest.fixture
def agent(alpha):
    return client_for(alpha, staff_in(alpha, "agent@alpha.test", [Role.AGENT]))


def slugs_in(collectivite):
    with tenant_context(collectivite):
        slugs = set(Establishment.objects.values_list("slug", flat=True))
    connection.set_schema_to_public()
    return slugs


def check_then_import(client, upload):
    checked = client.post("/gestion/etablissements/import/", {"file": upload})
    assert checked.status_code == 200
    token = checked.context.get("token")
    assert token, checked.context.get("problems")
    return client.post("/gestion/etablissements/import/", {"token": token})


def test_a_good_csv_is_checked_then_imported_with_its_sections(alpha, agent):
    checked = agent.post("/gestion/etablissements/import/", {"file": csv_file(GOOD_ROWS)})
    assert "toutes les lignes sont valides" in html.unescape(checked.content.decode())
    assert checked.context["created"] == 2
    assert slugs_in(alpha) == set()  # checking writes nothing
    response = agent.post("/gestion/etablissements/import/", {"token": checked.context["token"]})
    assert response.status_code == 302
    with tenant_context(alpha):
        mouettes = Establishment.objects.get(slug="les-mouettes")
        assert mouettes.opening_days == [0, 1, 2, 3, 4]
        assert mouettes.care_kinds == ["regulier", "occasionnel"]
        assert mouettes.disability_friendly is True
        assert [(s.code, s.min_age_months, s.max_age_months, s.capacity) for s in mouettes.sections.all()] == [
            ("bebes", 2, 18, 10),
            ("grands", 18, 48, 30),
        ]
        micro = Establishment.objects.get(slug="micro-l-ile")
        assert micro.type == "micro_creche_paje"
        assert micro.manager == "prive"
        assert micro.opens_at.hour == 7 and micro.opens_at.minute == 15


def test_a_good_xlsx_is_imported(alpha, agent):
    assert check_then_import(agent, xlsx_file(GOOD_ROWS)).status_code == 302
    assert slugs_in(alpha) == {"les-mouettes", "micro-l-ile"}


def test_a_semicolon_csv_from_a_french_spreadsheet_is_read(alpha, agent):
    dataset = tablib.Dataset().load("\n".join([HEADER, *GOOD_ROWS]), format="csv")
    text = dataset.export("csv", delimiter=";")
    upload = SimpleUploadedFile("export.txt", text.encode("cp1252"), content_type="text/plain")
    assert check_then_import(agent, upload).status_code == 302
    assert slugs_in(alpha) == {"les-mouettes", "micro-l-ile"}


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_field(alpha, agent):
    response = agent.post("/gestion/etablissements/import/", {"file": csv_file([GOOD_ROWS[0], BAD_ROW])})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    problems = response.context["problems"]
    assert [(p.line, p.field) for p in problems] == [(3, "capacité d'agrément")]
    assert "« beaucoup » n'est pas un nombre entier." in problems[0].message
    assert "le fichier n'est pas importé" in page
    assert "token" not in response.context
    assert slugs_in(alpha) == set()


def test_sections_beyond_the_capacity_are_reported(alpha, agent):
    row = GOOD_ROWS[0].replace("07:30,18:30,40", "07:30,18:30,30")  # sections hold 40 places
    response = agent.post("/gestion/etablissements/import/", {"file": csv_file([row])})
    problems = response.context["problems"]
    assert [(p.line, p.field) for p in problems] == [(2, "sections")]
    assert "plus que la capacité d'agrément (30)" in problems[0].message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("creche_collective", "crèche géante", "type"),
        (
            '"lundi, mardi, mercredi, jeudi, vendredi",07:30,18:30',
            '"lundi, mardi, mercredi, jeudi, vendredi",19:30,18:30',
            "établissement",
        ),
        ("18:30,40", "18:30,60", "places réservées aux familles en parcours d'insertion"),
        ("2:30", "2:30", "sections"),
        (",Multi-accueil Les Mouettes,", ",,", "nom"),
        (",oui,non,2,", ",peut-être,non,2,", "accueil d'enfants en situation de handicap"),
    ],
)
def test_each_kind_of_bad_value_is_reported_in_french(alpha, agent, old, new, field):
    row = GOOD_ROWS[0].replace(old, new, 1)
    if field == "sections":
        row = row.replace("bebes:Bébés:2-18:10", "bebes:Bébés:18-2:10")
    response = agent.post("/gestion/etablissements/import/", {"file": csv_file([row])})
    problems = response.context["problems"]
    assert problems, field
    assert {p.field for p in problems} == {field}
    assert all(p.line == 2 for p in problems)
    assert slugs_in(alpha) == set()


def test_a_duplicated_identifier_is_reported(alpha, agent):
    response = agent.post("/gestion/etablissements/import/", {"file": csv_file([GOOD_ROWS[0], GOOD_ROWS[0]])})
    problems = response.context["problems"]
    assert [(p.line, p.field) for p in problems] == [(3, "identifiant")]
    assert "ligne 2" in problems[0].message


def test_the_service_never_half_imports(alpha):
    dataset = establishments_dataset("\n".join([HEADER, GOOD_ROWS[0], BAD_ROW]).encode(), "csv")
    with tenant_context(alpha):
        with pytest.raises(ImportRefused) as refused:
            establishments_import(dataset=dataset)
        assert refused.value.problems[0].line == 3
        assert not Establishment.objects.exists()
    connection.set_schema_to_public()


def test_a_binary_file_that_is_neither_csv_nor_xlsx_is_refused(alpha, agent):
    upload = SimpleUploadedFile("etablissements.csv", b"%PDF-1.7\x00\x01\x02", content_type="text/csv")
    response = agent.post("/gestion/etablissements/import/", {"file": upload})
    assert "ni un tableur XLSX ni un fichier CSV" in html.unescape(response.content.decode())


def test_the_export_round_trips_through_the_import(metz, alpha, agent):
    metz_agent = client_for(metz, demo_user(metz, "agent"))
    exported = metz_agent.get("/gestion/etablissements/export.csv")
    assert exported["Content-Type"].startswith("text/csv")
    upload = SimpleUploadedFile("metz.csv", exported.content, content_type="text/csv")
    assert check_then_import(agent, upload).status_code == 302
    assert len(slugs_in(alpha)) == 24
    again = agent.get("/gestion/etablissements/export.csv")
    assert again.content.decode() == exported.content.decode()


def test_the_xlsx_export_holds_the_current_list(metz):
    client = client_for(metz, demo_user(metz, "agent"))
    response = client.get("/gestion/etablissements/export.xlsx", {"q": "Micro-crèche"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("identifiant", "nom")
    assert len(rows) == 1 + 5
    assert all(row[1].startswith("Micro-crèche") for row in rows[1:])


def test_re_importing_updates_instead_of_duplicating(alpha, agent):
    check_then_import(agent, csv_file(GOOD_ROWS))
    changed = GOOD_ROWS[0].replace("Multi-accueil Les Mouettes", "Multi-accueil Les Goélands")
    checked = agent.post("/gestion/etablissements/import/", {"file": csv_file([changed])})
    assert checked.context["updated"] == 1
    agent.post("/gestion/etablissements/import/", {"token": checked.context["token"]})
    with tenant_context(alpha):
        assert Establishment.objects.get(slug="les-mouettes").name == "Multi-accueil Les Goélands"
        assert Establishment.objects.count() == 2
    connection.set_schema_to_public()


def test_the_establishments_export_neutralises_spreadsheet_formulas(alpha, agent):
    check_then_import(agent, csv_file(GOOD_ROWS))
    with tenant_context(alpha):
        Establishment.objects.filter(slug="les-mouettes").update(
            name='=HYPERLINK("http://evil")', manager_name="@SUM(1)", address="+33 rue", longitude="-1.55"
        )
    connection.set_schema_to_public()
    rows = list(
        csv.DictReader(io.StringIO(agent.get("/gestion/etablissements/export.csv").content.decode("utf-8-sig")))
    )
    row = next(row for row in rows if row["identifiant"] == "les-mouettes")
    assert row["nom"] == '\'=HYPERLINK("http://evil")'
    assert row["adresse"] == "'+33 rue"
    assert row["longitude"] == "-1.55000"  # a number stays a number, so that the file re-imports
    sheet = openpyxl.load_workbook(io.BytesIO(agent.get("/gestion/etablissements/export.xlsx").content)).active
    names = [values[1] for values in sheet.values]
    assert '\'=HYPERLINK("http://evil")' in names


def test_the_queue_and_establishments_exports_share_one_neutralisation():
    from creches import services
    from families.views import guichet
    from portal.spreadsheets import spreadsheet_safe

    assert guichet.spreadsheet_safe is spreadsheet_safe
    assert services.dataset_safe.__module__ == "portal.spreadsheets"
    assert spreadsheet_safe("-2+3") == "'-2+3"
    assert spreadsheet_safe("-2") == "-2"
    assert spreadsheet_safe(None) == ""
