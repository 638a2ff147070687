"""What the guichet and the family read about an offer beside its own fields: when the place starts."""

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from creches.models import PlaceOpening


def with_place_start(offers):
    """Annotate `starts_on`: the offered place's date in the ledger.

    Offers made before the ledger have no place: for them, the first opening of the offer's section within its
    session's window of places.
    """
    first_opening = (
        PlaceOpening.objects.filter(
            section=OuterRef("section"),
            available_from__gte=OuterRef("session__date"),
            available_from__lte=OuterRef("session__places_until"),
        )
        .order_by("available_from")
        .values("available_from")[:1]
    )
    return offers.annotate(starts_on=Coalesce(F("place__starts_on"), Subquery(first_opening)))
