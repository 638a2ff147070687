"""Charts as geometry for SVG templates (attributes only: the strict CSP holds and WeasyPrint draws them).

A chart is a view of its table, never the content: hidden (secret) values are drawn as nothing and said so.
"""

import math

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 190
CHART_WIDTH = 640
VALUE_SPACE = 70
MAX_BARS = 40


def bars(table, column_key=None, codes=None):
    """Horizontal bars of one column over the table's rows (the total row left out)."""
    column_key = column_key or table.chart
    if column_key is None:
        return None
    column = table.column(column_key)
    rows = [row for row in table.rows if codes is None or row.code in codes][:MAX_BARS]
    values = [table.value(row, column_key) for row in rows]
    known = [value for value in values if value is not None]
    if not rows or not known:
        return None
    top = max(max(known), 1)
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_SPACE
    items = []
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = 0 if value is None else max(round(span * value / top, 1), 0)
        items.append(
            {
                "label": row.label[:32],
                "value": value,
                "hidden": (row.code, column_key) in table.suppressed,
                "y": y,
                "text_y": y + BAR_HEIGHT * 0.7,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "column": column,
        "items": items,
        "width": CHART_WIDTH,
        "height": len(items) * (BAR_HEIGHT + BAR_GAP),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 6,
    }


MAP_WIDTH = 640
MAP_HEIGHT = 420
MAP_MARGIN = 40
MAX_RADIUS = 34


def symbol_map(table, column_key, communes):
    """Proportional circles on the communes' centres: area proportional to the value (equirectangular)."""
    points = [
        (code, name, lat, lon)
        for code, name, lat, lon in communes
        if lat is not None and lon is not None and any(row.code == code for row in table.rows)
    ]
    if not points:
        return None
    rows = {row.code: row for row in table.rows}
    lats = [p[2] for p in points]
    lons = [p[3] for p in points]
    mid = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * mid, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((MAP_WIDTH - 2 * MAP_MARGIN) / span_x, (MAP_HEIGHT - 2 * MAP_MARGIN) / span_y)
    values = [table.value(rows[code], column_key) for code, *_ in points]
    top = max([v for v in values if v is not None] or [1]) or 1
    circles = []
    for (_code, name, lat, lon), value in zip(points, values, strict=True):
        x = MAP_MARGIN + (lon - min(lons)) * mid * scale
        y = MAP_HEIGHT - MAP_MARGIN - (lat - min(lats)) * scale
        radius = 0 if not value else max(MAX_RADIUS * math.sqrt(value / top), 2)
        circles.append(
            {
                "name": name,
                "value": value,
                "x": round(x, 1),
                "y": round(y, 1),
                "r": round(radius, 1),
                "label_y": round(y + radius + 12, 1),
            }
        )
    return {"circles": circles, "width": MAP_WIDTH, "height": MAP_HEIGHT, "column": table.column(column_key)}
