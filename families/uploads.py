"""Checking uploaded pieces by their content, never by their name."""

import hashlib
import warnings
from typing import NamedTuple

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from families.pdf_safety import UnreadablePdf, pdf_cleaned

MAX_SIZE = 10 * 1024 * 1024
ACCEPTED = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}


class CheckedUpload(NamedTuple):
    content_type: str
    sha256: str
    file: File  # what to store: a PDF rewritten without its active content, an image as sent


def inspect_upload(upload):
    """Return the CheckedUpload of an acceptable upload, else raise a French ValidationError."""
    if upload.size == 0:
        raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": upload.name})
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » dépasse 10 Mo : réduisez-le (numérisation en 150 points par pouce) et recommencez."
            )
            % {"name": upload.name}
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(262))
    upload.seek(0)
    if kind is None or kind.mime not in ACCEPTED:
        raise ValidationError(
            _("Le fichier « %(name)s » n'est ni un PDF, ni une image JPEG ou PNG.") % {"name": upload.name}
        )
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ACCEPTED[kind.mime]:
        raise ValidationError(
            _("Le nom du fichier « %(name)s » ne correspond pas à son contenu (%(kind)s).")
            % {"name": upload.name, "kind": kind.extension.upper()}
        )
    if kind.mime == "application/pdf":
        stored = ContentFile(_cleaned_pdf(upload), name=upload.name)
    else:
        _check_image(upload)
        stored = upload
    digest = hashlib.sha256()
    for chunk in stored.chunks():
        digest.update(chunk)
    stored.seek(0)
    return CheckedUpload(kind.mime, digest.hexdigest(), stored)


def _cleaned_pdf(upload):
    """The PDF repaired and without scripts, launched programs or embedded files (families.pdf_safety)."""
    try:
        return pdf_cleaned(upload)
    except UnreadablePdf as error:
        if "password" in str(error).lower():
            raise ValidationError(
                _("Le PDF « %(name)s » est protégé par un mot de passe : enregistrez-le sans protection.")
                % {"name": upload.name}
            ) from error
        raise ValidationError(_("Le PDF « %(name)s » est illisible ou endommagé.") % {"name": upload.name}) from error
    finally:
        upload.seek(0)


def _check_image(upload):
    try:
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: a warning refuses the image too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _(
                "L'image « %(name)s » compte trop de pixels : enregistrez-la en plus petit (numérisation "
                "en 150 points par pouce) et recommencez."
            )
            % {"name": upload.name}
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(
            _("L'image « %(name)s » est illisible ou endommagée.") % {"name": upload.name}
        ) from error
    finally:
        upload.seek(0)
