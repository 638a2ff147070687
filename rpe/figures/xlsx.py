"""The relais' figures as an XLSX workbook (openpyxl), every text cell made safe from formula injection."""

import io

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.spreadsheets import spreadsheet_safe
from rpe.ateliers.enums import AtelierKind
from rpe.figures.rows import summary_rows
from rpe.inbox.enums import ContactChannel, ContactPerson, ContactTheme


def _cell(value):
    # Labels are lazy translations: a cell takes their text.
    return spreadsheet_safe(str(value) if isinstance(value, Promise) else value)


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_cell(value) for value in header])
    for row in rows:
        sheet.append([_cell(value) for value in row])
    sheet.column_dimensions["A"].width = 48
    return sheet


def figures_workbook(figures):
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, _("Synthèse"), [_("Indicateur"), _("Valeur")], summary_rows(figures))
    _sheet(
        workbook,
        _("Contacts"),
        [_("Catégorie"), _("Valeur"), _("Nombre")],
        [
            *[(_("Public"), ContactPerson(key).label, n) for key, n in figures.contacts_by_person.items()],
            *[(_("Thème"), ContactTheme(key).label, n) for key, n in figures.contacts_by_theme.items()],
            *[(_("Canal"), ContactChannel(key).label, n) for key, n in figures.contacts_by_channel.items()],
        ],
    )
    _sheet(
        workbook,
        _("Ateliers"),
        [_("Type"), _("Séances")],
        [(AtelierKind(key).label, n) for key, n in figures.ateliers_by_kind.items()],
    )
    if figures.appointments:
        _sheet(
            workbook,
            _("Rendez-vous"),
            [_("Catégorie"), _("Valeur"), _("Nombre")],
            [
                *[(_("Motif"), key, n) for key, n in figures.appointments.get("by_motif", {}).items()],
                *[(_("Issue"), key, n) for key, n in figures.appointments.get("by_outcome", {}).items()],
            ],
        )
    if figures.by_month:
        _sheet(
            workbook,
            _("Par mois"),
            [_("Mois"), _("Contacts"), _("Ateliers"), _("Adultes présents"), _("Enfants présents")],
            [
                (row["month"], row["contacts"], row["ateliers"], row["attendance_adults"], row["attendance_children"])
                for row in figures.by_month
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
