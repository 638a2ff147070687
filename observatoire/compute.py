"""Read the collectivité's data into the raw figures of one year (what a Snapshot stores).

Counts are grouped in the database (one query per family of figures, whatever the number of requests); the
result is plain JSON: {table key: {"rows": {code: {column: value}}, "total": {column: value}}} plus a few
headline values. Nothing here hides anything: `observatoire.indicators` turns these into published tables,
through `observatoire.secrecy`.

Figures that describe a state (requests active, AM in activity, children present) are read on `as_of`: the
31 December of a past year, today for the current year. A past year's snapshot is kept once the year is over
(nightly runs recompute the current year only), so its states stay those of the year's end.
"""

import datetime
import math
import statistics
from collections import defaultdict

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from commissions import figures as commission_figures
from commissions.models import Offer, Session
from creches.enums import CareKind, EstablishmentType, Manager
from creches.models import Establishment
from families.enums import WAITING_STATUSES, ApplicationStatus, CareMode
from families.models import MODE_FIELDS, Application
from observatoire.enums import DepartureReason
from observatoire.models import CommunePopulation, Snapshot, Stay
from portal.models import Collectivite
from rpe import activity as rpe_activity

OUTSIDE = "hors"  # requests from a family living outside the territory (or whose commune is unknown)
AGE_BANDS = [("age_0_11", 0, 11), ("age_12_23", 12, 23), ("age_24_plus", 24, 999)]
AM_AGE_BANDS = [(None, 29), (30, 39), (40, 49), (50, 54), (55, 59), (60, 64), (65, None)]
# Legal retirement age after the 2023 reform (generations born from 1968).
RETIREMENT_AGE = 64
RETIREMENT_HORIZON_YEARS = 5
# An agrément place counts in the coverage rate when it may take a child under 3 (CNAF: pl_am_ind).
UNDER_3_MONTHS = 36
PAJE_TYPES = {EstablishmentType.MICRO_CRECHE_PAJE}
ACTIVE_STATUSES = frozenset(set(ApplicationStatus) - {ApplicationStatus.BROUILLON}) - {
    ApplicationStatus.ADMISE,
    ApplicationStatus.ANNULEE,
    ApplicationStatus.EXPIREE,
    ApplicationStatus.REFUSEE,
}


def as_of(year, today=None):
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31))


def territory_communes():
    """[(code INSEE, name, latitude, longitude)] of the collectivité, in its order."""
    return [(c.code_insee, c.name, c.latitude, c.longitude) for c in Collectivite.current_territory()]


