"""Django settings for Jaring.

Everything that differs between a laptop and production comes from the environment
(django-environ). With no environment at all Jaring runs on SQLite under ``var/`` in
debug mode, which is what ``make demo`` wants. ``JARING_ENV=production`` switches on
every secure default and refuses to start without a real ``SECRET_KEY``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
VAR_DIR = Path(env.str("JARING_VAR_DIR", default=str(PROJECT_DIR / "var")))

JARING_ENV = env.str("JARING_ENV", default="development")
PRODUCTION = JARING_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when JARING_ENV=production")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "jaring.regions",
    "jaring.accounts",
    "jaring.audit",
    "jaring.web",
    "jaring.registry",
    "jaring.contributions",
    "jaring.programs",
    "jaring.funds",
    "jaring.alerts",
    "jaring.reports",
    "jaring.monitoring",
    "jaring.billing",
    "jaring.claims",
    "jaring.targeting",
    "jaring.ops",
    "jaring.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Times and logs each answer; in production after WhiteNoise (inserted below), so a
    # static file served from the collected folder is not a log line.
    "jaring.ops.observe.RequestLogMiddleware",
    "jaring.replica.WroteMiddleware",
    "jaring.api_input.ControlCharacterGuard",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jaring.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Static files are served by WhiteNoise under `jaring serve`: in production from
# STATIC_ROOT (collected, hashed, compressed); for `make demo` (JARING_SERVE_STATIC, not
# production) straight from the finders, nothing collected. `runserver` serves them
# itself in development.
if env.bool("JARING_SERVE_STATIC", default=PRODUCTION):
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    WHITENOISE_USE_FINDERS = not PRODUCTION

ROOT_URLCONF = "jaring.urls"
WSGI_APPLICATION = "jaring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "jaring.web.context_processors.shell",
            ],
            # number, percent, rupiah, day, date_input on every page (jaring.formats)
            "builtins": ["jaring.web.templatetags.jaring_format"],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jaring.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
else:
    # A connection per request by default: the server runs a thread per request, and a
    # persistent connection is kept per thread, so under load they piled up idle (32
    # parallel requests left 65). Set CONN_MAX_AGE only behind a fixed number of
    # long-lived worker threads or processes; health checks drop a dead one first.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # No JIT compilation: a scan of a province's extract is estimated costly enough for
    # PostgreSQL to compile it, which took 0.3-0.5 s of each such query and gained nothing
    # (bench/targeting.py); the rest are short queries JIT never helps.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A read replica (a PostgreSQL hot standby of the primary): dashboard, report and
# export reads only, never a read right after a write (jaring.replica).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        **{
            key: DATABASES["default"][key]
            for key in ("OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
            if key in DATABASES["default"]
        },
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["jaring.replica.ReplicaRouter"]
JARING_REPLICA_STICKY_SECONDS = env.int("JARING_REPLICA_STICKY_SECONDS", default=30)
# One cache for every process (the web server's workers, the task workers, a second
# server): the projection panel's counts, the "rebuild already queued" flags, the menu's
# alert badge. Without REDIS_URL each process keeps its own (one process: make demo, tests).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jaring",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): a username is locked after repeated failures.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Locked per username, not per IP: village and regency offices share one NAT address,
# and one officer's typos must not lock out the whole office. (axes.W006 silenced.)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jaring.accounts.views.locked_out"

# Sessions expire after a working day of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Production hardening; `jaring check --deploy` is clean with JARING_ENV=production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Health checks come over plain HTTP from the machine itself (systemd, the container).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Date fields read dd/mm/yyyy first in both languages, then ISO (jaring.formats).
FORMAT_MODULE_PATH = ["jaring.formats.locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Third-party front-end assets are installed from the npm registry by `make install`
# and copied here; nothing third-party is committed.
VENDOR_STATIC_DIR = Path(env.str("JARING_VENDOR_STATIC", default=str(PROJECT_DIR / "var" / "vendor")))
STATICFILES_DIRS = [("vendor", VENDOR_STATIC_DIR)] if VENDOR_STATIC_DIR.exists() else []
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# One JSON line per request and per task (jaring.ops.observe) at INFO in production;
# elsewhere only the slow ones (WARNING). Slow: above these thresholds.
# Monev reports built at once across the servers of one database (jaring.reports.slots),
# and how long a build waits for a free slot (under the web server's 60 s timeout).
JARING_REPORT_BUILDS = env.int("JARING_REPORT_BUILDS", default=1)
JARING_REPORT_WAIT_SECONDS = env.float("JARING_REPORT_WAIT_SECONDS", default=45.0)
JARING_SLOW_REQUEST_MS = env.int("JARING_SLOW_REQUEST_MS", default=1000)
JARING_SLOW_QUERY_MS = env.int("JARING_SLOW_QUERY_MS", default=500)
JARING_METRICS_TOKEN = env.str("JARING_METRICS_TOKEN", default="")  # /metrics answers 404 without it
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "line"},
    },
    "loggers": {
        name: {
            "handlers": ["json"],
            "level": env.str("JARING_REQUEST_LOG_LEVEL", default="INFO" if PRODUCTION else "WARNING"),
            "propagate": False,
        }
        for name in ("jaring.request", "jaring.task", "jaring.slow")
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Background work (imports, later reports): Django's tasks API (the django-tasks
# backport) with a database queue, so it needs no extra service; run `jaring db_worker`.
TASKS = {"default": {"BACKEND": env.str("JARING_TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
JARING_AGE_MIN = env.int("JARING_AGE_MIN", default=15)
JARING_AGE_MAX = env.int("JARING_AGE_MAX", default=65)
# KPJ card numbers: 11 digits per third-party validators, UNCONFIRMED by BPJS (DOMAIN.md s.3).
JARING_KPJ_LENGTH = env.int("JARING_KPJ_LENGTH", default=11)
JARING_DUPLICATE_THRESHOLD = env.int("JARING_DUPLICATE_THRESHOLD", default=90)

NINJA_PAGINATION_PER_PAGE = 50
JARING_PAGE_SIZE = 50
# Money received by a village and not paid to BPJS for this many days is "idle".
JARING_IDLE_MONEY_DAYS = env.int("JARING_IDLE_MONEY_DAYS", default=30)
# The alert inbox queues a new sweep when the last one is older than this.
JARING_ALERTS_MAX_AGE_MINUTES = env.int("JARING_ALERTS_MAX_AGE_MINUTES", default=60)
# Where officers open Jaring: the links in e-mails (`jaring send_digests`) start with it.
JARING_BASE_URL = env.str("JARING_BASE_URL", default="http://127.0.0.1:8000")

# Outgoing mail (the alert digests). The console backend prints each message; set
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST... to send.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds; a silent server must not hang a run
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Jaring <jaring@localhost>")
# Dashboards queue a rebuild of the protection summary when it is older than this.
JARING_SUMMARY_MAX_AGE_MINUTES = env.int("JARING_SUMMARY_MAX_AGE_MINUTES", default=30)
# Whether an event during arrears (1 to 3 unpaid months) is covered by a claim: DOMAIN.md s.4
# marks it UNCONFIRMED; the default is "not covered".
JARING_CLAIMS_COVER_ARREARS = env.bool("JARING_CLAIMS_COVER_ARREARS", default=False)
