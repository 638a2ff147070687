"""Page speed against the floor: the portal under gunicorn next to a Django app that does nothing.

Needs `wrk` (Debian: `apt-get install wrk`). Runs against its own database
(<DATABASE_URL's name>_bench_pages, with the demo collectivités), dropped afterwards; loopback only.
    python bench/pages_bench.py [--json out.json] [--duration 8] [--portal-dir DIR]

Serves the portal with gunicorn (2 workers, DEBUG off, static files collected, persistent database
connections as in docker-compose.yml) and bench/floor_app.py (no database, no middleware) the same
way, then loads each page with 50 concurrent clients for `--duration` seconds: the welcome page and
the catalogue (anonymous), the family's dashboard (parent) and the agent's queue (agent). Each page
is compared with the floor app answering a page of the same size. `--portal-dir` serves another
checkout of the portal (e.g. an older commit, to measure before and after).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchdb import drop_database, fresh_database

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
HOST = "metz.localhost"
PORTAL_PORT, FLOOR_PORT = 8431, 8432
CLIENTS = 50
PAGES = {
    "welcome": ("/", None),
    "catalogue": ("/creches/", None),
    "family_dashboard": ("/famille/", "parent@metz.demo"),
    "agent_queue": ("/guichet/demandes/", "agent@metz.demo"),
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def server_environment(database_url, conn_max_age):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench-pages-only",  # noqa: S106 - a throwaway benchmark database
        SECURE_COOKIES="0",
        CONN_MAX_AGE=str(conn_max_age),
        CACHE_KEY_PREFIX="bench-pages",
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    return env


def manage(env, *arguments, cwd=ROOT):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=cwd, env=env, check=True)  # noqa: S603


def session_cookies(env):
    """A signed-in session of each account the pages need, made by Django itself (as a login would)."""
    script = (
        "import json\n"
        "from django.test import Client\n"
        "from django_tenants.utils import tenant_context\n"
        "from portal.accounts.models import User\n"
        "from portal.models import Collectivite\n"
        f"emails = {sorted({email for _path, email in PAGES.values() if email})!r}\n"
        "cookies = {}\n"
        f"with tenant_context(Collectivite.objects.get(slug='metz')):\n"
        "    for email in emails:\n"
        f"        client = Client(HTTP_HOST='{HOST}')\n"
        "        client.force_login(User.objects.get(email=email))\n"
        "        cookies[email] = client.cookies['sessionid'].value\n"
        "print(json.dumps(cookies))\n"
    )
    output = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return json.loads(output.stdout.decode().strip().splitlines()[-1])


def serve(env, cwd, application, port):
    command = [
        str(VENV_BIN / "gunicorn"),
        application,
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(cwd),
    ]
    process = subprocess.Popen(command, env=env)  # noqa: S603
    for _attempt in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)  # noqa: S310 - loopback
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.2)
    return process


def fetch(port, path, headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.status, len(response.read())


def wrk(url, headers, duration):
    command = ["wrk", "-t2", f"-c{CLIENTS}", f"-d{duration}s", "--timeout", "5s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk: erreurs sur {url}\n{output}")
    timeouts = re.search(r"timeout (\d+)", output)
    latency = {
        percent: round(float(value) * UNITS[unit], 2)
        for percent, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    }
    return {
        "requests_per_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))),
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--portal-dir", default=str(ROOT), help="checkout of the portal to serve")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE of the portal (compose: 60)")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk manque : apt-get install wrk")
    database = fresh_database("_bench_pages")
    env = server_environment(os.environ["DATABASE_URL"], options.conn_max_age)
    print("== base, démo, fichiers statiques", flush=True)
    manage(env, "migrate_schemas", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--allow-demo", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0", cwd=options.portal_dir)
    cookies = session_cookies(env)
    subprocess.run(  # noqa: S603 - a clean cache: the first request of each page fills it
        [
            sys.executable,
            "-c",
            "import os, redis; r = redis.Redis.from_url(os.environ['REDIS_URL'])\n"
            "for key in r.scan_iter('bench-pages*'): r.delete(key)",
        ],
        env=env,
        check=False,
    )

    servers = [
        serve(env, options.portal_dir, "portal.wsgi:application", PORTAL_PORT),
        serve(env, HERE, "floor_app:application", FLOOR_PORT),
    ]
    results = {}
    try:
        for name, (path, email) in PAGES.items():
            headers = {"Host": HOST}
            if email:
                headers["Cookie"] = f"sessionid={cookies[email]}"
            status, size = fetch(PORTAL_PORT, path, headers)
            if status != 200:
                raise RuntimeError(f"{path} : {status}")
            wrk(f"http://127.0.0.1:{PORTAL_PORT}{path}", headers, 1)  # warm-up
            portal = wrk(f"http://127.0.0.1:{PORTAL_PORT}{path}", headers, options.duration)
            floor_url = f"http://127.0.0.1:{FLOOR_PORT}/{size}/"
            wrk(floor_url, {}, 1)
            floor = wrk(floor_url, {}, options.duration)
            results[name] = {
                "path": path,
                "bytes": size,
                **portal,
                "floor_requests_per_s": floor["requests_per_s"],
                "floor_p50_ms": floor["p50_ms"],
                "floor_p99_ms": floor["p99_ms"],
                "ratio_of_floor": round(portal["requests_per_s"] / floor["requests_per_s"], 3),
            }
            print(name, json.dumps(results[name]), flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        if not options.keep:
            drop_database(database)
    results = {
        "pages": {"clients": CLIENTS, "duration_s": options.duration, "portal_dir": options.portal_dir, **results}
    }
    print(json.dumps(results, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