def percentile(values, fraction):
    """Nearest-rank percentile (the value a reader can check by counting)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _commune(code, known):
    return code if code in known else OUTSIDE


def _year_range(year):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime(year, 1, 1), tz)
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1), tz)


def compute(year, today=None):
    day = as_of(year, today)
    known = {code for code, *_rest in territory_communes()}
    start, end = _year_range(year)
    day_end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    tables = {}
    tables["demand_age"], tables["demand_kind"], tables["demand_mode"], filed = _demand(start, end, known)
    active = _active(day_end, known)
    tables["delays"] = _delays(start, end, known)
    tables["outcomes"] = _outcomes(start, end, day_end, known)
    tables["sessions"] = _sessions(year)
    offer, capacities = _offer(known)
    tables["offer_type"], tables["offer_manager"] = offer
    tables["offer_changes"] = _offer_changes(year, capacities)
    tables["movements"] = _movements(year, day)
    tables["monthly"] = _monthly(start, end, year)
    am = _am(day, year, known)
    tables.update(am["tables"])
    population = _population(year)
    territory = {}
    for code in [*known, OUTSIDE]:
        territory[code] = {
            "children_under_3": population["counts"].get(code) if code != OUTSIDE else None,
            "places_eaje": tables["offer_type"]["rows"].get(code, {}).get("total", 0) if code != OUTSIDE else None,
            "places_am": am["places"].get(code, 0) if code != OUTSIDE else None,
            "places_am_available": am["available"].get(code, 0) if code != OUTSIDE else None,
            "requests_filed": filed.get(code, 0),
            "requests_active": active.get(code, 0),
        }
    if not territory[OUTSIDE]["requests_filed"] and not territory[OUTSIDE]["requests_active"]:
        del territory[OUTSIDE]
    tables["territory"] = {"rows": territory}
    activity = relais_activity(year)
    if activity is not None:
        tables["relais"] = {"rows": {str(r["code"]): {"label": r["label"], **r["values"]} for r in activity}}
    return {
        "year": year,
        "as_of": day.isoformat(),
        "history": _history(year, territory),
        "population_years": population["years"],
        "establishment_capacities": capacities,
        "am_headline": am["headline"],
        "tables": tables,
    }


def _demand(start, end, known):
    filed = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    by_age, by_kind, by_mode, totals = defaultdict(dict), defaultdict(dict), defaultdict(dict), defaultdict(int)
    for row in filed.values("family__code_insee", "age_at_start_months").annotate(n=Count("pk")):
        code = _commune(row["family__code_insee"], known)
        band = next(key for key, low, high in AGE_BANDS if low <= max(row["age_at_start_months"], 0) <= high)
        by_age[code][band] = by_age[code].get(band, 0) + row["n"]
        totals[code] += row["n"]
    for row in filed.values("family__code_insee", "kind").annotate(n=Count("pk")):
        code = _commune(row["family__code_insee"], known)
        by_kind[code][row["kind"]] = by_kind[code].get(row["kind"], 0) + row["n"]
    modes = {mode.value: Count("pk", filter=Q(**{field: True})) for mode, field in MODE_FIELDS.items()}
    for row in filed.values("family__code_insee").annotate(**modes):
        code = _commune(row["family__code_insee"], known)
        for mode in CareMode:
            by_mode[code][mode.value] = by_mode[code].get(mode.value, 0) + row[mode.value]
    codes = sorted(set(known) | set(totals))
    age = {c: {**{k: by_age[c].get(k, 0) for k, *_ in AGE_BANDS}, "total": totals.get(c, 0)} for c in codes}
    kind = {c: {**{k.value: by_kind[c].get(k.value, 0) for k in CareKind}, "total": totals.get(c, 0)} for c in codes}
    mode = {c: {m.value: by_mode[c].get(m.value, 0) for m in CareMode} for c in codes}
    return {"rows": age}, {"rows": kind}, {"rows": mode}, dict(totals)


def _active(day_end, known):
    counts = defaultdict(int)
    for row in (
        Application.objects.filter(status__in=ACTIVE_STATUSES, submitted_at__lt=day_end)
        .values("family__code_insee")
        .annotate(n=Count("pk"))
    ):
        counts[_commune(row["family__code_insee"], known)] += row["n"]
    return dict(counts)


def _delays(start, end, known):
    """Days from filing to the first offer, for requests whose first offer was made in the year."""
    firsts = (
        Offer.objects.values("application")
        .annotate(first=Min("created_at"))
        .filter(first__gte=start, first__lt=end)
        .values_list("application__family__code_insee", "application__submitted_at", "first")
    )
    days = defaultdict(list)
    for code, submitted, first in firsts:
        if submitted is None:
            continue
        days[_commune(code, known)].append(max((first - submitted).days, 0))
    rows = {
        code: {"offers": len(values), "median": statistics.median(values), "p90": percentile(values, 0.9)}
        for code, values in days.items()
    }
    every = [value for values in days.values() for value in values]
    total = {"median": statistics.median(every) if every else None, "p90": percentile(every, 0.9)}
    for code in known:
        rows.setdefault(code, {"offers": 0, "median": None, "p90": None})
    return {"rows": rows, "total": total}


def _outcomes(start, end, day_end, known):
    """What became of the requests without a place: still waiting, cancelled, expired, offer refused."""
    closed = {
        "cancelled": ApplicationStatus.ANNULEE,
        "expired": ApplicationStatus.EXPIREE,
        "refused": ApplicationStatus.REFUSEE,
    }
    aggregates = {
        key: Count("pk", filter=Q(status=status, status_changed_at__gte=start, status_changed_at__lt=end))
        for key, status in closed.items()
    }
    aggregates["waiting"] = Count("pk", filter=Q(status__in=WAITING_STATUSES, submitted_at__lt=day_end))
    rows = defaultdict(lambda: dict.fromkeys(["waiting", *closed], 0))
    for row in (
        Application.objects.filter(submitted_at__isnull=False).values("family__code_insee").annotate(**aggregates)
    ):
        code = _commune(row["family__code_insee"], known)
        for key in ["waiting", *closed]:
            rows[code][key] += row[key]
    for code in known:
        rows[code]
    for values in rows.values():
        values["total"] = sum(values[key] for key in ["waiting", *closed])
    return {"rows": dict(rows)}


def _sessions(year):
    """Per session of the year (commissions.figures, the single source of decisions)."""
    sessions = list(Session.objects.filter(date__year=year).with_dossier_total().order_by("date", "pk"))
    rows = {}
    for session in sessions:
        figure = commission_figures.figures_for([session])[session.pk]
        lost = sum(1 for decision in figure.decisions if decision["offer_status"] in commission_figures.LOST)
        scores = [c["last_admitted_score"] for c in figure.cutoffs.values() if c["last_admitted_score"] is not None]
        rows[str(session.pk)] = {
            "label": f"{session.title} ({session.date:%d/%m/%Y})",
            "dossiers": figure.dossier_count,
            "places": figure.capacity,
            "given": figure.given,
            "left": figure.dossier_count - figure.given,
            "refusals": lost,
            "last_admitted_score": min(scores) if scores else None,
        }
    return {"rows": rows}


def _offer(known):
    by_type, by_manager = defaultdict(dict), defaultdict(dict)
    capacities = {}
    for establishment in Establishment.objects.active().values("pk", "code_insee", "type", "manager", "capacity"):
        code = establishment["code_insee"]
        capacities[str(establishment["pk"])] = establishment["capacity"]
        kind = "paje" if establishment["type"] in PAJE_TYPES else "psu"
        by_type[code][kind] = by_type[code].get(kind, 0) + establishment["capacity"]
        by_type[code]["establishments"] = by_type[code].get("establishments", 0) + 1
        manager = establishment["manager"]
        by_manager[code][manager] = by_manager[code].get(manager, 0) + establishment["capacity"]
    codes = sorted(set(known) | set(by_type))
    types = {}
    managers = {}
    for code in codes:
        psu, paje = by_type[code].get("psu", 0), by_type[code].get("paje", 0)
        types[code] = {
            "establishments": by_type[code].get("establishments", 0),
            "psu": psu,
            "paje": paje,
            "total": psu + paje,
        }
        managers[code] = {m.value: by_manager[code].get(m.value, 0) for m in Manager}
        managers[code]["total"] = sum(managers[code].values())
    return ({"rows": types}, {"rows": managers}), capacities


def _offer_changes(year, capacities):
    """Places created and closed each year: the change of each établissement's capacity between year ends.

    Read from the yearly snapshots (the platform keeps no other history of capacities); a year without the
    previous year's snapshot has no figure.
    """
    history = {s.year: s.data.get("establishment_capacities", {}) for s in Snapshot.objects.filter(year__lt=year)}
    history[year] = capacities
    rows = {}
    for current in sorted(history):
        now = history[current]
        before = history.get(current - 1)
        row = {"label": str(current), "places": sum(now.values()), "created": None, "closed": None}
        if before is not None:
            row["created"] = sum(max(now.get(k, 0) - before.get(k, 0), 0) for k in set(now) | set(before))
            row["closed"] = sum(max(before.get(k, 0) - now.get(k, 0), 0) for k in set(now) | set(before))
        rows[str(current)] = row
    return {"rows": rows}


def _movements(year, day):
    rows = {}
    establishments = Establishment.objects.active().order_by("name").values("pk", "name", "capacity")
    stays = Stay.objects.all()
    entries = dict(
        stays.filter(arrived_on__year=year)
        .values("establishment")
        .annotate(n=Count("pk"))
        .values_list("establishment", "n")
    )
    exits = defaultdict(dict)
    for row in stays.filter(left_on__year=year).values("establishment", "departure_reason").annotate(n=Count("pk")):
        exits[row["establishment"]][row["departure_reason"]] = row["n"]
    present = dict(
        stays.present_on(day).values("establishment").annotate(n=Count("pk")).values_list("establishment", "n")
    )
    for establishment in establishments:
        pk = establishment["pk"]
        row = {"label": establishment["name"], "capacity": establishment["capacity"], "entries": entries.get(pk, 0)}
        for reason in DepartureReason:
            row[f"exit_{reason.value}"] = exits[pk].get(reason.value, 0)
        row["exits"] = sum(exits[pk].values())
        row["present"] = present.get(pk, 0)
        rows[str(pk)] = row
    return {"rows": rows}


def _per_month(queryset, field):
    """{month number: count} of the queryset's rows by the month of `field`."""
    rows = queryset.annotate(month=ExtractMonth(field)).values("month").annotate(n=Count("pk"))
    return dict(rows.values_list("month", "n"))


