"""Settings for theodoi, read from the environment.

With no environment at all, theodoi runs on an embedded SQLite database and a
generated secret key, both kept in the data folder (``THEODOI_DATA``, default
``./data``). Every variable is listed in README.md, "Configuration".
"""

import os
import secrets
from datetime import date
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name}={value!r}: use 'True' or 'False'")
    return value == "True"


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: use a whole number") from None


def envdate(name: str) -> date | None:
    value = os.getenv(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: use a date as YYYY-MM-DD") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]




def _default_data_dir() -> Path:
    """``./data``; from inside the source tree (``make messages`` runs in an app's
    folder), the project's own ``data`` folder, so nothing generated lands
    among the sources."""
    here = Path.cwd().resolve()
    if here == BASE_DIR or BASE_DIR in here.parents:
        return BASE_DIR.parent / "data"
    return here / "data"


# Everything theodoi generates (secret key, SQLite file, demo password, static
# and uploaded files) lives here, and only here; the folder is git-ignored.
DATA_DIR = Path(os.getenv("THEODOI_DATA") or _default_data_dir()).resolve()


def _generated_secret() -> str:
    """Return the secret kept in the data folder, creating it on first use."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = envbool("DEBUG", "False")
SECRET_KEY = os.getenv("SECRET_KEY") or _generated_secret()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "axes",
    "simple_history",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "theodoi.core",
    "theodoi.units",
    "theodoi.plans",
    "theodoi.reporting",
    "theodoi.tuyenvan.roster",
    "theodoi.tuyenvan",
    "theodoi.demo",
    "theodoi.portal",
    "theodoi.surveys",
    # begin importer
    "theodoi.intake",
    # end importer
    # begin activities
    "theodoi.activities",
    # end activities
    # begin thidua
    "theodoi.thidua",
    # end thidua
    # begin budgets
    "theodoi.register",
    "theodoi.budgets",
    "theodoi.directions",
    # end budgets
    # begin home
    "theodoi.home",
    # end home
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go to phones on weak mountain links: compress them. Django 4.2+
    # pads compressed responses against BREACH, and CSRF tokens are masked.
    "django.middleware.gzip.GZipMiddleware",
    # begin perf: an ETag on GET answers, 304 when unchanged; private, per caller.
    "django.middleware.http.ConditionalGetMiddleware",
    "theodoi.core.middleware.PrivateRevalidateMiddleware",
    # end perf
    "django.contrib.sessions.middleware.SessionMiddleware",
    "theodoi.core.middleware.LanguageMiddleware",
    # Before anything reads the body (CSRF reads a form's): refuse it unread.
    "theodoi.core.middleware.BodySizeLimitMiddleware",
    # begin offline
    "theodoi.core.middleware.SendMiddleware",
    # end offline
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last: it turns lock-outs into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "theodoi.urls"
WSGI_APPLICATION = "theodoi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # begin home: the role menus (theodoi.core's navigation, ordered per role)
                "theodoi.home.menus.navigation",
                # end home
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{DATA_DIR / 'theodoi.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; the busy timeout makes a
    # second writer wait for the first instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one username from one address lock that
# pair for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A lock-out answers 429: the API's JSON error body under /api/, elsewhere the
# translated page registration/locked_out.html.
AXES_LOCKOUT_CALLABLE = "theodoi.core.views.locked_out"

# API tokens live this many days from sign-in; a password change revokes them all.
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", "30")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["theodoi.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# WhiteNoise warns about a missing static root before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "theodoi <theodoi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.getenv("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "False" if DEBUG else "True")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if os.getenv("SECURE_PROXY_SSL_HEADER") == "True":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SILENCED_SYSTEM_CHECKS = [
    # HSTS is set by the TLS-terminating proxy in front of the app servers
    # (README, "Deploying"), and SECURE_HSTS_SECONDS turns it on here if not.
    "security.W004",
    # Same: the proxy redirects HTTP to HTTPS; SECURE_SSL_REDIRECT=True does it here.
    "security.W008",
]

# Bodies: a form's or JSON body (files aside) at most this big; uploaded files
# above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not to memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

# Evidence files attached to progress reports: the largest accepted, in bytes.
THEODOI_EVIDENCE_MAX_BYTES = envint("THEODOI_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024))
# The domain's "today", fixed (the demo: 2018-07-15) or None for the wall clock;
# read here once, asked through theodoi.core.clock.
THEODOI_TODAY = envdate("THEODOI_TODAY")
# Plan imports (XLSX task tables): the largest file and the most rows read.
THEODOI_IMPORT_MAX_BYTES = envint("THEODOI_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
THEODOI_IMPORT_MAX_ROWS = envint("THEODOI_IMPORT_MAX_ROWS", "5000")
# Request bodies are refused unread (413) above these sizes: the largest upload
# plus room for the form around it; smaller where nothing is uploaded.
_FORM_ROOM = 256 * 1024
THEODOI_MAX_BODY_BYTES = envint(
    "THEODOI_MAX_BODY_BYTES", str(THEODOI_EVIDENCE_MAX_BYTES + 1024 * 1024)
)
THEODOI_BODY_LIMITS = [
    (r"^/plans/\d+/import/$", THEODOI_IMPORT_MAX_BYTES + _FORM_ROOM),
    # begin importer
    (r"^/imports/(plans|reports)/\d+/upload/$", THEODOI_IMPORT_MAX_BYTES + _FORM_ROOM),
    # end importer
    (r"^/accounts/", 64 * 1024),
    (r"^/i18n/", 64 * 1024),
    (r"^/api/v1/auth/", 64 * 1024),
]
# Extra public holidays (ISO dates) for due dates of schedules that move off holidays.
THEODOI_HOLIDAYS = envlist("THEODOI_HOLIDAYS", "")

# The demo loader refuses to run unless this is set by `theodoi demo`.
THEODOI_DEMO = envbool("THEODOI_DEMO", "False")
