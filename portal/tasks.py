from celery import current_app, shared_task
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import get_tenant_model, tenant_context

from portal import mail
from portal.outbox.services import outbox_enqueue
from portal.outbox.tasks import drain


def enqueue_on_commit(task, *args):
    """Have the worker run `task(*args)` in the current collectivité once the transaction commits.

    `task` is a Celery task or its dotted path ("families.tasks.build_attestation"): a service names the
    task it queues rather than importing the tasks module that imports it (no import circle).
    Never for rolled-back work. If the broker cannot be reached the failure is logged, not raised: the
    change is committed already. Work that must not be lost goes through a table and a periodic job
    instead (emails: the outbox).
    """
    schema = connection.schema_name

    def send():
        runner = import_string(task) if isinstance(task, str) else task
        runner.apply_async(args=list(args), headers={"_schema_name": schema})

    transaction.on_commit(send, robust=True)


def queue_email(
    *,
    subject,
    body,
    to,
    html_body=None,
    reply_to=None,
    from_email=None,
    key=None,
    about=None,
    version=None,
    send_at=None,
):
    """Write an email in the collectivité's outbox, in the current transaction (portal.outbox.services).

    It comes from the current collectivité's sender and answers go to its contact address.

    `about` is the object the email is about (staff see it on that object); with `key` (the kind of
    message) and `version`, the same email is queued once however often it is asked for. `send_at`
    schedules it. After commit, a drain is nudged; the periodic drain sends it if the nudge is lost.
    """
    message = outbox_enqueue(
        to=to,
        subject=subject,
        body=body,
        html_body=html_body,
        reply_to=reply_to or mail.reply_to(),
        from_email=from_email or mail.sender(),
        kind=key or "email",
        about=about,
        version=version,
        send_at=send_at,
    )
    if send_at is None or send_at <= timezone.now():
        enqueue_on_commit(drain)
    return message


@shared_task
def send_email(*, subject, body, to, html_body=None, reply_to=None):
    """Emails handed to the broker before the outbox existed: into the outbox with them."""
    queue_email(subject=subject, body=body, to=to, html_body=html_body, reply_to=reply_to)


@shared_task
def run_for_every_collectivite(task_name, *args):
    """Periodic jobs run in the public schema; this fans a task out to every collectivité."""
    task = current_app.tasks[task_name]
    for collectivite in get_tenant_model().objects.exclude(schema_name="public"):
        with tenant_context(collectivite):
            task.apply_async(args=args, headers={"_schema_name": collectivite.schema_name})


@shared_task
def clear_expired_sessions():
    return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]


@shared_task
def spare_schemas_refill():
    """Keep spare copies of the template ready, so that creating a collectivité is a rename (portal.spares)."""
    from portal.spares import spares_refill

    return spares_refill()
