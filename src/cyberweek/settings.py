"""The one settings module, driven by environment variables.

Two runtimes share it. The embedded default needs no variable at all: SQLite in WAL mode in
`var/`, an in-process cache, Celery tasks run inline. `CYBERWEEK_ENV=production` selects
production: PostgreSQL (`DATABASE_URL`), Redis (`REDIS_URL`) for the cache and the Celery
broker, secure cookies and HSTS; it refuses to start without the variables it needs, each
named in the error. Every variable is listed in the README.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()

CYBERWEEK_ENV = env.str("CYBERWEEK_ENV", default="embedded")
if CYBERWEEK_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured(
        f"CYBERWEEK_ENV must be 'embedded' or 'production', not {CYBERWEEK_ENV!r}."
    )
PRODUCTION = CYBERWEEK_ENV == "production"
VAR_DIR = Path(env.str("CYBERWEEK_VAR_DIR", default=str(BASE_DIR / "var")))


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when CYBERWEEK_ENV=production (see README, Configuration)."
        )
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or _required("ALLOWED_HOSTS")
    _required("DATABASE_URL")
    _required("REDIS_URL")
    DEBUG = env.bool("DEBUG", default=False)
else:
    # A fixed key is acceptable only because the embedded runtime serves 127.0.0.1.
    SECRET_KEY = env.str("SECRET_KEY", default="embedded-insecure-key-not-for-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=True)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "ninja",
    "cyberweek.core",
    "cyberweek.geo",
    "cyberweek.accounts",
    "cyberweek.programme",
    "cyberweek.privacy",
    "cyberweek.activities",
    "cyberweek.quiz",
    "cyberweek.tickets",
    "cyberweek.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cyberweek.core.csp.CSPMiddleware",
    "cyberweek.core.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cyberweek.urls"
WSGI_APPLICATION = "cyberweek.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cyberweek.core.context_processors.platform",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
# An empty DATABASE_URL means "not set", as in `DATABASE_URL= make test`.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cyberweek.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; the busy timeout makes a second writer
    # wait instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    # A file (not memory), so threads in concurrency tests share it; one per test process,
    # so two suites running at once on one machine do not trample each other.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with the health check skipped on connections that have just
        # served a request (see core/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "cyberweek.core.postgresql"
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cyberweek"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not PRODUCTION)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = {
    "purge-expired-personal-data": {
        "task": "cyberweek.privacy.tasks.purge_expired_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
    "activities-reminders": {
        "task": "activities.send_overdue_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- Accounts and security -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["cyberweek.accounts.backends.EmailOrMobileBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "programme:home"
LOGOUT_REDIRECT_URL = "programme:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Organisers sign in with a second factor (TOTP). The embedded demo relaxes this unless
# ORGANISER_2FA_REQUIRED=true and says so on every organiser page; production always requires it.
ORGANISER_2FA_REQUIRED = PRODUCTION or env.bool("ORGANISER_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = "cyberweek"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) and Permissions-Policy, in every environment, so the
# browser tests run under production's policy and fail on any violation. Scripts and styles
# come from this origin, or carry the response's nonce (`{{ CSP_NONCE }}`); no inline
# handlers, no `style=` attributes, no plugins, no framing, no <base>, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for the QR codes and the icons the API docs draw.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Every powerful feature is off; a view that needs one (the check-in scanner's camera) turns
# it on for itself with `core.permissions_policy.allow`.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "web-share",
        "xr-spatial-tracking",
    )
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # TLS ends at nginx, which sets this header for the stateless web nodes behind it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How many reverse proxies (nginx, a load balancer) stand in front and append to
# X-Forwarded-For; 0 trusts only the socket's peer address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
# Sign-in attempts: per address and per account, per window.
LOGIN_LIMIT_PER_IP = env.int("LOGIN_LIMIT_PER_IP", default=30)
LOGIN_LIMIT_PER_ACCOUNT = env.int("LOGIN_LIMIT_PER_ACCOUNT", default=8)
LOGIN_LIMIT_WINDOW = env.int("LOGIN_LIMIT_WINDOW", default=15 * 60)
SIGNUP_LIMIT_PER_IP = env.int("SIGNUP_LIMIT_PER_IP", default=20)
# Knowledge contest: {"answer": [per account, per address], ...} a minute (quiz/ratelimits.py).
QUIZ_RATE_LIMITS = env.json("QUIZ_RATE_LIMITS", default={})

# Uploads larger than this are refused by Django before any view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- Personal information ---------------------------------------------------------------
# The encryption key ring (see core/crypto.py): JSON in CYBERWEEK_KEYS, or a file. The
# embedded runtime creates var/keys.json on first use; production refuses to start
# without one. `cyberweek privacy new-keys` prints a fresh ring.
CYBERWEEK_KEYS = env.str("CYBERWEEK_KEYS", default="")
CYBERWEEK_KEY_FILE = Path(env.str("CYBERWEEK_KEY_FILE", default=str(VAR_DIR / "keys.json")))
if PRODUCTION:
    from cyberweek.core.crypto import parse_key_ring

    if CYBERWEEK_KEYS:
        parse_key_ring(CYBERWEEK_KEYS, source="CYBERWEEK_KEYS")
    elif CYBERWEEK_KEY_FILE.is_file():
        parse_key_ring(CYBERWEEK_KEY_FILE.read_text("utf-8"), source=str(CYBERWEEK_KEY_FILE))
    else:
        raise ImproperlyConfigured(
            "CYBERWEEK_KEYS or CYBERWEEK_KEY_FILE must hold the encryption key ring when "
            "CYBERWEEK_ENV=production (see README, Configuration)."
        )
# Mail: files under var/mail in the embedded runtime (never the console: it would put
# addresses in logs); EMAIL_URL (e.g. smtp+tls://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cyberweek <noreply@cyberweek.invalid>")
# Tickets are signed with Ed25519 (tickets/signing.py): PEM, or base64 of the raw 32-byte
# private key. The embedded runtime creates var/ticket-signing-key.pem (0600) on first use.
TICKET_SIGNING_KEY = env.str("TICKET_SIGNING_KEY", default="")
TICKET_SIGNING_KEY_FILE = Path(
    env.str("TICKET_SIGNING_KEY_FILE", default=str(VAR_DIR / "ticket-signing-key.pem"))
)
if PRODUCTION:
    from cyberweek.tickets.signing import parse_signing_key

    parse_signing_key(_required("TICKET_SIGNING_KEY"), source="TICKET_SIGNING_KEY")
# Makes links in mails absolute, e.g. https://cyberweek.example.cn
SITE_URL = env.str("SITE_URL", default="")
# Days after an activity ends by which its outcome report is due (then reminders go out).
ACTIVITIES_OUTCOME_DUE_DAYS = env.int("ACTIVITIES_OUTCOME_DUE_DAYS", default=7)
# Days to keep each retention category after its edition ends (core/personal_data.py).
RETENTION_DAYS = env.json("RETENTION_DAYS", default={})

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media files ------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
if not PRODUCTION:
    # Served straight from the source folders; no collectstatic step in the embedded runtime.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- API -------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Logging: no personal data, ever. Request bodies and query strings are not logged. ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django logs 4xx lines with the full path; the path can hold a search term.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
    },
}

ADMIN_URL = env.str("ADMIN_URL", default="admin/")

PLATFORM_NAME = _("National Cybersecurity Awareness Week")
