"""Writes of the creches app that touch several models or must be all-or-nothing."""

from dataclasses import dataclass

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from creches.models import PlaceOpening
from creches.resources import EstablishmentResource
from portal.spreadsheets import dataset_safe


@transaction.atomic
def establishment_save(*, establishment, directors, sections=(), removed_sections=()):
    """The establishment, its directors and its sections (new or changed; some removed), together or not at all."""
    establishment.save()
    establishment.directors.set(directors)
    for section in removed_sections:
        section.delete()
    for section in sections:
        section.establishment = establishment
        section.save()
    return establishment


@transaction.atomic
def place_opening_declare(*, section, count, available_from, declared_by, note=""):
    return PlaceOpening.objects.create(
        section=section, count=count, available_from=available_from, note=note, declared_by=declared_by
    )


@transaction.atomic
def fee_scale_save(*, scale, created_by):
    if scale.pk is None:
        scale.created_by = created_by
    scale.save()
    return scale


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    field: str
    message: str


def establishments_dataset(content, file_format):
    """Read an uploaded file into a tablib Dataset, or say in French why it cannot be read."""
    try:
        if file_format == "xlsx":
            return tablib.Dataset().load(content, format="xlsx")
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheets in France often save CSV in Windows-1252.
            text = content.decode("cp1252")
        header = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if header.count(";") > header.count(",") else ","
        return tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except Exception as error:  # noqa: BLE001 - any parser failure is a bad file for the person
        raise ValidationError(_("Le fichier n'a pas pu être lu : est-ce bien un CSV ou un XLSX ?")) from error


def import_problems(result):
    """Every problem of an import result as (line of the file, field, French message)."""
    problems = []
    for error in result.base_errors:
        exception = error.error
        message = " ".join(exception.messages) if isinstance(exception, ValidationError) else str(exception)
        problems.append(ImportProblem(None, _("fichier"), message))
    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            for message in messages:
                problems.append(
                    ImportProblem(invalid.number + 1, str(EstablishmentResource.field_label(attribute)), str(message))
                )
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(
                ImportProblem(
                    number + 1, _("ligne"), _("Erreur à l'enregistrement : %(error)s") % {"error": error.error}
                )
            )
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.field))


def establishments_import_check(*, dataset):
    """Validate every row without writing anything; returns (problems, rows to create, rows to update)."""
    result = EstablishmentResource().import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True)
    problems = import_problems(result)
    return problems, result.totals.get("new", 0), result.totals.get("update", 0)


class ImportRefused(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


@transaction.atomic
def establishments_import(*, dataset):
    """Import every row or none: any problem rolls the whole file back."""
    result = EstablishmentResource().import_data(
        dataset, dry_run=False, raise_errors=False, use_transactions=True, rollback_on_validation_errors=True
    )
    problems = import_problems(result)
    if problems:
        transaction.set_rollback(True)
        raise ImportRefused(problems)
    return result.totals.get("new", 0), result.totals.get("update", 0)


def establishments_export(establishments, file_format):
    dataset = EstablishmentResource().export(queryset=establishments.prefetch_related("sections"))
    return dataset_safe(dataset).export(file_format)
