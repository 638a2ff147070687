import datetime
import re
import subprocess

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from families.enums import Actor, ApplicationStatus
from families.models import Application, Document, DocumentType, Message, StatusChange
from families.services import application_transition, renewal_expire_overdue, renewal_remind_due
from tests.families.factories import application_in, child_in, establishment_in, family_in, pdf_bytes, upload
from tests.utils import client_for


@pytest.fixture
def two_families(alpha):
    establishment = establishment_in(alpha)
    first = family_in(alpha, "premiere@alpha.test")
    second = family_in(alpha, "seconde@alpha.test")
    applications = [
        application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE, establishment=establishment)
        for _user, family, child in (first, second)
    ]
    with tenant_context(alpha):
        kind = DocumentType.objects.get(code="domicile")
        document = Document(application=applications[1], document_type=kind, original_name="x.pdf",
                            content_type="application/pdf", size=10, sha256="0" * 64)  # fmt: skip
        document.file.save("x.pdf", upload("x.pdf", pdf_bytes()), save=False)
        document.save()
        Application.objects.filter(pk=applications[1].pk).update(attestation=document.file.name)
    connection.set_schema_to_public()
    return first[0], applications[1], document, establishment


def other_family_urls(application, document):
    pk = application.pk
    return {
        "get": [
            f"/famille/demandes/{pk}/",
            f"/famille/demandes/{pk}/modifier/",
            f"/famille/demandes/{pk}/attestation.pdf",
            f"/famille/pieces/{document.pk}/",
            f"/famille/enfants/{application.child_id}/",
            f"/famille/enfants/{application.child_id}/demande/",
            f"/api/v1/demandes/{pk}/",
        ],
        "post": [
            f"/famille/demandes/{pk}/modifier/",
            f"/famille/demandes/{pk}/pieces/",
            f"/famille/demandes/{pk}/deposer/",
            f"/famille/demandes/{pk}/relancer/",
            f"/famille/demandes/{pk}/annuler/",
            f"/famille/demandes/{pk}/messages/",
            f"/famille/enfants/{application.child_id}/",
        ],
    }


def test_a_family_can_never_read_or_change_another_family_s_request(alpha, two_families):
    intruder, victim_application, document, _establishment = two_families
    client = client_for(alpha, intruder)
    urls = other_family_urls(victim_application, document)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        response = client.post(url, {"body": "x", "reason": "x", "consent": "on", "first_name": "X", "born": "1"})
        assert response.status_code == 404, url
    assert (
        client.patch(f"/api/v1/demandes/{victim_application.pk}/", {}, content_type="application/json").status_code
        == 404
    )
    with tenant_context(alpha):
        unchanged = Application.objects.get(pk=victim_application.pk)
        assert unchanged.status == ApplicationStatus.DEPOSEE
        assert not Message.objects.filter(application=unchanged).exists()
        assert Document.objects.filter(application=unchanged).count() == 1
    listed = client.get("/api/v1/demandes/").json()
    assert victim_application.number not in str(listed)


