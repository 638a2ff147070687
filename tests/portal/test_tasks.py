from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from portal.celery import app
from portal.tasks import clear_expired_sessions, enqueue_on_commit, queue_email, run_for_every_collectivite


def expired_session():
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    return store.session_key


def test_periodic_jobs_run_inside_every_collectivite(alpha, beta):
    keys = {}
    for collectivite in (alpha, beta):
        with tenant_context(collectivite):
            keys[collectivite.slug] = expired_session()
    connection.set_schema_to_public()
    run_for_every_collectivite.delay(clear_expired_sessions.name)
    for collectivite in (alpha, beta):
        with tenant_context(collectivite):
            assert not Session.objects.filter(session_key=keys[collectivite.slug]).exists()


def test_the_schedule_clears_expired_sessions_of_the_platform_and_of_every_collectivite(alpha, beta):
    """Platform operators sign in on the public schema: their expired sessions go too."""
    keys = {"public": expired_session()}
    for collectivite in (alpha, beta):
        with tenant_context(collectivite):
            keys[collectivite.schema_name] = expired_session()
    connection.set_schema_to_public()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():  # as beat sends them: from the public schema
        if clear_expired_sessions.name in (entry["task"], *entry.get("args", ())):
            app.tasks[entry["task"]].apply_async(args=entry.get("args", ()))
    for schema, key in keys.items():
        with schema_context(schema):
            assert not Session.objects.filter(session_key=key).exists(), schema


def test_emails_are_sent_by_a_task_inside_the_right_collectivite(
    alpha, mailoutbox, django_capture_on_commit_callbacks
):
    seen = []
    from portal.outbox import services

    original = services.EmailMultiAlternatives.send

    def record_schema(message, *args, **kwargs):
        seen.append(connection.schema_name)
        return original(message, *args, **kwargs)

    services.EmailMultiAlternatives.send = record_schema
    try:
        with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
            queue_email(subject="Objet", body="Corps", to=["a@b.fr"])
    finally:
        services.EmailMultiAlternatives.send = original
    assert seen == ["alpha"]
    assert mailoutbox[0].subject == "Objet"


def test_no_email_leaves_for_work_that_was_rolled_back(alpha, mailoutbox, django_capture_on_commit_callbacks):
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_email(subject="Objet", body="Corps", to=["a@b.fr"])
    assert len(callbacks) == 1  # queued for commit only
    assert mailoutbox == []


def test_a_task_named_by_its_path_runs_after_commit_in_the_current_collectivite(
    alpha, django_capture_on_commit_callbacks
):
    """Services name the task they queue (no import of tasks.py): it runs once committed, in their schema."""
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=False) as callbacks:
        key = expired_session()
        enqueue_on_commit("portal.tasks.clear_expired_sessions")
        assert Session.objects.filter(session_key=key).exists()  # nothing runs before the commit
    connection.set_schema_to_public()
    for callback in callbacks:
        callback()
    with tenant_context(alpha):
        assert not Session.objects.filter(session_key=key).exists()
