"""Exports opened in a spreadsheet program: a cell must never run as a formula (CSV/formula injection)."""

import re

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-1.55", a longitude) cannot run anything and must stay a number for the re-import.
PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def spreadsheet_safe(value):
    """The value as a cell: None as empty, a text that would run as a formula with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def dataset_safe(dataset):
    """A tablib dataset with every cell made safe (same headers and title)."""
    safe = dataset.__class__(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([spreadsheet_safe(value) for value in row])
    return safe
