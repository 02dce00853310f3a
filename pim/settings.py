"""Project settings. Every deployment choice is read from the environment (see pim.env).

Embedded default: SQLite in WAL mode and media under ./var. Scale-out: DATABASE_URL,
storage and task backends chosen by environment variables.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pim.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PIM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # Django's own rule (check --deploy, security.W009): sessions, password reset links and
    # signed QR audience links are only as strong as this key.
    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 characters with at least 5 different ones when DEBUG "
        'is off; generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "catalog",
    "publishing",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "publishing.web",
    "engagement",
    "csp",
    "axes",
    # Last: the demo builds its content through every app above, and none of them imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every HTML answer (storefront, landing pages, admin, API docs).
    "pim.security.ContentSecurityPolicyMiddleware",
    # Serves static files with DEBUG off (one process, no separate web server needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pim.urls"
WSGI_APPLICATION = "pim.wsgi.application"
ASGI_APPLICATION = "pim.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# How long an ordinary write waits for SQLite's lock (scans wait far less; see engagement).
PIM_SQLITE_BUSY_TIMEOUT_MS = env_int("PIM_SQLITE_BUSY_TIMEOUT_MS", 5000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer writes; IMMEDIATE avoids lock upgrades
            # that would otherwise fail with "database is locked" under concurrent writes.
            # busy_timeout is how long an ordinary write waits for the lock. Writers keep their
            # transactions short (≤ 200 ms), so this is a safety margin, not a queue; scans wait
            # far less and spool instead (engagement.services).
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                f"PRAGMA busy_timeout={PIM_SQLITE_BUSY_TIMEOUT_MS};"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Refuses a login while its user name + address is locked out (admin and dealer login);
    # API tokens do not go through these backends.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages --------------------------------------------------------------------------------
# One list drives modeltranslation, admin tabs, URL prefixes and every output.
_KNOWN_LANGUAGE_NAMES = {
    "en": _("English"),
    "tr": _("Turkish"),
    "fi": _("Finnish"),
    "az": _("Azerbaijani"),
    "fa": _("Persian"),
}
_LANGUAGE_CODES = env_list("PIM_LANGUAGES", ["en", "tr", "fi", "az", "fa"])
LANGUAGES = [(code, _KNOWN_LANGUAGE_NAMES.get(code, code)) for code in _LANGUAGE_CODES]
LANGUAGE_CODE = env_str("PIM_DEFAULT_LANGUAGE", _LANGUAGE_CODES[0])
if LANGUAGE_CODE not in _LANGUAGE_CODES:
    raise ImproperlyConfigured("PIM_DEFAULT_LANGUAGE must be one of PIM_LANGUAGES.")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")

MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
# No silent fallback: a Persian reader must never get English text without being told.
# Outputs that want a fallback ask for it explicitly (see publishing).
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ()}
MODELTRANSLATION_AUTO_POPULATE = False
# modeltranslation's tabbed admin loads jQuery UI from a CDN by default; nothing may be fetched
# from the internet, so the tabs use a small bundled script instead (Django's jQuery is reused).
JQUERY_UI_URL = "catalog/js/tabs.js"
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
_S3_BUCKET = env_str("PIM_S3_BUCKET")
if _S3_BUCKET:
    # S3-compatible object storage for media: `pip install -e .[s3]` (django-storages).
    # Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
    # an instance role...). URLs are signed by default, so a private bucket keeps import
    # uploads private; with PIM_S3_QUERYSTRING_AUTH=0 they are plain, for a bucket whose
    # public prefixes are readable (see README, "Deploying"): feeds and cached pages then
    # never carry an expiring link.
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "PIM_S3_BUCKET is set but django-storages is not installed: pip install -e .[s3]"
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env_str("PIM_S3_ENDPOINT_URL") or None,
            "region_name": env_str("PIM_S3_REGION") or None,
            "custom_domain": env_str("PIM_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": env_bool("PIM_S3_QUERYSTRING_AUTH", default=True),
            "querystring_expire": env_int("PIM_S3_URL_EXPIRY", 3600),
            "file_overwrite": False,
        },
    }
# The app serves MEDIA_ROOT at MEDIA_URL itself (also with DEBUG off), with the caching and
# privacy rules of publishing/media.py; turn off when a front web server does it, or when
# media lives in object storage (on by default only for local media).
PIM_SERVE_MEDIA = env_bool("PIM_SERVE_MEDIA", default=not _S3_BUCKET)

# --- Uploads ----------------------------------------------------------------------------------
PIM_MAX_UPLOAD_BYTES = env_int("PIM_MAX_UPLOAD_MB", 25) * 1024 * 1024
# Refuse images over this many pixels before decoding them (decompression bombs).
PIM_MAX_IMAGE_PIXELS = env_int("PIM_MAX_IMAGE_PIXELS", 50_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Spreadsheet import limits ---------------------------------------------------------------
# Checked while the file is read, before it costs memory or database time (see
# catalog/services/spreadsheet_files.py). Rows and columns count as a spreadsheet shows them.
PIM_IMPORT_MAX_ROWS = env_int("PIM_IMPORT_MAX_ROWS", 50_000)
PIM_IMPORT_MAX_COLUMNS = env_int("PIM_IMPORT_MAX_COLUMNS", 1_000)
PIM_IMPORT_MAX_CELLS = env_int("PIM_IMPORT_MAX_CELLS", 2_000_000)
# Excel's own limit for the text of one cell.
PIM_IMPORT_MAX_CELL_CHARS = env_int("PIM_IMPORT_MAX_CELL_CHARS", 32_767)
# A CSV file's size; an XLSX file's size once unpacked (read from its zip directory).
PIM_IMPORT_MAX_MB = env_int("PIM_IMPORT_MAX_MB", 100)
PIM_IMPORT_MAX_XLSX_RATIO = env_int("PIM_IMPORT_MAX_XLSX_RATIO", 200)
# Imports write in batches of about this many milliseconds each, so the database's write lock
# (SQLite has one for the whole file) is never held longer by an import.
PIM_IMPORT_BATCH_MS = env_int("PIM_IMPORT_BATCH_MS", 200)

# --- Public site ----------------------------------------------------------------------------
# Printed QR codes carry absolute URLs, so the public address must be known.
PIM_PUBLIC_BASE_URL = env_str("PIM_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The channel whose approved, complete products the public web pages show.
PIM_WEB_CHANNEL = env_str("PIM_WEB_CHANNEL", "web")
# Without collectstatic, whitenoise finds files where runserver would (app and project dirs).
WHITENOISE_USE_FINDERS = env_bool("PIM_STATIC_USE_FINDERS", default=True)

# --- Scans and landing pages -------------------------------------------------------------------
# Scans that find the database busy are written here and flushed into it later (never lost).
PIM_SCAN_SPOOL_DIR = Path(env_str("PIM_SCAN_SPOOL_DIR", str(VAR_DIR / "spool" / "scans")))
# New discount codes a landing page hands out per client address and hour.
PIM_LANDING_CODES_PER_HOUR = env_int("PIM_LANDING_CODES_PER_HOUR", 20)
# Reverse proxies in front of the app that append to X-Forwarded-For (e.g. 1 for nginx). With 0
# the client address is the connection's; behind a proxy that would be the proxy's, for all.
PIM_TRUSTED_PROXY_COUNT = env_int("PIM_TRUSTED_PROXY_COUNT", 0)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsApiClient"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiClientThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only (the asset upload declares multipart itself); other bodies get 415.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PIM API",
    "DESCRIPTION": "Products, structure and assets of one channel for shops and marketplaces.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Default requests per minute of an API client without its own rate.
PIM_API_DEFAULT_RATE = env_str("PIM_API_DEFAULT_RATE", "600/min")
# Largest JSON body the API accepts; bigger requests get 413.
PIM_API_MAX_BODY_BYTES = env_int("PIM_API_MAX_BODY_MB", 2) * 1024 * 1024

# --- Background tasks -----------------------------------------------------------------------
# Long jobs (PDF renders, large imports) go through the django-tasks API. PIM_TASK_BACKEND
# chooses who runs them: "database" (embedded default) or "rq" (Redis workers on any number of
# machines), both run by `manage.py run_worker` (scripts/run starts it; it supervises the
# database worker or `rqworker`, see catalog.worker), or "immediate" (in-process, blocking;
# used by the tests).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
PIM_TASK_BACKEND = env_str("PIM_TASK_BACKEND", "database")
if PIM_TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"PIM_TASK_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, got {PIM_TASK_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[PIM_TASK_BACKEND]}}
PIM_RQ_URL = env_str("PIM_RQ_URL", env_str("REDIS_URL", "redis://127.0.0.1:6379/0"))
# A catalog of thousands of products may take minutes; RQ's default timeout is 3 minutes.
RQ_QUEUES = {"default": {"URL": PIM_RQ_URL, "DEFAULT_TIMEOUT": 3600}}
if PIM_TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
# Recovery (catalog.jobs, `manage.py run_worker`): a running job (render, background import)
# without a heartbeat for PIM_JOB_STALE_SECONDS is taken as abandoned by a dead process; a render
# is then re-queued (at most PIM_JOB_MAX_ATTEMPTS renders in all), an import failed with its
# reason. The worker looks every PIM_HOUSEKEEPING_SECONDS. Import uploads that no job claims are
# removed after PIM_ORPHAN_UPLOAD_HOURS. Jobs and `publish` retry a write for up to
# PIM_DB_BUSY_SECONDS while the database is busy.
PIM_JOB_STALE_SECONDS = env_int("PIM_JOB_STALE_SECONDS", 60)
PIM_JOB_MAX_ATTEMPTS = env_int("PIM_JOB_MAX_ATTEMPTS", 3)
PIM_HOUSEKEEPING_SECONDS = env_int("PIM_HOUSEKEEPING_SECONDS", 15)
# CPU priority of the background worker (nice level): renders and imports yield the CPU to
# pages and scans served from the same machine. 0 keeps the worker at normal priority.
PIM_WORKER_NICE = env_int("PIM_WORKER_NICE", 10)
PIM_ORPHAN_UPLOAD_HOURS = env_int("PIM_ORPHAN_UPLOAD_HOURS", 24)
PIM_DB_BUSY_SECONDS = env_int("PIM_DB_BUSY_SECONDS", 60)
for _name in ("PIM_JOB_STALE_SECONDS", "PIM_JOB_MAX_ATTEMPTS", "PIM_HOUSEKEEPING_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")

# --- Cache ------------------------------------------------------------------------------------
# "default" is per process (page cache); "shared" is seen by every process, so a background
# worker's progress reaches the web server: a folder under var/ in the embedded mode, Redis when
# REDIS_URL is set (then both aliases use it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        # Django's file cache deletes a random third of its entries when it holds more than
        # MAX_ENTRIES (300 by default); live throttle counters and job progress must survive.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Lock files that make read-modify-write on the file cache atomic across the processes of this
# machine (API throttle counters); unused for counting when Redis is configured.
PIM_LOCK_DIR = VAR_DIR / "locks"
if env_str("REDIS_URL"):
    CACHES["default"] = CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }

# --- Security ---------------------------------------------------------------------------------
# Behind a TLS-terminating proxy: the header it sets, e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto
# (the proxy must overwrite it on every request; Django then trusts "https" in it).
_PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# HSTS: start small (e.g. 3600), then a year (31536000) once HTTPS works everywhere.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Nothing of this site is meant to be framed (publication previews open in their own tab).
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only this site's own scripts, styles, images and fonts.
# Inline <script> and <style> run only with the per-request nonce (admin, API docs); the cached
# storefront pages have none (theme colours come from a stylesheet URL). Style *attributes*
# stay allowed: the admin and Swagger UI set widths and colours that way, and an attribute
# cannot load or run anything that img-src/script-src would not already allow.
# PIM_CSP_MEDIA_ORIGINS: extra origins for images and media, e.g. an S3 bucket's address.
_MEDIA_ORIGINS = env_list("PIM_CSP_MEDIA_ORIGINS", [])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", *_MEDIA_ORIGINS],
        "media-src": [SELF, *_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login brute-force protection (django-axes) for the admin and the dealer login: after
# PIM_LOGIN_FAILURE_LIMIT wrong passwords for one user name from one address, that combination
# is locked for PIM_LOGIN_LOCKOUT_MINUTES. Unlock early: `manage.py axes_reset_username <name>`
# (or `axes_reset` for everyone).
AXES_ENABLED = env_bool("PIM_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env_int("PIM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PIM_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every process start
AXES_LOCKOUT_CALLABLE = "pim.security.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "pim.security.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; publications record their own progress.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