def _monthly(start, end, year):
    filed = _per_month(Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end), "submitted_at")
    offers = _per_month(Offer.objects.filter(created_at__gte=start, created_at__lt=end), "created_at")
    entries = _per_month(Stay.objects.filter(arrived_on__year=year), "arrived_on")
    exits = _per_month(Stay.objects.filter(left_on__year=year), "left_on")
    rows = {
        f"{month:02d}": {
            "filed": filed.get(month, 0),
            "offers": offers.get(month, 0),
            "entries": entries.get(month, 0),
            "exits": exits.get(month, 0),
        }
        for month in range(1, 13)
    }
    return {"rows": rows}


def _history(year, territory):
    """The territory's headline counts of each year with a snapshot, and this year's (the time series)."""
    series = {}
    for snapshot in Snapshot.objects.filter(year__lt=year).order_by("year"):
        rows = snapshot.data.get("tables", {}).get("territory", {}).get("rows", {})
        series[str(snapshot.year)] = _territory_sums(rows)
    series[str(year)] = _territory_sums(territory)
    return series


def _territory_sums(rows):
    keys = ["children_under_3", "places_eaje", "places_am", "places_am_available", "requests_filed", "requests_active"]
    return {key: sum(row.get(key) or 0 for row in rows.values()) for key in keys}


