"""A collectivité's communes: code INSEE and name, and optionally their centre for the map and proximity."""

import pytest
from django.core.exceptions import ValidationError

from portal.models import validate_communes


def test_a_commune_may_carry_its_centre():
    validate_communes([{"code_insee": "85169", "nom": "Palluau", "latitude": 46.8061, "longitude": -1.6203}])
    validate_communes([{"code_insee": "85169", "nom": "Palluau"}])


@pytest.mark.parametrize(
    "centre",
    [
        {"latitude": 46.8},
        {"latitude": "46.8", "longitude": "-1.6"},
        {"latitude": 120, "longitude": 0},
        {"latitude": True, "longitude": 1},
    ],
)
def test_a_centre_is_two_numbers_on_earth(centre):
    with pytest.raises(ValidationError, match="latitude et une longitude"):
        validate_communes([{"code_insee": "85169", "nom": "Palluau", **centre}])


def test_the_demo_territory_knows_every_communes_centre(vie_et_boulogne):
    assert all(
        vie_et_boulogne.commune_centre(name) for name in [commune.name for commune in vie_et_boulogne.territory()]
    )
    assert vie_et_boulogne.commune_centre("Nulle-part") is None
