from celery import shared_task

from observatoire import documents, services


@shared_task
def snapshots_nightly():
    """Recompute the current year's figures (run per collectivité by the beat)."""
    return services.snapshots_refresh()


@shared_task
def snapshot_on_demand(year):
    return services.snapshot_compute(year).year


@shared_task
def build_report(year):
    return documents.report_build(year).version


@shared_task
def build_guide(language):
    """Build the guide when its data changed and settled (debounced); one build at a time per collectivité."""
    return documents.guide_build_if_due(language)


@shared_task
def guides_sweep():
    """Build the guides that are missing or stale (first build, lost tasks)."""
    return documents.guides_sweep()
