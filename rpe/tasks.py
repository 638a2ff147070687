from celery import shared_task

from rpe.services import reminders_send


@shared_task
def availability_reminders_daily():
    """J-30 and J-7 reminders of the 1 June and 1 December deadlines (run per collectivité)."""
    return reminders_send()


from rpe.tasks_offers import job_offers_expire_today  # noqa: E402, F401  (rpesearch: registered with Celery)
