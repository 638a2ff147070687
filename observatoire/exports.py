"""CSV and XLSX of the published tables: the same values as the pages, hidden cells marked « s »."""

import tablib
from django.utils.translation import gettext as _

from portal.spreadsheets import dataset_safe

SECRET_MARK = "s"  # noqa: S105 - the statistical-secret mark, not a password


def secret_note():
    return _("s : secret statistique (effectif de 1 à 4, ou cellule qui permettrait de le retrouver).")


def table_dataset(table, codes=None):
    header = [table.stub, *[str(column.label) for column in table.columns]]
    dataset = tablib.Dataset(headers=header, title=str(table.title)[:31])
    for row in table.published_rows(codes):
        cells = [SECRET_MARK if hidden else value for _column, value, hidden in row["cells"]]
        dataset.append([row["label"], *cells])
    blank = [""] * (len(header) - 1)
    dataset.append([_("Source : %(source)s") % {"source": table.source}, *blank])
    dataset.append([secret_note(), *blank])
    return dataset_safe(dataset)


def table_export(table, file_format, codes=None):
    return table_dataset(table, codes).export(file_format)


def workbook_export(published, codes=None):
    """Every table of the year, one sheet each (XLSX)."""
    book = tablib.Databook()
    for index, table in enumerate(published.tables, start=1):
        dataset = table_dataset(table, codes)
        dataset.title = f"{index}. {table.title}"[:31]
        book.add_sheet(dataset)
    return book.export("xlsx")
