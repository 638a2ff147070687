"""Each indicator against a small territory computed by hand (tests/observatoire/factories.py)."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions import figures as commission_figures
from commissions.models import Session
from observatoire import compute, indicators, services
from observatoire.services import snapshot_compute
from tests.observatoire.factories import hand_computed_world, territory


@pytest.fixture
def world(alpha):
    with tenant_context(territory(alpha)):
        hand_computed_world()
        yield indicators.published_tables(compute.compute(timezone.localdate().year))
    connection.set_schema_to_public()


def row(table, code):
    return next(r for r in table.all_rows if r.code == code)


def test_coverage_rate_counts_eaje_and_am_places_over_the_insee_children(world):
    territory = world.table("territory")
    nantes, reze, total = row(territory, "44109"), row(territory, "44143"), territory.total
    # Nantes: (40 + 12 EAJE + 3×3 AM) / 200 = 30.5 ; the archived AM does not count.
    assert nantes.values["places_eaje"] == 52
    assert nantes.values["places_am"] == 9
    assert nantes.values["coverage_rate"] == 30.5
    # Real rate: only the 2 places declared free: (52 + 2) / 200 = 27.0
    assert nantes.values["coverage_rate_real"] == 27.0
    assert reze.values["coverage_rate"] == 24.0  # (20 + 4) / 100
    assert reze.values["coverage_rate_real"] == 20.0
    assert total.values["children_under_3"] == 300
    assert total.values["coverage_rate"] == 28.3  # 85 / 300
    assert total.values["coverage_rate_real"] == 24.7  # 74 / 300
    used = {term["code"] for term in world.terms if term["used"]}
    assert used == {"pl_eaje", "pl_am_ind"}


def test_places_by_financing_and_manager(world):
    by_type = world.table("offer_type")
    assert row(by_type, "44109").values == {"establishments": 2, "psu": 40, "paje": 12, "total": 52}
    assert by_type.total.values["total"] == 72
    by_manager = world.table("offer_manager")
    assert row(by_manager, "44143").values["associatif"] == 20
    assert by_type.suppressed == set()  # places are never secret


def test_requests_filed_and_small_counts_hidden_with_a_complement(world):
    territory = world.table("territory")
    assert row(territory, "44109").values["requests_filed"] == 10
    assert territory.total.values["requests_filed"] == 13
    # Rezé's 3 requests are secret, and so is a cell that would give them away (Nantes's 10 or the total).
    assert ("44143", "requests_filed") in territory.suppressed
    assert territory.value(row(territory, "44143"), "requests_filed") is None
    others = {("44109", "requests_filed"), ("total", "requests_filed")}
    assert territory.suppressed & others


def test_am_pyramid_share_over_55_and_retirements(world):
    pyramid = world.table("am_pyramid")
    counts = {r.code: r.values["count"] for r in pyramid.rows}
    assert counts == {"0-29": 0, "30-39": 1, "40-49": 0, "50-54": 1, "55-59": 0, "60-64": 1, "65-99": 1}
    assert pyramid.total.values["count"] == 4  # the archived AM is not in activity
    assert world.headline["over_55_share"] == 50.0
    assert world.headline["retiring_5_years"] == 2  # 66 and 64 year-olds reach 64 within five years
    am = world.table("am_communes")
    assert row(am, "44109").values == {"am_active": 3, "places": 9, "available": 2}


def test_am_arrivals_and_departures_per_year(world):
    flows = world.table("am_flows")
    year = timezone.localdate().year
    last_year = row(flows, str(year - 1))
    assert last_year.values["departures"] == 1
    assert row(flows, str(year)).values["active"] == 4


def test_delays_use_nearest_rank_percentiles():
    assert compute.percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9) == 90
    assert compute.percentile([5], 0.9) == 5
    assert compute.percentile([], 0.5) is None


def test_each_session_s_attribution_rate_is_the_commission_s_own_figure(metz):
    """The observatoire reads commissions.figures, the single source of decisions."""
    with tenant_context(metz):
        sessions = list(Session.objects.order_by("date"))
        assert sessions
        year = sessions[0].date.year
        published = indicators.published_tables(compute.compute(year))
        table = published.table("sessions")
        for session in [s for s in sessions if s.date.year == year]:
            figure = commission_figures.session_figures(session)
            line = row(table, str(session.pk))
            assert line.values["given"] == figure.given
            assert line.values["dossiers"] == figure.dossier_count
            if (line.code, "rate") not in table.suppressed:
                assert line.values["rate"] == figure.rate
    connection.set_schema_to_public()


def test_the_snapshot_stores_the_year_and_when_it_was_computed(alpha):
    with tenant_context(territory(alpha)):
        snapshot = snapshot_compute(timezone.localdate().year)
        assert snapshot.data["year"] == timezone.localdate().year
        assert snapshot.computed_at is not None
        published = services.for_year(timezone.localdate().year)
        assert published.computed_at == snapshot.computed_at
    connection.set_schema_to_public()
