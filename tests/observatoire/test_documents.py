"""The annual report and the guide petite enfance, read back as text; the guide URL never serves a partial file."""

import datetime
import io

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from creches.models import Establishment
from observatoire import documents
from observatoire.enums import BuildState, ReportSection
from observatoire.models import GuideDocument, ReportComment
from portal.accounts.roles import Role
from rpe.ateliers.enums import AtelierKind
from rpe.models import AtelierProgramme, Relais
from tests.observatoire.factories import hand_computed_world, territory
from tests.observatoire.test_pages import staff
from tests.rpe.factories import LieuFactory, MotifFactory, PlageFactory, RelaisFactory
from tests.utils import client_for

YEAR = timezone.localdate().year


def read(field):
    with field.open("rb") as file:
        return file.read()


def text_of(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def world(alpha, settings):
    settings.OBSERVATOIRE_GUIDE_DEBOUNCE_SECONDS = 0
    territory(alpha)
    alpha.save(update_fields=["communes"])
    with tenant_context(alpha):
        hand_computed_world()
    connection.set_schema_to_public()
    return alpha


def test_the_report_carries_the_year_s_figures_comments_and_secrecy(world):
    with tenant_context(world):
        ReportComment.objects.create(year=YEAR, section=ReportSection.COVERAGE, text="La couverture progresse à Rezé.")
        version = documents.report_build(YEAR)
        pdf = read(version.file)
        second = documents.report_build(YEAR)
    connection.set_schema_to_public()
    assert second.version == version.version + 1
    assert pdf.startswith(b"%PDF")
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]  # tagged (PDF/UA)
    text = text_of(pdf)
    flat = " ".join(text.split())
    assert f"rapport annuel {YEAR}" in flat
    assert "La couverture progresse à Rezé." in flat
    assert "28,3" in text  # the territory's coverage rate
    reze = [line.split() for line in text.splitlines() if line.startswith("Rezé ")]
    assert len(reze) >= 5
    assert all("3" not in line for line in reze), reze  # Rezé's 3 requests are secret ("s") in every table


