"""portal.downloads.file_response: every download names its file safely, refuses sniffing, keeps personal files private."""

import io

import pytest

from portal.downloads import file_response, safe_filename


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("attestation-2026-0001.pdf", "attestation-2026-0001.pdf"),
        ("C:\\Users\\moi\\Bulletin de salaire.pdf", "Bulletin de salaire.pdf"),
        ("../../etc/passwd", "passwd"),
        ('avis "2025".pdf', "avis _2025_.pdf"),
        ("ligne\r\nSet-Cookie: x=1.pdf", "ligne_Set-Cookie_ x=1.pdf"),
        ("Relevé CAF — mars.pdf", "Relevé CAF — mars.pdf"),
        ("...", "fichier"),
        ("", "fichier"),
    ],
)
def test_a_file_name_keeps_its_last_part_without_what_could_break_the_header(given, expected):
    assert safe_filename(given) == expected


def test_a_personal_download_is_an_attachment_never_sniffed_nor_cached():
    response = file_response(b"%PDF-1.4", filename="attestation.pdf", content_type="application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="attestation.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"


def test_a_non_ascii_name_is_sent_encoded_and_a_file_can_be_shown_inline():
    response = file_response(io.BytesIO(b"x"), filename="Relevé.pdf", content_type="application/pdf", inline=True)
    assert response["Content-Disposition"] == "inline; filename*=utf-8''Relev%C3%A9.pdf"


def test_a_public_export_may_be_cached():
    response = file_response("a;b", filename="etablissements.csv", content_type="text/csv", personal=False)
    assert "Cache-Control" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
