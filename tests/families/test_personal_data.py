import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus
from families.models import Application, Child, Document, DocumentType
from families.services import retention_purge
from tests.families.factories import application_in, family_in, pdf_bytes, upload
from tests.utils import client_for


def test_a_family_downloads_everything_about_its_foyer_and_nothing_else(alpha):
    user, family, child = family_in(alpha, "a@alpha.test")
    application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    _other, other_family, other_child = family_in(alpha, "b@alpha.test")
    other = application_in(alpha, other_family, other_child, status=ApplicationStatus.DEPOSEE)
    response = client_for(alpha, user).get("/famille/mes-donnees/")
    assert response.status_code == 200
    data = response.json()
    assert data["foyer"]["commune"] == "Nantes"
    assert data["enfants"][0]["prenom"] == "Lou"
    assert len(data["demandes"]) == 1
    assert other.number not in response.content.decode()


def test_closed_requests_are_erased_with_their_files_after_the_retention_period(
    alpha, django_capture_on_commit_callbacks
):
    user, family, child = family_in(alpha)
    old = application_in(alpha, family, child, status=ApplicationStatus.ANNULEE)
    recent = application_in(alpha, family, child, status=ApplicationStatus.EXPIREE)
    waiting = application_in(alpha, family, child, status=ApplicationStatus.COMPLETE)
    with tenant_context(alpha):
        document = Document(application=old, document_type=DocumentType.objects.first(), original_name="a.pdf",
                            content_type="application/pdf", size=1, sha256="0" * 64)  # fmt: skip
        document.file.save("a.pdf", upload("a.pdf", pdf_bytes()), save=False)
        document.save()
        path = document.file.path
        long_ago = timezone.now() - datetime.timedelta(days=800)
        Application.objects.filter(pk__in=[old.pk, waiting.pk]).update(status_changed_at=long_ago)
        with django_capture_on_commit_callbacks(execute=True):
            assert retention_purge() == 1
        assert not Application.objects.filter(pk=old.pk).exists()
        assert Application.objects.filter(pk__in=[recent.pk, waiting.pk]).count() == 2
        assert Child.objects.filter(pk=child.pk).exists()  # still has requests
    connection.set_schema_to_public()
    assert path.startswith(str(settings.MEDIA_ROOT))
    import os

    assert not os.path.exists(path)


def test_the_purge_keeps_a_past_session_s_dossier_anonymous(alpha):
    from commissions.models import Dossier, Regulation, Session

    user, family, child = family_in(alpha)
    closed = application_in(alpha, family, child, status=ApplicationStatus.ADMISE)
    with tenant_context(alpha):
        regulation = Regulation.objects.create(
            version=1, title="Règlement", status="adopted", adopted_on=timezone.localdate(), deliberation="DCM 1"
        )
        session = Session.objects.create(date=timezone.localdate(), title="Commission", places_until=timezone.localdate(),
                                         regulation=regulation, chair=user)  # fmt: skip
        dossier = Dossier.objects.create(session=session, application=closed, number="S1-0001", age_months=10,
                                         section_code="bebes", score=12)  # fmt: skip
        Application.objects.filter(pk=closed.pk).update(
            status_changed_at=timezone.now() - datetime.timedelta(days=900)
        )
        assert retention_purge() == 1
        dossier.refresh_from_db()
        assert dossier.application is None
        assert dossier.score == 12
    connection.set_schema_to_public()
