"""A PDF that would run something by itself is stored without it; only a clean file is shown inline."""

import io
import subprocess

import pikepdf
import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from pikepdf import Array, Dictionary, Name, String

from families.enums import ApplicationStatus
from families.models import Document, DocumentType
from families.pdf_safety import active_content
from tests.families.factories import ApplicationFactory, DocumentFactory, application_in, family_in, pdf_bytes, upload
from tests.families.test_guichet import staff_in
from tests.utils import client_for


def crafted(change):
    """A readable one-page PDF ("Justificatif") with `change(pdf)` applied."""
    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        change(pdf)
        output = io.BytesIO()
        pdf.save(output)
    return output.getvalue()


def open_action_javascript(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('pirate')")))


def launch_link(pdf):
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 200, 200]),
        A=Dictionary(S=Name.Launch, F=String("C:\\Windows\\System32\\calc.exe")),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(link)]))


def embedded_file(pdf):
    pdf.attachments["facture.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not really a program")


def document_javascript(pdf):
    script = Dictionary(S=Name.JavaScript, JS=String("this.submitForm('https://exemple.org')"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("x"), pdf.make_indirect(script)])))
    pdf.pages[0].obj.AA = Dictionary(O=pdf.make_indirect(script))


ACTIVE = {
    "an /OpenAction with /JS": (open_action_javascript, "open-action"),
    "a /Launch link": (launch_link, "annotation-action"),
    "an embedded file": (embedded_file, "embedded-files"),
    "document and page scripts": (document_javascript, "javascript"),
}


@pytest.mark.parametrize("case", ACTIVE, ids=list(ACTIVE))
def test_the_crafted_pdfs_are_active_to_begin_with(case):
    change, kind = ACTIVE[case]
    with pikepdf.open(io.BytesIO(crafted(change))) as pdf:
        assert kind in active_content(pdf)


def pdf_text(content, tmp_path):
    path = tmp_path / "piece.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607


@pytest.mark.parametrize("case", ACTIVE, ids=list(ACTIVE))
def test_an_active_pdf_is_stored_without_its_active_content_and_still_reads(alpha, tmp_path, case):
    change, _kind = ACTIVE[case]
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    with tenant_context(alpha):
        kind = DocumentType.objects.get(code="domicile")
    connection.set_schema_to_public()
    client = client_for(alpha, user)
    response = client.post(
        f"/famille/demandes/{application.pk}/pieces/",
        {"document_type": kind.pk, "file": upload("avis.pdf", crafted(change))},
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        document = Document.objects.get(application=application)
        stored = document.file.read()
        document.file.close()
    connection.set_schema_to_public()
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert active_content(pdf) == []
        assert not pdf.attachments
    assert b"app.alert" not in stored and b"calc.exe" not in stored and b"MZ\x90" not in stored
    assert "Justificatif" in pdf_text(stored, tmp_path)
    assert document.size == len(stored)
    staff = client_for(alpha, staff_in(alpha))
    shown = staff.get(f"/guichet/pieces/{document.pk}/fichier")
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content) == stored


def test_a_pdf_stored_active_before_cleaning_existed_is_only_offered_for_download(alpha):
    with tenant_context(alpha):
        document = DocumentFactory(application=ApplicationFactory(), content=crafted(open_action_javascript))
    connection.set_schema_to_public()
    response = client_for(alpha, staff_in(alpha)).get(f"/guichet/pieces/{document.pk}/fichier")
    response.close()
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_password_protected_pdf_is_refused_with_a_french_message(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child)
    with tenant_context(alpha):
        kind = DocumentType.objects.get(code="domicile")
    connection.set_schema_to_public()
    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        output = io.BytesIO()
        pdf.save(output, encryption=pikepdf.Encryption(owner="secret", user="secret"))
    response = client_for(alpha, user).post(
        f"/famille/demandes/{application.pk}/pieces/",
        {"document_type": kind.pk, "file": upload("avis.pdf", output.getvalue())},
    )
    assert response.status_code == 400
    assert "protégé par un mot de passe" in response.content.decode()