def _population(year):
    """Children under 3 per commune: the INSEE figure of the latest year up to `year` (else the earliest)."""
    counts, years = {}, {}
    for row in CommunePopulation.objects.order_by("code_insee", "year").values(
        "code_insee", "year", "children_under_3"
    ):
        code = row["code_insee"]
        if code not in counts or row["year"] <= year:
            counts[code], years[code] = row["children_under_3"], row["year"]
    return {"counts": counts, "years": sorted(set(years.values()))}


def _am(day, year, known):
    """Assistants maternels: in activity on `day`, their places, declared free places, pyramid and flows."""
    from rpe.enums import ActivityStatus, AvailabilityStatus
    from rpe.models import AgrementPlace, AssistantMaternel, Availability

    in_activity = (
        AssistantMaternel.objects.exclude(activity_status=ActivityStatus.SUSPENDED)
        .filter(Q(arrived_on__isnull=True) | Q(arrived_on__lte=day))
        .filter(Q(archived_on__isnull=True) | Q(archived_on__gt=day))
    )
    counts = dict(in_activity.values("code_insee").annotate(n=Count("pk")).values_list("code_insee", "n"))
    places = dict(
        AgrementPlace.objects.filter(am__in=in_activity, age_min_months__lt=UNDER_3_MONTHS)
        .values("am__code_insee")
        .annotate(n=Sum("count"))
        .values_list("am__code_insee", "n")
    )
    free = Availability.objects.filter(place__am__in=in_activity).filter(
        Q(status=AvailabilityStatus.NOW) | Q(status=AvailabilityStatus.FROM_DATE, available_from__lte=day)
    )
    available = dict(
        free.values("place__am__code_insee").annotate(n=Sum("count")).values_list("place__am__code_insee", "n")
    )
    codes = sorted(set(known) | set(counts))
    communes = {
        code: {"am_active": counts.get(code, 0), "places": places.get(code, 0), "available": available.get(code, 0)}
        for code in codes
    }
    ages = [
        year - birth for birth in in_activity.exclude(birth_year__isnull=True).values_list("birth_year", flat=True)
    ]
    pyramid = {}
    for low, high in AM_AGE_BANDS:
        key = f"{low or 0}-{high or 99}"
        pyramid[key] = {
            "low": low,
            "high": high,
            "count": sum(1 for age in ages if (low is None or age >= low) and (high is None or age <= high)),
        }
    total = len(ages)
    over_55 = sum(1 for age in ages if age >= 55)
    retiring = sum(1 for age in ages if age + RETIREMENT_HORIZON_YEARS >= RETIREMENT_AGE)
    flows = {}
    every = AssistantMaternel.objects.all()
    arrivals = dict(
        every.filter(arrived_on__isnull=False)
        .values("arrived_on__year")
        .annotate(n=Count("pk"))
        .values_list("arrived_on__year", "n")
    )
    departures = dict(
        every.filter(archived_on__isnull=False)
        .values("archived_on__year")
        .annotate(n=Count("pk"))
        .values_list("archived_on__year", "n")
    )
    for flow_year in range(year - 4, year + 1):
        end_of_year = min(day, datetime.date(flow_year, 12, 31))
        active_then = (
            every.filter(Q(arrived_on__isnull=True) | Q(arrived_on__lte=end_of_year))
            .filter(Q(archived_on__isnull=True) | Q(archived_on__gt=end_of_year))
            .count()
        )
        flows[str(flow_year)] = {
            "label": str(flow_year),
            "arrivals": arrivals.get(flow_year, 0),
            "departures": departures.get(flow_year, 0),
            "net": arrivals.get(flow_year, 0) - departures.get(flow_year, 0),
            "active": active_then,
        }
    return {
        "places": places,
        "available": available,
        "headline": {
            "am_with_age": total,
            "over_55": over_55,
            "over_55_share": round(100 * over_55 / total, 1) if total else None,
            "retiring_5_years": retiring,
        },
        "tables": {
            "am_communes": {"rows": communes},
            "am_pyramid": {"rows": pyramid},
            "am_flows": {"rows": flows},
        },
    }


def relais_activity(year):
    """The relais' activity figures (rpe.activity): ateliers held, participations, appointments per relais."""
    return rpe_activity.relais_activity(year)
