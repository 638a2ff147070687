"""Public and family tables stack into cards on a phone: each body cell names its column (data-label)."""

import re

import pytest

from tests.utils import client_for, demo_user


def body_cells(page):
    bodies = re.findall(r"<tbody>(.*?)</tbody>", page, flags=re.S)
    return [cell for body in bodies for cell in re.findall(r"<t[dh][ >][^>]*>?", body)]


@pytest.mark.parametrize("path", ["/creches/carte/", "/creches/multi-accueil-aizenay/", "/transparence/", "/famille/"])
def test_every_table_of_the_page_stacks_with_labelled_cells(vie_et_boulogne, path):
    user = demo_user(vie_et_boulogne, "parent") if path == "/famille/" else None
    response = client_for(vie_et_boulogne, user).get(path)
    assert response.status_code == 200
    page = response.content.decode()
    tables = re.findall(r"<table[^>]*>", page)
    assert tables
    assert all("table--stack" in table for table in tables), tables
    cells = body_cells(page)
    assert cells
    assert all("data-label=" in cell for cell in cells), [cell for cell in cells if "data-label=" not in cell]
