"""`make run` stops what it started: Ctrl-C, SIGTERM or a crash frees the port, and it starts again cleanly.

The real `python -m portal.devserver run` against this suite's database and Redis (already migrated and
seeded: its migrate and seed steps run and find nothing to do), on a free port.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import psutil
import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from portal.accounts.models import User
from portal.demo import DEMO_PASSWORD
from portal.models import Collectivite

STARTUP_TIMEOUT = 240


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def devserver_env(db, tmp_path):
    database = connection.settings_dict
    # A developer's terminal: none of what the test settings put in the environment.
    test_only = ("DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST", "DEBUG", "SECRET_KEY")
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    # The embedded PostgreSQL of `make test` listens on a unix socket, its folder in OPTIONS (`?host=`).
    host = database["HOST"] or database["OPTIONS"].get("host", "")
    address = quote(host, safe="") if host.startswith("/") else f"{host}:{database['PORT']}"
    env.update(
        {
            "DATABASE_URL": f"postgresql://{database['USER']}@{address}/{database['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "PORT": str(free_port()),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    return env


def ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Devserver:
    """`make run` as a terminal runs it: the foreground process group of its own session."""

    def __init__(self, env, log):
        self.port = int(env["PORT"])
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "portal.devserver", "run"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Started as a shell starts a background job: SIGINT ignored, which Ctrl-C must still override.
            preexec_fn=ignore_sigint,
        )

    def wait_until_serving(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "make run stopped while starting"
            commands = [command_of(process) for process in self.descendants()]
            worker_and_beat = any("worker" in c for c in commands) and any(" beat" in c for c in commands)
            # runserver's autoreload child is the one that listens: two runserver processes.
            if listening(self.port) and worker_and_beat and sum("runserver" in c for c in commands) == 2:
                return self.descendants()
            time.sleep(0.5)
        raise AssertionError(f"not serving on {self.port} after {STARTUP_TIMEOUT} s")

    def descendants(self):
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def wait(self):
        try:
            return self.process.wait(timeout=60)
        finally:
            self.log.close()

    def kill_everything(self):
        """After a failed assertion: nothing of this test may outlive it."""
        for process in [*self.descendants(), psutil.Process(self.process.pid)]:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        self.process.wait()


def command_of(process):
    try:
        return " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return ""


def gone(processes):
    alive = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(command_of(process))
        except psutil.NoSuchProcess:
            pass
    return alive == []


@pytest.fixture
def devserver(devserver_env, tmp_path):
    started = []

    def start():
        started.append(Devserver(devserver_env, tmp_path / "make-run.log"))
        return started[-1]

    yield start
    for server in started:
        if server.process.poll() is None:
            server.kill_everything()
        server.log.close()


def test_ctrl_c_stops_everything_frees_the_port_and_a_second_run_starts_cleanly_until_sigterm(
    devserver, devserver_env, tmp_path
):
    log = tmp_path / "make-run.log"
    port = int(devserver_env["PORT"])

    # Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
    server = devserver()
    children = server.wait_until_serving()
    os.killpg(server.process.pid, signal.SIGINT)
    assert server.wait() == 0
    assert gone(children), log.read_text()
    assert not listening(port)

    # Started again on the same data and port; stopped by SIGTERM (a service manager, `kill`).
    server = devserver()
    children = server.wait_until_serving()
    server.process.terminate()
    assert server.wait() == 0
    assert gone(children), log.read_text()
    assert not listening(port)
    assert "That port is already in use" not in log.read_text()
    # Its seed ran on this suite's database under the production settings: the demo accounts the
    # browser tests sign in with afterwards still take their password.
    with tenant_context(Collectivite.objects.get(slug="metz")):
        assert User.objects.get(email="agent@metz.demo").check_password(DEMO_PASSWORD)
    connection.set_schema_to_public()


# --- The supervisor alone, with small stand-ins for its children (fast) ----------------------------


# Like runserver: a parent that starts the child which actually listens (its autoreload child).
def stand_in(tmp_path, port):
    script = tmp_path / "reloader.py"
    script.write_text(
        "import socket, subprocess, sys, time\n"
        "if len(sys.argv) > 1:\n"
        "    server = socket.socket(); server.bind(('127.0.0.1', int(sys.argv[1]))); server.listen()\n"
        "    time.sleep(600)\n"
        f"subprocess.run([sys.executable, __file__, '{port}'])\n"
    )
    return [sys.executable, str(script)]


def test_when_one_child_dies_the_supervisor_stops_every_other_group_and_frees_the_port(tmp_path):
    from portal.devserver import Supervisor

    port = free_port()
    supervisor = Supervisor(dict(os.environ))
    supervisor.start(*stand_in(tmp_path, port))
    supervisor.start(sys.executable, "-c", "import time; time.sleep(600)")
    try:
        deadline = time.monotonic() + 30
        while not listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert listening(port)
        everything = [
            process
            for child in supervisor.children
            for process in [psutil.Process(child.pid), *psutil.Process(child.pid).children(recursive=True)]
        ]
        assert len(everything) == 3
        supervisor.children[1].kill()  # the "worker" crashes
        assert supervisor.wait_for_an_exit() is supervisor.children[1]
        supervisor.stop()
        assert gone(everything)
        assert not listening(port)
    finally:
        for child in supervisor.children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
