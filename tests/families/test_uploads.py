"""Pieces are checked by their content and size: a bad file gets a French message and nothing is stored."""

import os

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from families.models import Document, DocumentType
from tests.families.factories import application_in, family_in, pdf_bytes, png_bytes, upload
from tests.utils import client_for


def stored_files(collectivite):
    root = settings.MEDIA_ROOT / collectivite.schema_name / "documents"
    return sorted(os.path.join(path, name) for path, _dirs, names in os.walk(root) for name in names)


@pytest.fixture
def draft(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child)
    with tenant_context(alpha):
        kind = DocumentType.objects.get(code="domicile")
    connection.set_schema_to_public()
    return client_for(alpha, user), application, kind


def png_header(width, height):
    """A PNG that announces width × height pixels in a few bytes (what a decompression bomb does)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


BAD_FILES = [
    ("a PNG named .pdf", "justificatif.pdf", png_bytes(), "ne correspond pas à son contenu"),
    ("a PDF named .png", "photo.png", pdf_bytes(), "ne correspond pas à son contenu"),
    ("an empty file", "vide.pdf", b"", "est vide"),
    ("a truncated PDF", "abime.pdf", pdf_bytes()[:300], "illisible ou endommagé"),
    ("a text file", "notes.pdf", b"hello, this is not a pdf at all" * 20, "ni un PDF"),
    ("a decompression bomb", "bombe.png", png_header(30000, 30000), "trop de pixels"),
    ("an image just over Pillow's warning", "grande.png", png_header(10000, 10000), "trop de pixels"),
    ("an oversized PDF", "gros.pdf", pdf_bytes() + b"\n%" + b"0" * (10 * 1024 * 1024), "dépasse 10 Mo"),
]


@pytest.mark.parametrize(("case", "name", "content", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_file_is_refused_with_a_french_message_and_nothing_is_stored(alpha, draft, case, name, content, message):
    client, application, kind = draft
    before = stored_files(alpha)
    response = client.post(
        f"/famille/demandes/{application.pk}/pieces/", {"document_type": kind.pk, "file": upload(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(alpha):
        assert not Document.objects.filter(application=application).exists()
    assert stored_files(alpha) == before


@pytest.mark.parametrize(("name", "content"), [("avis.pdf", pdf_bytes()), ("photo.PNG", png_bytes())])
def test_a_good_file_is_stored_under_its_collectivite_with_a_random_name(alpha, draft, name, content):
    client, application, kind = draft
    response = client.post(
        f"/famille/demandes/{application.pk}/pieces/", {"document_type": kind.pk, "file": upload(name, content)}
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        document = Document.objects.get(application=application)
        assert document.original_name == name
        assert document.file.name.startswith(f"documents/{application.pk}/")
        assert name not in document.file.name
        assert document.file.path.startswith(str(settings.MEDIA_ROOT / "alpha"))
    download = b"".join(client.get(f"/famille/pieces/{document.pk}/").streaming_content)
    # An image is kept as sent; a PDF is rewritten by pikepdf (tests/families/test_pdf_safety.py).
    assert download == content if name.endswith(".PNG") else download.startswith(b"%PDF")
