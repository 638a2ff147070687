"""The assistant-maternel search: who is listed, where, with a place for this child from this date.

One queryset for the public page, the API, a request's matching AM, saved-search alerts and job offers.
Distances use the coarse location (a grid cell or the commune's centre, see rpe.geo): the same for every viewer,
so that no series of searches can reveal an unpublished home.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from rpe.distance import within_radius
from rpe.models import STALE_AFTER, AssistantMaternel, Availability
from rpe.publication import directory_queryset

# The atypical hours a family may ask for, each a field of the AM's profile.
ATYPICAL_FIELDS = ("early_hours", "late_hours", "saturday", "sunday", "night")
MAX_RADIUS_KM = 100


@dataclass(frozen=True)
class Criteria:
    code_insee: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    date: datetime.date | None = None
    age_months: int | None = None
    half_days: tuple = ()
    atypical: tuple = ()  # names among ATYPICAL_FIELDS
    atypical_hours: bool = False  # any atypical hours at all
    disability: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def wants_place(self):
        return self.age_months is not None or self.date is not None or bool(self.half_days)

    def as_json(self):
        data = asdict(self)
        data.pop("extra")
        data["date"] = self.date.isoformat() if self.date else None
        data["half_days"], data["atypical"] = list(self.half_days), list(self.atypical)
        return data

    @classmethod
    def from_json(cls, data):
        data = dict(data)
        if data.get("date"):
            data["date"] = datetime.date.fromisoformat(data["date"])
        data["half_days"] = tuple(data.get("half_days") or ())
        data["atypical"] = tuple(data.get("atypical") or ())
        return cls(**{key: value for key, value in data.items() if key in cls.__dataclass_fields__})


def free_places(criteria, today=None):
    """Declared availabilities that suit the criteria (the child's age on the date, the half-days)."""
    day = criteria.date or today or timezone.localdate()
    places = Availability.objects.free_on(day)
    if criteria.age_months is not None:
        places = places.filter(age_min_months__lte=criteria.age_months, age_max_months__gt=criteria.age_months)
    if criteria.half_days:
        places = places.filter(half_days__contains=list(criteria.half_days))
    return places


def search(criteria, *, today=None, queryset=None, listed_only=True):
    """Listed AM matching the criteria, fresh profiles first (then nearest, then by name).

    Profiles nobody confirmed for six months stay in the results, after the others.
    """
    today = today or timezone.localdate()
    ams = AssistantMaternel.objects.all() if queryset is None else queryset
    if listed_only:
        ams = ams.listed()
    order = ["stale_rank"]
    if criteria.code_insee:
        ams = ams.filter(code_insee=criteria.code_insee)
    if criteria.latitude is not None and criteria.longitude is not None and criteria.radius_km:
        ams = within_radius(
            ams,
            criteria.latitude,
            criteria.longitude,
            min(float(criteria.radius_km), MAX_RADIUS_KM),
            lat_field="coarse_latitude",
            lon_field="coarse_longitude",
        )
        order.append("distance_km")
    if criteria.wants_place:
        ams = ams.filter(Exists(free_places(criteria, today).filter(place__am=OuterRef("pk"))))
    for name in criteria.atypical:
        if name in ATYPICAL_FIELDS:
            ams = ams.filter(**{name: True})
    if criteria.atypical_hours:
        any_atypical = Q()
        for name in ATYPICAL_FIELDS:
            any_atypical |= Q(**{name: True})
        ams = ams.filter(any_atypical)
    if criteria.disability:
        ams = ams.filter(disability=True)
    ams = ams.annotate(
        stale_rank=Case(
            When(availability_confirmed_on__gte=today - STALE_AFTER, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    return ams.order_by(*order, "last_name", "first_name", "pk")


def search_page(criteria, **kwargs):
    """`search` with what a list page needs to publish each AM without a query per row."""
    return directory_queryset(search(criteria, **kwargs))


def territory_counts(collectivite):
    """Per commune: listed AM and MAM, with the commune's centre (the territory map's markers).

    Counts only: where profiles are not public the map says how many, never who.
    """
    from django.db.models import Count

    from rpe.models import Mam

    am_counts = dict(
        AssistantMaternel.objects.listed().values("code_insee").annotate(n=Count("pk")).values_list("code_insee", "n")
    )
    rows = []
    for commune in collectivite.territory():
        if am_counts.get(commune.code_insee):
            rows.append(
                {
                    "code_insee": commune.code_insee,
                    "name": commune.name,
                    "am": am_counts[commune.code_insee],
                    "lat": commune.latitude,
                    "lon": commune.longitude,
                }
            )
    mams = list(Mam.objects.annotate(members=Count("assistants_maternels")).order_by("name"))
    return rows, mams


def half_days_of(planning):
    """The half-days a weekly planning covers: morning before noon, afternoon after 13:30."""
    half_days = []
    for day, (start, end) in sorted(planning.items()):
        if start < "12:00":
            half_days.append(f"{day}_am")
        if end > "13:30":
            half_days.append(f"{day}_pm")
    return half_days
