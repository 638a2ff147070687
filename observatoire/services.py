"""Every write of the observatoire: snapshots, children's arrivals and departures, population import."""

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions.enums import OfferStatus
from families.enums import Actor, ApplicationStatus
from families.services import application_transition
from observatoire import compute
from observatoire.departement.services import share_publish, share_withdraw
from observatoire.indicators import published_tables
from observatoire.models import ObservatoireSettings, Snapshot, Stay


def snapshot_compute(year, today=None):
    """Compute the year's figures and store them (one row per year, replaced)."""
    started = time.perf_counter()
    data = compute.compute(year, today)
    snapshot, _created = Snapshot.objects.update_or_create(
        year=year,
        defaults={
            "data": data,
            "computed_at": timezone.now(),
            "duration_ms": round((time.perf_counter() - started) * 1000),
        },
    )
    if ObservatoireSettings.current().share_with_departement:
        share_publish(published_tables(snapshot.data, snapshot.computed_at))
    return snapshot


def sharing_set(*, enabled):
    """Opt in or out of the département view; opting out withdraws what was shared."""
    ObservatoireSettings.objects.update_or_create(pk=1, defaults={"share_with_departement": enabled})
    if enabled:
        year = timezone.localdate().year
        snapshot = Snapshot.objects.filter(year=year).first() or snapshot_compute(year)
        share_publish(published_tables(snapshot.data, snapshot.computed_at))
    else:
        share_withdraw()


def snapshots_refresh(today=None):
    """The nightly run: the current year, and last year's once more in January (its last days' states)."""
    today = today or timezone.localdate()
    years = [today.year]
    if today.month == 1 or not Snapshot.objects.filter(year=today.year - 1).exists():
        years.insert(0, today.year - 1)
    return [snapshot_compute(year, today).year for year in years]


@transaction.atomic
def stay_confirm_arrival(*, offer, arrived_on, user):
    """The director confirms the child arrived: a stay starts and the request is admitted."""
    offer = type(offer).objects.select_for_update().select_related("application").get(pk=offer.pk)
    if offer.status != OfferStatus.ACCEPTED:
        raise ValidationError(_("Seule une place acceptée par la famille peut donner lieu à une arrivée."))
    if Stay.objects.filter(offer=offer).exists():
        raise ValidationError(_("L'arrivée de cet enfant est déjà enregistrée."))
    if arrived_on > timezone.localdate():
        raise ValidationError(_("La date d'arrivée ne peut pas être dans le futur."))
    stay = Stay.objects.create(
        establishment_id=offer.establishment_id, offer=offer, arrived_on=arrived_on, recorded_by=user
    )
    if offer.application.status == ApplicationStatus.ACCEPTEE:
        application_transition(
            application=offer.application, to_status=ApplicationStatus.ADMISE, actor=Actor.STAFF, user=user
        )
    return stay


@transaction.atomic
def stay_record_departure(*, stay, left_on, reason, user):
    stay = Stay.objects.select_for_update().get(pk=stay.pk)
    if stay.left_on is not None:
        raise ValidationError(_("Le départ de cet enfant est déjà enregistré."))
    if left_on < stay.arrived_on:
        raise ValidationError(_("Le départ ne peut pas précéder l'arrivée."))
    stay.left_on, stay.departure_reason, stay.recorded_by = left_on, reason, user
    stay.save(update_fields=["left_on", "departure_reason", "recorded_by", "updated_at"])
    return stay


def population_dataset(content, file_format):
    from creches.services import establishments_dataset

    return establishments_dataset(content, file_format)


def population_import(*, dataset, year, dry_run):
    """Import the INSEE children under 3 per commune; returns the per-row report (nothing written if any error)."""
    from observatoire.resources import PopulationResource, normalise_headers

    dataset = normalise_headers(dataset, year)
    result = PopulationResource().import_data(
        dataset, dry_run=dry_run, raise_errors=False, use_transactions=True, rollback_on_validation_errors=True
    )
    return result


def for_year(year, *, compute_if_missing=True):
    """The published figures of `year` from its snapshot (computed now if it has none)."""
    snapshot = Snapshot.objects.filter(year=year).first()
    if snapshot is None:
        if not compute_if_missing:
            return None
        snapshot = snapshot_compute(year)
    return published_tables(snapshot.data, snapshot.computed_at)
