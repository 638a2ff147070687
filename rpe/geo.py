"""Locations of assistants maternels: the approximate one shown when the address is not published."""

import math

# About 1.1 km north-south: enough to place a home in its part of a commune, not on its street.
GRID_DEGREES = 0.01


def coarsen(latitude, longitude):
    """Centre of the grid cell holding the point, or None when the point is unknown."""
    if latitude is None or longitude is None:
        return None, None
    return (
        round((math.floor(latitude / GRID_DEGREES) + 0.5) * GRID_DEGREES, 5),
        round((math.floor(longitude / GRID_DEGREES) + 0.5) * GRID_DEGREES, 5),
    )


def commune_centre(collectivite, code_insee):
    commune = collectivite.commune(code_insee=code_insee)
    if commune is None or commune.latitude is None:
        return None, None
    return commune.latitude, commune.longitude


def commune_name(collectivite, code_insee):
    return collectivite.commune_name(code_insee)
