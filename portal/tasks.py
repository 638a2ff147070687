from celery import current_app, shared_task
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_tenant_model, tenant_context

from portal import mail


@shared_task
def send_email(*, subject, body, to, html_body=None, reply_to=None, from_email=None):
    """Send one email; runs inside the tenant schema of whoever queued it."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, reply_to=reply_to or None
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


def queue_email(*, subject, body, to, html_body=None, reply_to=None):
    """Send an email by the worker once the current transaction commits (never for rolled-back work).

    It comes from the current collectivité's sender and answers go to its contact address.
    """
    schema = connection.schema_name
    kwargs = {
        "subject": subject,
        "body": body,
        "to": list(to),
        "html_body": html_body,
        "reply_to": reply_to or mail.reply_to(),
        "from_email": mail.sender(),
    }
    transaction.on_commit(lambda: send_email.apply_async(kwargs=kwargs, headers={"_schema_name": schema}))


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
