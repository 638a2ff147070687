"""Distances in SQL agree with the Python haversine; the geocoder falls back to the commune's centre."""

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from hypothesis import given, settings
from hypothesis import strategies as st

from creches.models import Establishment
from rpe import distance as geo
from tests.creches.factories import EstablishmentFactory

NANTES = (47.2184, -1.5536)


@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-179, 179),
    radius=st.floats(0.1, 500),
    bearing_lat=st.floats(-1, 1),
    bearing_lon=st.floats(-1, 1),
)
@settings(max_examples=300, deadline=None)
def test_the_bounding_box_holds_every_point_within_the_radius(lat, lon, radius, bearing_lat, bearing_lon):
    south, north, west, east = geo.bounding_box(lat, lon, radius)
    # A point just inside the circle in any direction stays inside the box.
    step = radius / geo.KM_PER_DEGREE_LATITUDE
    point = (lat + bearing_lat * step * 0.7, lon + bearing_lon * step * 0.7)
    if geo.haversine_km(lat, lon, *point) <= radius and -90 < point[0] < 90:
        assert south <= point[0] <= north
        assert west <= point[1] <= east or east - west >= 360


def test_the_distance_filter_agrees_with_the_python_haversine(alpha):
    rng = random.Random(7)
    with tenant_context(alpha):
        points = []
        for n in range(120):
            lat, lon = NANTES[0] + rng.uniform(-0.6, 0.6), NANTES[1] + rng.uniform(-0.9, 0.9)
            EstablishmentFactory(slug=f"geo-{n}", latitude=f"{lat:.5f}", longitude=f"{lon:.5f}")
            points.append((f"geo-{n}", round(lat, 5), round(lon, 5)))
        for radius in (3, 10, 25, 40):
            found = {
                e.slug: e.distance_km
                for e in geo.within_radius(Establishment.objects.filter(slug__startswith="geo-"), *NANTES, radius)
            }
            expected = {slug for slug, lat, lon in points if geo.haversine_km(*NANTES, lat, lon) <= radius}
            assert set(found) == expected, radius
            for slug, lat, lon in points:
                if slug in found:
                    assert found[slug] == pytest.approx(geo.haversine_km(*NANTES, lat, lon), abs=1e-6)
    connection.set_schema_to_public()


def test_a_known_distance():
    # Nantes to Rezé, about 3.9 km as the crow flies.
    assert geo.haversine_km(47.2184, -1.5536, 47.1833, -1.5500) == pytest.approx(3.9, abs=0.2)


class FakeBan(BaseHTTPRequestHandler):
    answers = {}

    def do_GET(self):  # noqa: N802
        body = json.dumps(self.answers).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_ban():
    server = HTTPServer(("127.0.0.1", 0), FakeBan)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/search/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_an_address_is_geocoded_by_the_base_adresse_nationale_when_configured(alpha, fake_ban, settings):
    settings.ADDRESS_GEOCODER_URL = fake_ban
    FakeBan.answers = {
        "features": [{"geometry": {"coordinates": [-1.56, 47.21]}, "properties": {"label": "2 rue X 44000 Nantes"}}]
    }
    located = geo.geocode("2 rue X, Nantes", alpha)
    assert (located.latitude, located.longitude, located.precise) == (47.21, -1.56, True)


def test_without_a_geocoder_the_commune_centre_is_used(vie_et_boulogne, settings):
    settings.ADDRESS_GEOCODER_URL = ""
    commune = next(c for c in vie_et_boulogne.communes if c.get("latitude") is not None)
    located = geo.geocode(f"3 place de l'Église, {commune['nom']}", vie_et_boulogne)
    assert (located.latitude, located.longitude, located.precise) == (
        float(commune["latitude"]),
        float(commune["longitude"]),
        False,
    )
    assert geo.geocode("nulle part", vie_et_boulogne) is None


def test_a_failing_geocoder_falls_back_to_the_commune(vie_et_boulogne, settings):
    settings.ADDRESS_GEOCODER_URL = "http://127.0.0.1:9/search/"
    commune = next(c for c in vie_et_boulogne.communes if c.get("latitude") is not None)
    located = geo.geocode("1 rue Y", vie_et_boulogne, code_insee=commune["code_insee"])
    assert located is not None and located.precise is False
