"""Settings of the Guichet unique petite enfance.

Everything that differs between a laptop, CI and production comes from the
environment (see README, "Configuration").
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set outside DEBUG")
    SECRET_KEY = "dev-only-secret-key-not-for-production"

# Every collectivité is served at <slug>.<PLATFORM_DOMAIN>; the platform itself at PLATFORM_DOMAIN.
PLATFORM_DOMAIN = os.environ.get("PLATFORM_DOMAIN", "localhost")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", f".{PLATFORM_DOMAIN},{PLATFORM_DOMAIN}").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# How many reverse proxies under our control append to X-Forwarded-For (README, "Configuration").
# 0: the header is ignored and the client is the connection's address; 1 behind one proxy, and so on.
# Login limits (allauth) and the API's throttles count per client address: a wrong count makes every
# visitor look like the proxy (one lockout for all) or lets a visitor choose its own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- Applications -----------------------------------------------------------------------------
# Apps in both lists have their tables in the public schema (platform operators) and in every
# collectivité's schema (its own users): a session or an account never crosses collectivités.
ACCOUNT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "portal.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

SHARED_APPS = [
    # portal comes first so that its migrate_schemas (which keeps the template schema current) wins.
    "portal",
    "portal.outbox",  # also a tenant app: the platform and each collectivité have their own outbox
    "django_tenants",
    *ACCOUNT_APPS,
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "import_export",
    # The département view: only the aggregates collectivités choose to share, in the public schema.
    "observatoire.departement",
]

# The domain apps: each mounts its own pages, API, menu entries and sitemaps (portal.registry), in this order.
DOMAIN_APPS = ["families", "creches", "rpe", "commissions", "observatoire"]

TENANT_APPS = [
    *ACCOUNT_APPS,
    "portal.outbox",
    *DOMAIN_APPS,
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "portal.Collectivite"
TENANT_DOMAIN_MODEL = "portal.Domain"
PUBLIC_SCHEMA_URLCONF = "portal.urls_public"
ROOT_URLCONF = "portal.urls"
TENANT_LIMIT_SET_CALLS = True
# New collectivités are cloned from a migrated template schema (seconds instead of a full migrate).
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_BASE_SCHEMA = "modele_collectivite"
# Copies of the template kept ready by the worker: creating a collectivité renames one (portal.spares).
TENANT_SPARE_SCHEMAS = int(os.environ.get("TENANT_SPARE_SCHEMAS", "2"))
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False

MIDDLEWARE = [
    "portal.middleware.RequestBodyLimitMiddleware",
    "portal.middleware.CachedTenantMiddleware",
    "portal.middleware.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.StaffMFARequiredMiddleware",
    "portal.middleware.PrivateResponsesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# --- Database, cache, broker --------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/guichet"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# django-tenants' backend, minus a `SET search_path` per request when the connection already holds it.
DATABASES["default"]["ENGINE"] = "portal.postgresql_backend"
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "portal.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Keys carry the schema name: one collectivité never reads another's cache entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "guichet"),
    },
    # Entries about several collectivités (routing, cached public pages): their keys name the schema.
    "shared": {
        "BACKEND": "portal.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "guichet") + "-shared",
    },
}

# kombu names a Redis unix socket redis+socket:// (the embedded Redis of `make run` listens on one).
CELERY_BROKER_URL = os.environ.get(
    "CELERY_BROKER_URL",
    REDIS_URL.replace("unix://", "redis+socket://", 1).replace("?db=", "?virtual_host=", 1)
    if REDIS_URL.startswith("unix://")
    else REDIS_URL,
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Emails: each schema's outbox is drained every minute, whatever happened to the nudges.
    "courriels": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 60,
        "args": ("portal.outbox.tasks.drain",),
    },
    "courriels-plateforme": {"task": "portal.outbox.tasks.drain", "schedule": 60, "args": ()},
    # Spare copies of the template, refilled after each creation; this catches a lost nudge or a migration.
    "schemas-de-reserve": {"task": "portal.tasks.spare_schemas_refill", "schedule": 300, "args": ()},
    "courriels-effaces": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("portal.outbox.tasks.purge",),
    },
    "sessions-expirees": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("portal.tasks.clear_expired_sessions",),
    },
    # Beat runs in the public schema: the platform operators' own expired sessions.
    "sessions-expirees-plateforme": {"task": "portal.tasks.clear_expired_sessions", "schedule": 24 * 3600, "args": ()},
    "renouvellements": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("families.tasks.renewals_daily",),
    },
    "attestations": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 3600,
        "args": ("families.tasks.attestations_sweep",),
    },
    "conservation": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("families.tasks.retention_daily",),
    },
    "observatoire-indicateurs": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("observatoire.tasks.snapshots_nightly",),
    },
    "guide-petite-enfance": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 300,
        "args": ("observatoire.tasks.guides_sweep",),
    },
    "propositions-expirees": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("commissions.tasks.offers_expire_daily",),
    },
    "rendez-vous-plus-tot": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("rpe.booking.tasks.waiting_list_daily",),
    },
    # Relais: remind assistants maternels to declare their availability before 1 June and 1 December.
    "disponibilites-am": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("rpe.tasks.availability_reminders_daily",),
    },
    # Relais: job offers past their date leave the board.
    "annonces-expirees": {
        "task": "portal.tasks.run_for_every_collectivite",
        "schedule": 24 * 3600,
        "args": ("rpe.tasks_offers.job_offers_expire_today",),
    },
}
CELERY_TIMEZONE = "Europe/Paris"

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's defaults, stated: they live in the (Redis) cache, per collectivité.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_ADAPTER = "portal.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Guichet petite enfance"
MFA_RECOVERY_CODE_COUNT = 10

SOCIALACCOUNT_ADAPTER = "portal.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
# FranceConnect is an OpenID Connect provider; it is offered only when configured.
FRANCECONNECT_CLIENT_ID = os.environ.get("FRANCECONNECT_CLIENT_ID", "")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": (
            [
                {
                    "provider_id": "franceconnect",
                    "name": "FranceConnect",
                    "client_id": FRANCECONNECT_CLIENT_ID,
                    "secret": os.environ.get("FRANCECONNECT_SECRET", ""),
                    "settings": {
                        "server_url": os.environ.get(
                            "FRANCECONNECT_SERVER_URL",
                            "https://fcp-low.sbx.dev-franceconnect.fr/api/v2/.well-known/openid-configuration",
                        ),
                        "scope": ["openid", "given_name", "family_name", "email"],
                        "token_auth_method": "client_secret_post",
                    },
                }
            ]
            if FRANCECONNECT_CLIENT_ID
            else []
        ),
    }
}

# Sessions stay in each schema's table (closing a collectivité removes them); each request reads them
# from the cache ("default": its keys carry the schema), written through on every change.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files live per collectivité (MEDIA_ROOT/<schema>/...) and are never
# served directly: views check who asks before streaming them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".local" / "media"))
MEDIA_URL = "/fichiers/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Form fields without their files (files are streamed to disk and checked by families.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A whole request body: one 10 MB piece and its form. Larger is refused (413) before being read;
# the reverse proxy caps at the same 12 MB (README, "Configuration").
REQUEST_BODY_MAX_SIZE = 12 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Platform emails (errors, operators); a collectivité's emails come from its own sender (portal.mail).
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", f"Guichet petite enfance <ne-pas-repondre@{PLATFORM_DOMAIN}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails: the scheme and port the platform is reached on from outside (see portal.mail).
# In development, PUBLIC_PORT is the runserver's port (8000), so that links work as they are.
PUBLIC_URL_SCHEME = os.environ.get("PUBLIC_URL_SCHEME", "http" if DEBUG else "https")
PUBLIC_PORT = os.environ.get("PUBLIC_PORT", "")
# The outbox (portal/outbox): how long a worker holds the rows it claimed, the first retry delay (doubled
# after each failure) and the attempts before a message is "failed".
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))
OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5"))
# Finished messages (sent, skipped, failed) are forgotten after this many days, or with their object.
OUTBOX_KEEP_DAYS = int(os.environ.get("OUTBOX_KEEP_DAYS", "365"))

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "portal.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON nested beyond what Python's parser can follow is a 400 (portal.api_defaults.JSONParser).
    "DEFAULT_PARSER_CLASSES": [
        "portal.api_defaults.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Anonymous visitors (the open data, the schema) are limited per client address.
    "DEFAULT_THROTTLE_CLASSES": ["portal.api_defaults.AnonymousRateThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "portal.api_defaults.exception_handler",
}
# Requests per client address and collectivité for anonymous API calls.
API_ANONYMOUS_RATE = os.environ.get("API_ANONYMOUS_RATE", "120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Guichet unique petite enfance — API",
    "DESCRIPTION": "API d'une collectivité : offre d'accueil, demandes des familles, instruction.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"AppointmentStatusEnum": "rpe.booking.enums.AppointmentStatus"},
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Map ----------------------------------------------------------------------------------------
# Tiles of the map of the offer (creches), e.g. https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png.
# Empty: no tile layer, no third-party request; markers and the text list still show every place.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "")
# Geocoding of addresses typed in the assistant-maternel search (rpe.geo): the Base Adresse Nationale's search
# endpoint, e.g. https://api-adresse.data.gouv.fr/search/. Empty: no third-party request, the commune's centre.
ADDRESS_GEOCODER_URL = os.environ.get("ADDRESS_GEOCODER_URL", "")

# seed_demo queues the attestation of every filed demo request (built by the worker).
DEMO_ATTESTATIONS = True