def test_staff_of_another_collectivite_and_its_families_see_nothing(alpha, beta, two_families):
    _intruder, application, document, _establishment = two_families
    _user, _family, _child = family_in(beta, "famille@beta.test")
    client = client_for(beta, _user)
    for url in other_family_urls(application, document)["get"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("local_part", ["agent", "am", "elu", "commission", "animatrice", "directrice", "admin"])
def test_family_pages_are_for_families_only(metz, local_part):
    from tests.utils import demo_user

    client = client_for(metz, demo_user(metz, local_part))
    assert client.get("/famille/").status_code == 403
    assert client.get("/api/v1/demandes/").status_code == 403


def test_a_parent_files_a_request_and_gets_an_attestation_with_its_number_and_date(
    alpha, tmp_path, django_capture_on_commit_callbacks
):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    client = client_for(alpha, user)
    start = (timezone.localdate() + datetime.timedelta(days=70)).replace(day=1)
    response = client.post(
        f"/famille/enfants/{child.pk}/demande/",
        {"kind": "regulier", "desired_start": start.isoformat(), "mon_start": "08:00", "mon_end": "17:00",
         "thu_start": "08:30", "thu_end": "16:00", "wants_collective": "on", "wish_1": establishment.pk},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(alpha):
        application = Application.objects.get(child=child)
        assert application.status == ApplicationStatus.BROUILLON
        assert float(application.weekly_hours) == 16.5
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/famille/demandes/{application.pk}/deposer/", {"consent": "on"})
    assert response.status_code == 302
    with tenant_context(alpha):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DEPOSEE
        assert application.renewal_due_on is not None
    connection.set_schema_to_public()
    assert any(application.number in message.subject for message in mail.outbox)
    pdf = client.get(f"/famille/demandes/{application.pk}/attestation.pdf")
    assert pdf.status_code == 200
    path = tmp_path / "attestation.pdf"
    path.write_bytes(b"".join(pdf.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert application.number in text
    assert timezone.localtime(application.submitted_at).strftime("%d/%m/%Y") in text
    assert establishment.name in text


def test_submission_without_consent_is_refused_and_nothing_changes(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, establishment=establishment_in(alpha))
    response = client_for(alpha, user).post(f"/famille/demandes/{application.pk}/deposer/", {})
    assert response.status_code == 400
    assert "Votre accord est nécessaire" in response.content.decode()
    with tenant_context(alpha):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.BROUILLON


def test_a_request_asking_an_establishment_that_does_not_take_the_child_s_age_is_refused(alpha):
    establishment = establishment_in(alpha)
    user, _family, child = family_in(alpha)
    start = (timezone.localdate() + datetime.timedelta(days=2000)).isoformat()
    response = client_for(alpha, user).post(
        f"/famille/enfants/{child.pk}/demande/",
        {"kind": "regulier", "desired_start": start, "mon_start": "08:00", "mon_end": "17:00", "wants_collective": "on",
         "wish_1": establishment.pk},
    )  # fmt: skip
    assert response.status_code == 400
    assert "plus de trois ans" in response.content.decode()
    with tenant_context(alpha):
        assert not Application.objects.filter(child=child).exists()


def test_editing_a_complete_request_in_a_way_that_matters_sends_it_back_to_instruction(alpha):
    establishment = establishment_in(alpha)
    other = establishment_in(alpha, "les-petits-pas")
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.COMPLETE, establishment=establishment)
    client = client_for(alpha, user)
    data = {"kind": "regulier", "desired_start": application.desired_start.isoformat(), "mon_start": "08:00",
            "mon_end": "17:00", "tue_start": "08:00", "tue_end": "17:00", "wants_collective": "on",
            "wish_1": establishment.pk, "comment": "Juste un commentaire"}  # fmt: skip
    assert client.post(f"/famille/demandes/{application.pk}/modifier/", data).status_code == 302
    with tenant_context(alpha):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.COMPLETE
    connection.set_schema_to_public()
    data["wish_2"] = other.pk
    assert client.post(f"/famille/demandes/{application.pk}/modifier/", data).status_code == 302
    with tenant_context(alpha):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DEPOSEE
        last = StatusChange.objects.filter(subject=application).last()
        assert (last.from_status, last.to_status, last.actor) == (
            ApplicationStatus.COMPLETE,
            ApplicationStatus.DEPOSEE,
            Actor.FAMILY,
        )
        assert "vœux" in last.note


def test_the_dashboard_runs_a_bounded_number_of_queries(alpha, django_assert_max_num_queries):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    client = client_for(alpha, user)
    application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE, establishment=establishment)
    with django_assert_max_num_queries(16):
        assert client.get("/famille/").status_code == 200
    for index in range(8):
        sibling = child_in(alpha, family, first_name=f"Enfant {index}")
        application_in(alpha, family, sibling, status=ApplicationStatus.COMPLETE, establishment=establishment)
    with django_assert_max_num_queries(16):
        assert client.get("/famille/").status_code == 200


def test_renewal_reminder_then_one_click_confirmation_then_expiry_of_the_others(
    alpha, django_capture_on_commit_callbacks
):
    user, family, child = family_in(alpha)
    kept = application_in(alpha, family, child, status=ApplicationStatus.COMPLETE)
    forgotten = application_in(alpha, family, child_in(alpha, family), status=ApplicationStatus.LISTE_ATTENTE)
    today = timezone.localdate()
    with tenant_context(alpha):
        Application.objects.filter(pk__in=[kept.pk, forgotten.pk]).update(renewal_due_on=today)
        with django_capture_on_commit_callbacks(execute=True):
            assert renewal_remind_due(today) == 2
            assert renewal_remind_due(today) == 0  # reminded once only
    connection.set_schema_to_public()
    link = next(m for m in mail.outbox if kept.number in m.subject).body
    path = re.search(r"http://alpha\.localhost:8000(/renouvellement/\S+/)", link).group(1)
    anonymous = client_for(alpha)
    assert anonymous.get(path).status_code == 200
    assert "reste en attente" in anonymous.post(path).content.decode()
    with tenant_context(alpha):
        kept.refresh_from_db()
        assert kept.renewal_due_on > today
        assert renewal_expire_overdue(today + datetime.timedelta(days=31)) == 1
        assert Application.objects.get(pk=forgotten.pk).status == ApplicationStatus.EXPIREE
        assert Application.objects.get(pk=kept.pk).status == ApplicationStatus.COMPLETE
    connection.set_schema_to_public()
    assert client_for(alpha).get("/renouvellement/faux-jeton/").status_code == 404


def test_messages_between_family_and_guichet(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    client = client_for(alpha, user)
    assert client.post(f"/famille/demandes/{application.pk}/messages/", {"body": " "}).status_code == 400
    assert client.post(f"/famille/demandes/{application.pk}/messages/", {"body": "Bonjour"}).status_code == 302
    with tenant_context(alpha):
        assert Message.objects.get(application=application).from_family


def test_cancelling_is_logged_with_the_family_s_reason(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    response = client_for(alpha, user).post(f"/famille/demandes/{application.pk}/annuler/", {"reason": "Déménagement"})
    assert response.status_code == 302
    with tenant_context(alpha):
        change = StatusChange.objects.get(subject=application)
        assert (change.to_status, change.note) == (ApplicationStatus.ANNULEE, "Déménagement")
        with pytest.raises(Exception, match="ne peut pas passer"):
            application_transition(application=application, to_status=ApplicationStatus.DEPOSEE, actor=Actor.FAMILY)
