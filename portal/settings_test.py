"""Settings for the test suite: the real services, with what makes tests fast and deterministic."""

import os
import re

from django.conf import global_settings

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")


def _redis_database_of_this_worker(url, worker):
    """Each pytest-xdist worker its own Redis database: a test's `cache.clear()` (FLUSHDB) or its login
    rate-limit counters must not reach the test another worker is running at that moment."""
    index = int(worker.removeprefix("gw") or 0)
    if index == 0:
        return url
    if match := re.fullmatch(r"(.*[?&]db=)(\d+)(.*)", url) or re.fullmatch(r"(.*/)(\d+)()", url):
        head, number, tail = match.groups()
        return f"{head}{(int(number) + 8 * index) % 16}{tail}"
    separator = "&" if "?" in url else "?"
    return (
        f"{url}{separator}db={8 * index % 16}" if url.startswith("unix://") else f"{url.rstrip('/')}/{8 * index % 16}"
    )


if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_database_of_this_worker(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from portal.settings import *  # noqa: E402, F403
from portal.settings import CACHES, STORAGES  # noqa: E402

# Fast hashing: the suite creates many accounts; production keeps Django's default. Django's own hashers
# stay accepted: the `make run` test seeds the test database under the production settings, which hash
# the demo passwords again their way, and the browser tests still sign in with them afterwards.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]
# Tasks run in-process, through the same tenant-aware task class as in the worker.
CELERY_TASK_ALWAYS_EAGER = True
# No spare copies of the template (a second each): tests of portal.spares ask for them.
TENANT_SPARE_SCHEMAS = 0
CACHES["default"]["KEY_PREFIX"] = "guichet-test"
CACHES["shared"]["KEY_PREFIX"] = "guichet-test-shared"
ALLOWED_HOSTS = [".localhost", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
# Links in emails as a development server on port 8000 serves them.
PUBLIC_URL_SCHEME = "http"
PUBLIC_PORT = "8000"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# One folder per xdist worker: a test that checks nothing was stored lists the folder, and must not see the files
# another worker's tests are writing at that moment.
MEDIA_ROOT = BASE_DIR / ".local" / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405
# Static files straight from the source folders, as in development (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
# Whole test modules (schemathesis, fuzzing) call the API anonymously from one address; the throttle's
# own tests set a low rate (tests/portal/test_hardening.py).
API_ANONYMOUS_RATE = "100000/minute"
# The demo's attestations are built on first download in tests, not a thousand at each setup.
DEMO_ATTESTATIONS = False
