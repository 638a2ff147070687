"""Daily task of the job offers (run per collectivité by portal.tasks.run_for_every_collectivite)."""

from celery import shared_task

from rpe.offers import job_offers_expire


@shared_task
def job_offers_expire_today():
    """Published offers past their date leave the board (in the current collectivité)."""
    return job_offers_expire()
