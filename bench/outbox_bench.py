"""Benchmark of the outbox: 10,000 due emails across 50 collectivités drained by one Celery worker.

Runs against its own database (<DATABASE_URL's name>_outbox, dropped and recreated) and the Redis of
REDIS_URL. This script plays the beat: whenever the broker's queue is empty it fans the drain out to
every collectivité. The worker's email backend (bench/outbox_sink.py) appends each Message-ID it sends
to a file, from which duplicates and losses are counted. A second run kills the worker (SIGKILL) once
half the emails are out and starts another one. Delivery is at least once: if the kill lands between an
email's send and the commit of its "sent" state (about a millisecond out of each message's time), that
email is sent again after the lease, with the same Message-ID, and counted here as one duplicate.
    python bench/outbox_bench.py [--json out.json] [--collectivites 50] [--messages 10000]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchdb import fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")
LEASE_SECONDS = 5  # short, so that the rows a killed worker held come back within the run
TIMEOUT_SECONDS = 600


def start_worker(sink):
    env = {
        **os.environ,
        "OUTBOX_BENCH_SINK": str(sink),
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "EMAIL_BACKEND": "outbox_sink.RecordingBackend",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=WARNING",
               "--without-heartbeat", "--without-gossip", "--without-mingle"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603


def wait_until_ready(app, worker):
    """The clock starts once the worker answers: its start-up (Django, autodiscovery) is not drain time."""
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker stopped")


def sent_ids(sink):
    return sink.read_text().split() if sink.exists() else []


def seed(schemas, per_schema):
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from portal.outbox.models import OutboxMessage

    expected = set()
    for schema in schemas:
        with schema_context(schema):
            OutboxMessage.objects.all().delete()
            rows = OutboxMessage.objects.bulk_create(
                OutboxMessage(
                    kind="bench", version=str(index), to=[f"famille{index}@exemple.fr"], subject=f"Message {index}",
                    body="Bonjour,\n\nVotre demande avance.\n", html_body="<p>Bonjour,</p><p>Votre demande avance.</p>",
                    due_at=timezone.now(),
                )
                for index in range(per_schema)
            )  # fmt: skip
            domain = "localhost"
            expected |= {f"<outbox.{schema}.{row.pk}@{domain}>" for row in rows}
    return expected


def run(schemas, per_schema, *, kill):
    import redis
    from django.conf import settings

    from portal.celery import app
    from portal.tasks import run_for_every_collectivite

    expected = seed(schemas, per_schema)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    app.control.purge()
    sink = Path(tempfile.mkdtemp()) / "sent.txt"
    worker = start_worker(sink)
    wait_until_ready(app, worker)
    started, killed_at = time.perf_counter(), None
    try:
        while time.perf_counter() - started < TIMEOUT_SECONDS:
            sent = sent_ids(sink)
            if len(set(sent)) >= len(expected):
                break
            if kill and killed_at is None and len(sent) >= len(expected) // 2:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
                killed_at = len(sent)
                worker = start_worker(sink)  # restarted at once; the dead one's rows wait for their lease
            if broker.llen(app.conf.task_default_queue) == 0:
                run_for_every_collectivite.apply_async(args=("portal.outbox.tasks.drain",))
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()
    sent = sent_ids(sink)
    counts = Counter(sent)
    return {
        "messages": len(expected),
        "collectivites": len(schemas),
        "time_s": round(elapsed, 2),
        "messages_per_s": round(len(expected) / elapsed, 1),
        "duplicates": sum(count - 1 for count in counts.values()),
        "lost": len(expected - set(sent)),
        **({"killed_after_sent": killed_at, "lease_s": LEASE_SECONDS} if kill else {}),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--collectivites", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10_000)
    options = parser.parse_args()
    database = fresh_database("_outbox")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.tenancy import collectivite_create

    call_command("migrate_schemas", interactive=False, verbosity=0)
    schemas = [f"envoi_{index:03d}" for index in range(options.collectivites)]
    for index, schema in enumerate(schemas):
        collectivite_create(schema=schema, name=f"Envoi {index}", domain=f"envoi-{index}.localhost")
    connection.set_schema_to_public()
    per_schema = options.messages // options.collectivites
    results = {
        "outbox": {
            "database": database,
            "one_worker": run(schemas, per_schema, kill=False),
            "worker_killed_once": run(schemas, per_schema, kill=True),
        }
    }
    connection.close()
    print(json.dumps(results, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
