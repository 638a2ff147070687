from celery import shared_task

from portal.outbox.services import outbox_drain, outbox_purge


@shared_task
def drain():
    """Send the current collectivité's due messages (the beat runs it every minute in every schema)."""
    return outbox_drain()


@shared_task
def purge():
    """Daily, in every collectivité: forget the finished messages that are no longer needed."""
    return outbox_purge()