def test_the_report_url_answers_503_then_serves_the_built_pdf(world):
    client = client_for(world, staff(world, Role.ELU, "elu-rapport@alpha.test"))
    with tenant_context(world):
        documents.report_build(YEAR)
    connection.set_schema_to_public()
    response = client.get(f"/observatoire/rapport-{YEAR}.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_the_guide_names_every_active_establishment_and_relais_in_french_and_english(world):
    with tenant_context(world):
        documents.guide_build("fr")
        documents.guide_build("en")
        names = list(Establishment.objects.active().values_list("name", flat=True))
        relais = list(Relais.objects.values_list("name", flat=True))
        french = text_of(read(GuideDocument.objects.get(language="fr").file))
        english = text_of(read(GuideDocument.objects.get(language="en").file))
    connection.set_schema_to_public()
    flat = " ".join(french.split())
    for name in [*names, *relais]:
        assert " ".join(name.split()) in flat, name
    assert "Guide petite enfance" in french
    assert english  # same template, English catalogue


def test_the_guide_url_answers_503_with_retry_after_until_the_first_build_is_complete(world):
    client = client_for(world)
    with tenant_context(world):
        GuideDocument.objects.all().delete()
    connection.set_schema_to_public()
    response = client.get("/guide-petite-enfance.pdf")
    assert response.status_code == 503
    assert response["Retry-After"]
    with tenant_context(world):
        documents.guide_build("fr")
    connection.set_schema_to_public()
    response = client.get("/guide-petite-enfance.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_the_previous_guide_is_served_while_a_new_build_runs_and_a_failed_build_changes_nothing(world, monkeypatch):
    client = client_for(world)
    with tenant_context(world):
        documents.guide_build("fr")
        before = GuideDocument.objects.get(language="fr").file.name
        served_during_build = []

        def slow_pdf(html):
            # While the new file is drawn, the URL's view still finds the previous complete one.
            current = documents.guide_current("fr")
            served_during_build.append((current.file.name, read(current.file)[:4]))
            raise RuntimeError("WeasyPrint a échoué")

        monkeypatch.setattr(documents, "write_pdf", slow_pdf)
        with pytest.raises(RuntimeError):
            documents.guide_build("fr")
        guide = GuideDocument.objects.get(language="fr")
        assert guide.file.name == before
        assert guide.state == BuildState.FAILED
    connection.set_schema_to_public()
    assert served_during_build == [(before, b"%PDF")]
    response = client.get("/guide-petite-enfance.pdf")
    assert response.status_code == 200
    response.close()


def test_a_data_change_marks_the_guide_stale_and_the_sweep_rebuilds_it_once(world):
    with tenant_context(world):
        documents.guide_build("fr")
        built = GuideDocument.objects.get(language="fr").built_at
        Establishment.objects.filter(slug="obs-reze").first().save()
        guide = GuideDocument.objects.get(language="fr")
        assert guide.stale_since is not None and guide.stale_since > guide.built_for
        assert documents.guide_build_if_due("fr") == "built"
        assert documents.guide_build_if_due("fr") == "up to date"
        assert GuideDocument.objects.get(language="fr").built_at > built
    connection.set_schema_to_public()


def test_only_one_guide_build_runs_at_a_time_per_collectivite(world):
    from django.db import connections

    with tenant_context(world):
        Establishment.objects.filter(slug="obs-reze").first().save()
        other = connections.create_connection("default")
        key = f"{connection.schema_name}:guide"
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
            assert documents.guide_build_if_due("fr") == "busy"
            # Released by the other holder itself: closing its connection frees the lock only once the
            # server has ended that backend, a moment after close() returns.
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])
        finally:
            other.close()
        assert documents.guide_build_if_due("fr") == "built"
    connection.set_schema_to_public()


def test_each_session_shows_the_period_s_synthesis_and_its_minutes_carry_it(metz):
    from commissions.models import Session
    from commissions.pdf import minutes_pdf

    with tenant_context(metz):
        session = Session.objects.order_by("date").last()
        text = " ".join(text_of(minutes_pdf(session, metz)).split())
    connection.set_schema_to_public()
    assert "Synthèse de la période" in text
    assert "Demandes déposées sur la période" in text
    from tests.utils import demo_user

    html = client_for(metz, demo_user(metz, "agent")).get(f"/gestion/commissions/{session.pk}/").content.decode()
    assert "Synthèse de la période" in html and "Arrivées en établissement" in html


def test_the_guide_gives_each_relais_its_permanences_and_its_atelier_programmes(world):
    with tenant_context(world):
        relais = Relais.objects.order_by("pk").first() or RelaisFactory()
        lieu = LieuFactory(relais=relais, name="Maison des familles du Bocage")
        PlageFactory(lieu=lieu, motifs=[MotifFactory(relais=relais)], first_day=datetime.date(2026, 12, 1))
        AtelierProgramme.objects.create(
            relais=relais,
            kind=AtelierKind.EARLY_LEARNING,
            title="Matinée d'éveil des Lucs",
            code_insee="85129",
            place_name="Salle Saint-Pierre",
            seats_adults=8,
            seats_children=16,
            weekday=1,
            start_time=datetime.time(9, 30),
            end_time=datetime.time(11, 30),
            first_date=datetime.date(2026, 9, 1),
            last_date=datetime.date(2027, 7, 3),
        )
        documents.guide_build("fr")
        french = " ".join(text_of(read(GuideDocument.objects.get(language="fr").file)).split())
    connection.set_schema_to_public()
    assert "Maison des familles du Bocage — le mardi, 09:00–12:00 (chaque semaine)" in french
    assert "Matinée d'éveil des Lucs (Salle Saint-Pierre) — le mardi, 09:30–11:30 (chaque semaine)" in french
