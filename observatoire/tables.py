"""The observatoire's published tables as plain values: what pages, exports, the API and the PDFs all draw.

A table has rows (communes, sessions, établissements…), columns and, where it publishes them, a total row
(each summed column of the rows) and row totals (a column that sums other columns of the same row). Those sums
are the equations a reader could use to recompute a hidden cell; `observatoire.secrecy` reads them from here.

Columns say whether they count families or children (`personal`: subject to statistical secrecy), and a
derived column (a rate, a median) names the counts it depends on: hidden with them.
"""

from dataclasses import dataclass, field


@dataclass
class Column:
    key: str
    label: str
    personal: bool = False
    # Summed by the total row (counts); rates, medians and scores are not.
    summed: bool = True
    # A derived value (rate, median…) hidden whenever one of these columns of the same row is hidden.
    depends_on: tuple = ()
    # "count", "rate" (one decimal, %), "days", "score", "text"
    kind: str = "count"


@dataclass
class Row:
    code: str
    label: str
    values: dict


@dataclass
class Table:
    key: str
    title: str
    source: str
    stub: str
    columns: list
    rows: list
    total: Row | None = None
    # {total column key: [part column keys]}: in each row (and the total row), total = sum of the parts.
    row_sums: dict = field(default_factory=dict)
    # Filled by secrecy.protect: {(row code, column key)} published as None.
    suppressed: set = field(default_factory=set)
    note: str = ""
    # The column a chart draws (None: no chart).
    chart: str | None = None

    def column(self, key):
        return next(column for column in self.columns if column.key == key)

    @property
    def all_rows(self):
        return [*self.rows, self.total] if self.total is not None else list(self.rows)

    def value(self, row, key):
        """The published value: None when suppressed (or unknown)."""
        if (row.code, key) in self.suppressed:
            return None
        return row.values.get(key)

    def published_rows(self, codes=None):
        """Rows as {code, label, cells: [(column, value, suppressed)]}, optionally only some rows (a commune)."""
        rows = self.rows if codes is None else [row for row in self.rows if row.code in codes]
        if self.total is not None:
            rows = [*rows, self.total]
        return [
            {
                "code": row.code,
                "label": row.label,
                "is_total": row is self.total,
                "cells": [
                    (column, self.value(row, column.key), (row.code, column.key) in self.suppressed)
                    for column in self.columns
                ],
            }
            for row in rows
        ]

    def as_dataset_rows(self):
        """Header and rows for CSV/XLSX: suppressed cells are empty, a note says why."""
        header = [self.stub, *[column.label for column in self.columns]]
        body = [[row.label, *[self.value(row, column.key) for column in self.columns]] for row in self.all_rows]
        return header, body


TOTAL_CODE = "total"


def with_total(columns, rows, label):
    """The total row: the sum of each summed column over the rows (None when every row is unknown)."""
    values = {}
    for column in columns:
        if not column.summed or column.kind == "text":
            continue
        known = [row.values.get(column.key) for row in rows if row.values.get(column.key) is not None]
        values[column.key] = sum(known) if known else None
    return Row(TOTAL_CODE, label, values)
