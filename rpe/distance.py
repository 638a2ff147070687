"""Distances for the search, without PostGIS: a bounding box on indexed latitude/longitude, then the haversine in SQL.

Also where a typed address is: the Base Adresse Nationale when an endpoint is configured, else the centre of
its commune (the collectivité's communes carry their centre).
"""

import logging
import math
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db.models import ExpressionWrapper, FloatField, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180
GEOCODER_TIMEOUT_SECONDS = 3

logger = logging.getLogger(__name__)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between two points given in degrees (the Python twin of the SQL below)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi, half_dlambda = math.radians(lat2 - lat1) / 2, math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(latitude, longitude, radius_km):
    """(south, north, west, east) in degrees enclosing every point within `radius_km` of the centre."""
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = math.cos(math.radians(latitude))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def distance_expression(latitude, longitude, lat_field="latitude", lon_field="longitude"):
    """The haversine distance in km from (latitude, longitude) to each row, as one SQL expression."""
    lat_row = Radians(Cast(lat_field, FloatField()))
    lon_row = Radians(Cast(lon_field, FloatField()))
    lat0, lon0 = Value(math.radians(latitude)), Value(math.radians(longitude))
    h = Power(Sin((lat_row - lat0) / Value(2.0)), 2) + Cos(lat0) * Cos(lat_row) * Power(
        Sin((lon_row - lon0) / Value(2.0)), 2
    )
    return ExpressionWrapper(Value(2 * EARTH_RADIUS_KM) * ASin(Least(Value(1.0), Sqrt(h))), output_field=FloatField())


def within_radius(queryset, latitude, longitude, radius_km, lat_field="latitude", lon_field="longitude"):
    """Rows within `radius_km` of the point, annotated with `distance_km`.

    The box is a plain range on the indexed columns (the index does the pruning); the haversine then runs
    only on the rows inside it.
    """
    south, north, west, east = bounding_box(latitude, longitude, radius_km)
    return (
        queryset.filter(
            **{
                f"{lat_field}__gte": south,
                f"{lat_field}__lte": north,
                f"{lon_field}__gte": west,
                f"{lon_field}__lte": east,
            }
        )
        .annotate(distance_km=distance_expression(latitude, longitude, lat_field, lon_field))
        .filter(distance_km__lte=radius_km)
    )


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    label: str
    precise: bool  # True for a geocoded address, False for a commune's centre


def commune_located(collectivite, *, code_insee="", name=""):
    commune = collectivite.commune(code_insee=code_insee, name=name)
    if commune is None or commune.latitude is None:
        return None
    return Located(float(commune.latitude), float(commune.longitude), commune.name, False)


def geocode(address, collectivite, *, code_insee=""):
    """Where an address is: the Base Adresse Nationale's best match when configured, else its commune's centre.

    Returns None when neither knows it. A slow or failing geocoder falls back to the commune, never to an error.
    """
    url = getattr(settings, "ADDRESS_GEOCODER_URL", "")
    address = (address or "").strip()
    if url and address:
        params = {"q": address, "limit": 1}
        if code_insee:
            params["citycode"] = code_insee
        try:
            response = requests.get(url, params=params, timeout=GEOCODER_TIMEOUT_SECONDS)
            response.raise_for_status()
            features = response.json().get("features") or []
        except (requests.RequestException, ValueError):
            logger.warning("Base Adresse Nationale unreachable, falling back to the commune's centre")
            features = []
        if features:
            longitude, latitude = features[0]["geometry"]["coordinates"]
            label = features[0].get("properties", {}).get("label", address)
            return Located(float(latitude), float(longitude), label, True)
    if code_insee:
        return commune_located(collectivite, code_insee=code_insee)
    # No geocoder: an address that names a commune of the territory is placed at its centre.
    lowered = address.casefold()
    for commune in collectivite.territory():
        if commune.name and commune.name.casefold() in lowered:
            return commune_located(collectivite, name=commune.name)
    return None
