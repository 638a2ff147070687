"""Statistical secrecy: small counts are hidden and no published table lets a hidden cell be recomputed."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire.secrecy import protect
from observatoire.tables import Column, Row, Table, with_total


def rank(rows):
    """Rank of a matrix by exact elimination (written apart from the code under test)."""
    matrix = [[Fraction(v) for v in row] for row in rows if any(row)]
    rank, width = 0, len(matrix[0]) if matrix else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][col]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col]:
                f = matrix[r][col] / matrix[rank][col]
                matrix[r] = [a - f * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def reader_equations(table):
    """What a reader of the published table knows: each total row cell sums its column, each row total its parts."""
    personal = [c.key for c in table.columns if c.personal]
    found = []
    for key in personal:
        found.append([((row.code, key), 1) for row in table.rows] + [(("total", key), -1)])
    for total_key, parts in table.row_sums.items():
        for row in table.all_rows:
            found.append([((row.code, p), 1) for p in parts] + [((row.code, total_key), -1)])
    return found


def recomputable(table):
    hidden = sorted(table.suppressed, key=str)
    index = {cell: i for i, cell in enumerate(hidden)}
    matrix = []
    for equation in reader_equations(table):
        row = [0] * len(hidden)
        for cell, coefficient in equation:
            if cell in index:
                row[index[cell]] += coefficient
        matrix.append(row)
    base = rank(matrix)
    found = []
    for cell, i in index.items():
        unit = [0] * len(hidden)
        unit[i] = 1
        if rank([*matrix, unit]) == base:
            found.append(cell)
    return found


def build(grid, with_row_total):
    parts = [f"c{j}" for j in range(len(grid[0]))]
    columns = [Column(key, key, personal=True) for key in parts]
    rows = [Row(f"r{i}", f"r{i}", dict(zip(parts, values, strict=True))) for i, values in enumerate(grid)]
    row_sums = {}
    if with_row_total:
        columns.append(Column("all", "all", personal=True))
        for row in rows:
            row.values["all"] = sum(row.values[p] for p in parts)
        row_sums = {"all": parts}
    return Table("t", "t", "s", "stub", columns, rows, total=with_total(columns, rows, "Total"), row_sums=row_sums)


grids = st.integers(1, 6).flatmap(
    lambda width: st.lists(st.lists(st.integers(0, 30), min_size=width, max_size=width), min_size=1, max_size=7)
)


@settings(max_examples=300, deadline=None)
@given(grid=grids, with_row_total=st.booleans())
def test_no_published_table_lets_a_hidden_cell_be_recomputed(grid, with_row_total):
    table = protect(build(grid, with_row_total))
    for row in table.all_rows:
        for key, value in row.values.items():
            if value in range(1, 5):
                assert (row.code, key) in table.suppressed, "every count from 1 to 4 is hidden"
    assert recomputable(table) == []


def test_a_single_small_cell_takes_a_complement_in_its_row_and_column():
    table = protect(build([[3, 10, 12], [8, 9, 20], [15, 16, 30]], with_row_total=True))
    assert ("r0", "c0") in table.suppressed
    assert len([c for c in table.suppressed if c[0] == "r0"]) >= 2
    assert len([c for c in table.suppressed if c[1] == "c0"]) >= 2
    assert recomputable(table) == []


def test_zero_and_large_counts_are_published():
    table = protect(build([[0, 10], [5, 9]], with_row_total=False))
    assert table.suppressed == set()


def test_places_are_never_hidden_and_rates_follow_their_counts():
    columns = [
        Column("places", "places"),
        Column("given", "given", personal=True),
        Column("rate", "rate", summed=False, depends_on=("given",), kind="rate"),
    ]
    rows = [Row("a", "a", {"places": 2, "given": 2, "rate": 100.0}), Row("b", "b", {"places": 3, "given": 9})]
    table = protect(Table("t", "t", "s", "stub", columns, rows, total=with_total(columns, rows, "Total")))
    assert ("a", "places") not in table.suppressed
    assert {("a", "given"), ("a", "rate"), ("b", "given")} <= table.suppressed


@settings(max_examples=200, deadline=None)
@given(grid=grids, with_row_total=st.booleans(), data=st.data())
def test_the_fast_network_check_agrees_with_exact_row_reduction(grid, with_row_total, data):
    """Tables of counts with margins are networks: a hidden cell is recomputable exactly when it is a bridge."""
    from observatoire.secrecy import _reduced, determined_cells, equations

    table = build(grid, with_row_total)
    cells = sorted(((row.code, column.key) for row in table.all_rows for column in table.columns), key=str)
    hidden = set(data.draw(st.lists(st.sampled_from(cells), unique=True)))
    system = equations(table)
    assert determined_cells(hidden, system) == _reduced(hidden, system)


def test_a_large_table_is_protected_quickly():
    import random
    import time

    rng = random.Random(7)
    table = build([[rng.randrange(0, 12) for _ in range(7)] for _ in range(40)], with_row_total=True)
    started = time.perf_counter()
    protect(table)
    assert time.perf_counter() - started < 2
    from observatoire.secrecy import _reduced, equations

    assert _reduced(table.suppressed, equations(table)) == set()
