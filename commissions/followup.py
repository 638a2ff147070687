"""What the guichet and the family read about an offer beside its own fields: when the place starts."""

from django.db.models import OuterRef, Subquery

from creches.models import PlaceOpening


def with_place_start(offers):
    """Annotate `starts_on`: the first opening of the offer's section within its session's window of places."""
    first_opening = (
        PlaceOpening.objects.filter(
            section=OuterRef("section"),
            available_from__gte=OuterRef("session__date"),
            available_from__lte=OuterRef("session__places_until"),
        )
        .order_by("available_from")
        .values("available_from")[:1]
    )
    return offers.annotate(starts_on=Subquery(first_opening))
