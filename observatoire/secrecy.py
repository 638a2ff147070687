"""Statistical secrecy: the one code path every published figure goes through (pages, CSV/XLSX, API, PDFs).

Rule (contract observatoire.md): a count of families or children between 1 and 4 is published as nothing
(primary suppression), and so is any other cell that would let a hidden one be recomputed from the table's
totals (secondary suppression). Places, établissements and assistants maternels are not personal: never hidden.

A table's totals are linear equations over its cells (`Table.row_sums` and the total row). A hidden cell can be
recomputed exactly when it is fixed by those equations once every published cell is known, i.e. when its unit
vector lies in the row space of the equations restricted to the hidden cells. `determined_cells` finds them by
one exact (fraction) row reduction; `protect` hides one more cell next to a recomputable one until none is left.
Derived values (rates, medians) are then hidden wherever a count they come from is hidden.
"""

from fractions import Fraction

SMALL_COUNT = range(1, 5)


def equations(table):
    """The table's sums as lists of (cell, coefficient) whose weighted sum is zero; cell = (row code, column)."""
    found = []
    personal = {column.key for column in table.columns if column.personal}
    if table.total is not None:
        for key in personal:
            column = table.column(key)
            if not column.summed:
                continue
            cells = [(row.code, key) for row in table.rows]
            if any(table_value(table, cell) is None for cell in [*cells, (table.total.code, key)]):
                continue
            found.append([(cell, 1) for cell in cells] + [((table.total.code, key), -1)])
    for total_key, parts in table.row_sums.items():
        if total_key not in personal:
            continue
        for row in table.all_rows:
            cells = [(row.code, part) for part in parts]
            if any(row.values.get(part) is None for part in parts) or row.values.get(total_key) is None:
                continue
            found.append([(cell, 1) for cell in cells] + [((row.code, total_key), -1)])
    return found


def table_value(table, cell):
    code, key = cell
    for row in table.all_rows:
        if row.code == code:
            return row.values.get(key)
    return None


def determined_cells(hidden, system):
    """The hidden cells the equations fix, whatever the hidden values.

    A table of counts with a total row and row totals is a network: each cell sits in at most two sums (its
    column's and its row's), and the sums, signed, form the incidence matrix of a graph whose nodes are the sums
    (plus one "ground" node for cells in a single sum) and whose edges are the hidden cells. A hidden cell is then
    fixed exactly when its edge lies on no cycle: a bridge (linear time). Any other shape of equations goes
    through an exact row reduction.
    """
    where = {}
    for number, equation in enumerate(system):
        for cell, _coefficient in equation:
            if cell in hidden:
                where.setdefault(cell, []).append(number)
    if all(len(numbers) <= 2 for numbers in where.values()):
        return _bridges(where, len(system))
    return _reduced(hidden, system)


def _bridges(where, ground):
    """Hidden cells whose edge (between its sums, or its sum and the ground node) is a bridge."""
    adjacency = {}
    edges = []
    for cell, numbers in where.items():
        a, b = (numbers[0], numbers[1]) if len(numbers) == 2 else (numbers[0], ground)
        index = len(edges)
        edges.append(cell)
        adjacency.setdefault(a, []).append((b, index))
        adjacency.setdefault(b, []).append((a, index))
    order, low, bridges, counter = {}, {}, set(), 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for neighbour, index in neighbours:
                if index == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, index, iter(adjacency[neighbour])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(edges[via])
    return bridges


def _reduced(hidden, system):
    """Exact row reduction over the hidden cells (fractions)."""
    unknowns = sorted(hidden)
    index = {cell: i for i, cell in enumerate(unknowns)}
    matrix = []
    for equation in system:
        row = [Fraction(0)] * len(unknowns)
        for cell, coefficient in equation:
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            matrix.append(row)
    pivots = []
    rank = 0
    for col in range(len(unknowns)):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][col]
        matrix[rank] = [value / lead for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(col)
        rank += 1
    free = set(range(len(unknowns))) - set(pivots)
    determined = set()
    for r, col in enumerate(pivots):
        if all(matrix[r][f] == 0 for f in free):
            determined.add(unknowns[col])
    return determined


def _complement(table, cell, hidden, system, candidates):
    """The cell to hide next to a recomputable `cell`: in one of its equations first; a positive count rather than
    a zero (a reader may guess a zero), a detail cell rather than a total, the smallest."""
    near = {c for equation in system if any(c2 == cell for c2, _ in equation) for c, _ in equation}
    linked = {c for equation in system if any(c2 in hidden for c2, _ in equation) for c, _ in equation}
    for pool in (near, linked, candidates):
        choices = [c for c in pool if c in candidates and c not in hidden]
        if choices:
            return min(
                choices,
                key=lambda c: (
                    table_value(table, c) == 0,
                    c[0] == "total" or c[1] in table.row_sums,
                    table_value(table, c),
                    str(c),
                ),
            )
    return None


def protect(table):
    """Hide small personal counts and every cell that would give one away; returns the table (suppressed set)."""
    personal = [column.key for column in table.columns if column.personal]
    candidates = {(row.code, key) for row in table.all_rows for key in personal if row.values.get(key) is not None}
    hidden = {cell for cell in candidates if table_value(table, cell) in SMALL_COUNT}
    system = equations(table)
    while hidden:
        exposed = determined_cells(hidden, system)
        if not exposed:
            break
        complement = _complement(table, min(exposed, key=str), hidden, system, candidates)
        if complement is None:
            break
        hidden.add(complement)
    for column in table.columns:
        if not column.depends_on:
            continue
        for row in table.all_rows:
            if any((row.code, key) in hidden for key in column.depends_on):
                hidden.add((row.code, column.key))
    table.suppressed = hidden
    return table


def protect_all(tables):
    for table in tables:
        protect(table)
    return tables
