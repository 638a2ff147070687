"""With the broker down, nothing is lost: a family's deposit succeeds and its email leaves once Redis is back.

The suite's own Redis is left alone: this test starts its own redis-server on a free port, points the
Celery broker at it, stops it, and starts it again.
"""

import datetime
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus
from families.models import Application
from portal.celery import app
from portal.outbox.enums import MessageStatus
from portal.outbox.models import OutboxMessage
from portal.tasks import run_for_every_collectivite
from tests.families.factories import application_in, establishment_in, family_in
from tests.utils import client_for


class RedisServer:
    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def forget_the_broker():
    """Have Celery connect again, to the broker URL of now.

    Celery builds its pools of connections and of producers on the broker URL of the first task sent,
    even an eager one (it borrows a producer to serialise the arguments): both pools are dropped, or tasks
    would still go to the suite's Redis.
    """
    # Not app.close(): it also deregisters the app, and shared tasks imported later would then miss it.
    app._pool = None
    app.amqp._producer_pool = None  # as Celery does after a fork (Celery._after_fork)


@pytest.fixture
def broker(tmp_path):
    """The Celery app publishing to a Redis of this test's own, tasks no longer run eagerly."""
    server = RedisServer(tmp_path)
    server.start()
    saved = app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_timeout
    forget_the_broker()
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_timeout = server.url, False, 1
    yield server
    app.amqp.producer_pool.force_close_all()  # this test's Redis is going away
    forget_the_broker()
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_timeout = saved
    if server.process.poll() is None:
        server.stop()


def work_off_the_queue():
    """A worker, in this process: take each task from the broker and run it (in the test's transaction)."""
    ran = []
    with app.connection_for_read() as broker_connection:
        queue = broker_connection.SimpleQueue(app.conf.task_default_queue)
        while True:
            try:
                message = queue.get(timeout=5)  # generous: a loaded machine is slow to answer
            except queue.Empty:
                break
            args, kwargs, _embed = message.decode()
            message.ack()
            name = message.headers["task"]
            ran.append(name)
            app.tasks[name].apply(args=args, kwargs=kwargs, headers={"_schema_name": message.headers["_schema_name"]})
        queue.close()
    return ran


def test_with_redis_stopped_a_deposit_succeeds_and_its_email_leaves_when_redis_is_back(
    alpha, broker, mailoutbox, django_capture_on_commit_callbacks
):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    draft = application_in(alpha, family, child, establishment=establishment)
    client = client_for(alpha, user)
    broker.stop()
    with django_capture_on_commit_callbacks(execute=True):  # the nudges after commit find no broker
        response = client.post(f"/famille/demandes/{draft.pk}/deposer/", {"consent": "on"})
    assert response.status_code == 302
    with tenant_context(alpha):
        application = Application.objects.get(pk=draft.pk)
        assert application.status == ApplicationStatus.DEPOSEE
        waiting = OutboxMessage.objects.about(application).get()
        assert waiting.status == MessageStatus.PENDING
    connection.set_schema_to_public()
    assert mailoutbox == []

    broker.start()
    # The beat's minute: fan the drain out to every collectivité through the broker, then a worker runs it.
    run_for_every_collectivite.apply_async(args=("portal.outbox.tasks.drain",))
    ran = work_off_the_queue()
    assert "portal.outbox.tasks.drain" in ran
    assert [message.to for message in mailoutbox] == [[user.email]]
    assert application.number in mailoutbox[0].subject
    with tenant_context(alpha):
        sent = OutboxMessage.objects.get(pk=waiting.pk)
        assert sent.status == MessageStatus.SENT and sent.sent_at >= timezone.now() - datetime.timedelta(minutes=1)
