"""Project settings. Every deployment choice is read from the environment (see pim.env).

Embedded default: SQLite in WAL mode and media under ./var. Scale-out: DATABASE_URL,
storage and task backends chosen by environment variables.
"""

from pathlib import Path

import dj_database_url
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer writes; IMMEDIATE avoids lock upgrades
            # that would otherwise fail with "database is locked" under concurrent writes.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------------
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
if env_str("PIM_S3_BUCKET"):
    # S3-compatible object storage for media (needs the django-storages[s3] extra).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("PIM_S3_BUCKET"),
            "endpoint_url": env_str("PIM_S3_ENDPOINT_URL") or None,
            "region_name": env_str("PIM_S3_REGION") or None,
            "file_overwrite": False,
        },
    }

# --- Uploads ----------------------------------------------------------------------------------
PIM_MAX_UPLOAD_BYTES = env_int("PIM_MAX_UPLOAD_MB", 25) * 1024 * 1024
# Refuse images over this many pixels before decoding them (decompression bombs).
PIM_MAX_IMAGE_PIXELS = env_int("PIM_MAX_IMAGE_PIXELS", 50_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Public site ----------------------------------------------------------------------------
# Printed QR codes carry absolute URLs, so the public address must be known.
PIM_PUBLIC_BASE_URL = env_str("PIM_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The channel whose approved, complete products the public web pages show.
PIM_WEB_CHANNEL = env_str("PIM_WEB_CHANNEL", "web")
# Without collectstatic, whitenoise finds files where runserver would (app and project dirs).
WHITENOISE_USE_FINDERS = env_bool("PIM_STATIC_USE_FINDERS", default=True)

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
# Long jobs (PDF renders) go through the django-tasks API. PIM_TASK_BACKEND chooses who runs
# them: "database" (embedded default; scripts/run starts `manage.py db_worker`), "rq" (Redis
# workers on any number of machines:
# `manage.py rqworker --job-class django_tasks_rq.Job default`) or "immediate" (in-process,
# blocking; used by the tests).
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

# --- Cache ------------------------------------------------------------------------------------
# "default" is per process (page cache); "shared" is seen by every process, so a background
# worker's progress reaches the web server: a folder under var/ in the embedded mode, Redis when
# REDIS_URL is set (then both aliases use it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    },
}
if env_str("REDIS_URL"):
    CACHES["default"] = CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; publications record their own progress.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
