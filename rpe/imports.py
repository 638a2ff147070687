"""Import of the département's agrément list: a per-row French report, then all or nothing.

Matched on the agrément number: new numbers create AM, known ones update them, AM of the importer's
relais absent from the list are archived with the date (kept: the observatoire counts arrivals and
departures). Rows of communes no relais of the importer covers are ignored: the département's list
covers the whole département.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creches.services import establishments_dataset
from portal.workflows import Actor
from rpe.enums import ActivityStatus
from rpe.models import AssistantMaternel, Relais
from rpe.resources import COLUMNS, AgrementResource
from rpe.services import activity_changes
from rpe.workflows import ACTIVITY

read_dataset = establishments_dataset  # any CSV (UTF-8 or Windows-1252, ; or ,) or XLSX into a Dataset


@dataclass
class ReportLine:
    line: int | None
    number: str
    name: str
    kind: str  # import-export's: new, update, skip, error, invalid
    action: str
    problems: list = field(default_factory=list)


@dataclass
class ImportReport:
    lines: list
    archived: list  # AM absent from the list, archived by the import
    returning: list = field(default_factory=list)  # archived AM back on the list, in activity again

    @property
    def problems(self):
        return [line for line in self.lines if line.problems]

    @property
    def ok(self):
        return not self.problems

    def count(self, kind):
        return sum(1 for line in self.lines if line.kind == kind)


class ImportRefused(Exception):
    def __init__(self, report):
        super().__init__(report)
        self.report = report


def _report(dataset, result):
    labels = {
        "new": _("à créer"),
        "update": _("à mettre à jour"),
        "skip": _("hors de vos communes : ignorée"),
        "error": _("refusée"),
        "invalid": _("refusée"),
    }
    if result.base_errors:
        messages = []
        for error in result.base_errors:
            exception = error.error
            messages.append(" ".join(exception.messages) if isinstance(exception, ValidationError) else str(exception))
        return [ReportLine(None, "", _("fichier"), "error", _("refusé"), messages)]
    number_column, last, first = COLUMNS["agrement_number"], COLUMNS["last_name"], COLUMNS["first_name"]
    lines = []
    for index, row in enumerate(result.rows):
        values = dataset.dict[index] if index < len(dataset) else {}
        problems = []
        if row.validation_error is not None:
            for attribute, messages in row.validation_error.message_dict.items():
                label = AgrementResource.field_label(attribute)
                problems += [f"{label} : {message}" for message in messages]
        problems += [_("Erreur à l'enregistrement : %(error)s") % {"error": error.error} for error in row.errors]
        lines.append(
            ReportLine(
                index + 2,
                str(values.get(number_column) or ""),
                f"{values.get(first) or ''} {values.get(last) or ''}".strip(),
                row.import_type,
                labels.get(row.import_type, row.import_type),
                problems,
            )
        )
    return lines


def _numbers(dataset):
    return {str(value).strip() for value in dataset[COLUMNS["agrement_number"]] if value not in (None, "")}


def _absent(dataset, relais):
    ams = AssistantMaternel.objects.filter(relais__in=relais).exclude(activity_status=ActivityStatus.ARCHIVED)
    return ams.exclude(agrement_number__in=_numbers(dataset))


def _returning(dataset, relais):
    ams = AssistantMaternel.objects.filter(relais__in=relais, activity_status=ActivityStatus.ARCHIVED)
    return ams.filter(agrement_number__in=_numbers(dataset))


def _run(dataset, *, collectivite, relais, dry_run, today):
    relais = list(relais if relais is not None else Relais.objects.all())
    resource = AgrementResource(collectivite=collectivite, today=today, relais=relais)
    result = resource.import_data(
        dataset, dry_run=dry_run, raise_errors=False, use_transactions=True, rollback_on_validation_errors=True
    )
    if COLUMNS["agrement_number"] not in (dataset.headers or []):
        return ImportReport(_report(dataset, result), [])
    return ImportReport(
        _report(dataset, result),
        archived=list(_absent(dataset, relais).order_by("last_name", "first_name")),
        returning=list(_returning(dataset, relais).order_by("last_name", "first_name")),
    )


def agrements_check(*, dataset, collectivite, relais=None, today=None):
    """Every row checked, nothing written: the report says what the import would do.

    `relais`: the importer's relais (rows of other communes are ignored, only their AM may be archived).
    """
    with transaction.atomic():
        report = _run(
            dataset, collectivite=collectivite, relais=relais, dry_run=True, today=today or timezone.localdate()
        )
        transaction.set_rollback(True)
    return report


@transaction.atomic
def agrements_import(*, dataset, collectivite, relais=None, today=None):
    """Import every row or none (any problem rolls the whole file back), then archive the absent AM."""
    today = today or timezone.localdate()
    # The whole directory is locked: two imports do not interleave.
    list(AssistantMaternel.objects.select_for_update().values_list("pk", flat=True))
    report = _run(dataset, collectivite=collectivite, relais=relais, dry_run=False, today=today)
    if not report.ok:
        transaction.set_rollback(True)
        raise ImportRefused(report)
    for status, ams in ((ActivityStatus.ARCHIVED, report.archived), (ActivityStatus.ACTIVE, report.returning)):
        ACTIVITY.transition_many(
            ams,
            status,
            actor=Actor.SYSTEM,
            note=_("liste d'agrément du département"),
            changes=activity_changes(status, today),
        )
    return report
