"""Settings for the test suite: the real services, with what makes tests fast and deterministic."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from portal.settings import *  # noqa: E402, F403
from portal.settings import CACHES, STORAGES

# Fast hashing: the suite creates many accounts; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process, through the same tenant-aware task class as in the worker.
CELERY_TASK_ALWAYS_EAGER = True
CACHES["default"]["KEY_PREFIX"] = "guichet-test"
CACHES["shared"]["KEY_PREFIX"] = "guichet-test-shared"
ALLOWED_HOSTS = [".localhost", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
# Links in emails as a development server on port 8000 serves them.
PUBLIC_URL_SCHEME = "http"
PUBLIC_PORT = "8000"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"  # noqa: F405
# Static files straight from the source folders, as in development (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
# Whole test modules (schemathesis, fuzzing) call the API anonymously from one address; the throttle's
# own tests set a low rate (tests/portal/test_hardening.py).
API_ANONYMOUS_RATE = "100000/minute"
# The demo's attestations are built on first download in tests, not a thousand at each setup.
DEMO_ATTESTATIONS = False
