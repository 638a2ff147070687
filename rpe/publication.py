"""The ONE place that decides what of an assistant maternel may leave the server, for whom.

Pages, API, exports, map data and sitemaps all build on `am_data(am, viewer)`. Families and
anonymous visitors get published fields only: a field the AM refused to publish (décret 2021-1131)
is absent, not empty, and her location is approximate unless her address is published. The staff of
her relais get everything plus her `publication` choices.

For list pages, prefetch `places__availability` (see `directory_queryset`) to avoid a query per AM.
"""

from django.db.models import Prefetch

from rpe.enums import AvailabilityStatus
from rpe.models import AgrementPlace
from rpe.perms import is_relais_staff_for

# Fields that appear only with the AM's consent, and the flag that gives it.
CONSENTED_FIELDS = {"phone": "publish_phone", "email": "publish_email", "address": "publish_address"}


def directory_queryset(queryset):
    """What a list of AM needs to be published without a query per row."""
    return queryset.prefetch_related(
        Prefetch("places", queryset=AgrementPlace.objects.select_related("availability"))
    ).select_related("mam", "relais")


def availability_items(am):
    """Declared free places: `{"from", "age_min_months", "age_max_months", "half_days", "count"}`."""
    items = []
    for place in am.places.all():
        availability = getattr(place, "availability", None)
        if availability is None or availability.status == AvailabilityStatus.NONE:
            continue
        start = availability.available_from if availability.status == AvailabilityStatus.FROM_DATE else None
        items.append(
            {
                "from": start or am.availability_confirmed_on or availability.updated_on.date(),
                "age_min_months": availability.age_min_months,
                "age_max_months": availability.age_max_months,
                "half_days": list(availability.half_days),
                "count": availability.count,
            }
        )
    return items


def am_data(am, viewer=None, *, commune_name=None):
    """A dict of what `viewer` may know of `am` (plain values: dates as date objects).

    `commune_name` maps a code INSEE to its name (e.g. `lambda code: ...` over the collectivité's
    communes); without it the code is repeated.
    """
    staff = viewer is not None and is_relais_staff_for(viewer, am)
    latitude, longitude = (am.latitude, am.longitude) if staff else am.public_location()
    data = {
        "id": am.pk,
        "display_name": am.display_name,
        "commune": commune_name(am.code_insee) if commune_name else am.code_insee,
        "code_insee": am.code_insee,
        "latitude": latitude,
        "longitude": longitude,
        "location_is_approximate": not (staff or (am.publish_address and am.latitude is not None)),
        "capacity": am.capacity,
        "availability": availability_items(am),
        "availability_updated_on": am.availability_confirmed_on,
        "is_stale": am.is_stale(),
        "workplace": am.workplace,
        "mam": am.mam.name if am.mam_id else None,
        "languages": list(am.languages),
        "early_hours": am.early_hours,
        "late_hours": am.late_hours,
        "saturday": am.saturday,
        "sunday": am.sunday,
        "night": am.night,
        "disability": am.disability,
        "periscolaire": am.periscolaire,
        "school_holidays": am.school_holidays,
        "emergency_cover": am.emergency_cover,
    }
    for field, flag in CONSENTED_FIELDS.items():
        if staff or getattr(am, flag):
            data[field] = getattr(am, field)
    if am.publish_address or staff:
        data["postal_code"] = am.postal_code
    if staff:
        data["publication"] = {field: getattr(am, flag) for field, flag in CONSENTED_FIELDS.items()}
        data.update(
            {
                "agrement_number": am.agrement_number,
                "agrement_date": am.agrement_date,
                "renewal_due_on": am.renewal_due_on,
                "birth_year": am.birth_year,
                "activity_status": am.activity_status,
                "relais": am.relais_id,
            }
        )
    return data


def unpublished_values(am):
    """The values of `am` that must never reach the public (what tests scan pages and exports for)."""
    values = [getattr(am, field) for field, flag in CONSENTED_FIELDS.items() if not getattr(am, flag)]
    if not am.publish_address and am.latitude is not None:
        values += [repr(am.latitude), repr(am.longitude)]
    return [value for value in values if value]
