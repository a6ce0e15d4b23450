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
from whitenoise.compress import Compressor

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()

CYBERWEEK_ENV = env.str("CYBERWEEK_ENV", default="embedded")
if CYBERWEEK_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured(
        f"CYBERWEEK_ENV must be 'embedded' or 'production', not {CYBERWEEK_ENV!r}."
    )
PRODUCTION = CYBERWEEK_ENV == "production"
# Everything the platform writes to disk lives here: an absolute path (a relative
# CYBERWEEK_VAR_DIR is taken from the project folder, never the working directory).
VAR_DIR = (BASE_DIR / env.str("CYBERWEEK_VAR_DIR", default="var")).resolve()


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
    # Django's admin, behind the second factor (accounts/admin_site.py).
    "cyberweek.accounts.admin_apps.SecondFactorAdminConfig",
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
    "cyberweek.ctf",
    "cyberweek.tipline",
    "cyberweek.showcase",
    "cyberweek.campaigns",
    "cyberweek.insights",
    "cyberweek.demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "cyberweek.core.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cyberweek.core.csp.CSPMiddleware",
    "cyberweek.core.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL characters and declared body limits, before CSRF reads a body (core/request_guards.py)
    "cyberweek.core.request_guards.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cyberweek.accounts.middleware.OrganiserAreaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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

# --- Files on disk -----------------------------------------------------------------------
# var/ holds the database, its WAL and SHM files, mail, keys and checkpoints: owner-only.
if not PRODUCTION:
    # Files the embedded runtime creates later (SQLite's -wal and -shm, mail, media) are its
    # owner's only. Not in production, where nginx reads what collectstatic writes.
    os.umask(0o077)
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if not PRODUCTION:
    # Also a var/ made before this rule, by an older version or another umask.
    VAR_DIR.chmod(0o700)

# --- Database --------------------------------------------------------------------------
# An empty DATABASE_URL means "not set", as in `DATABASE_URL= make test`.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cyberweek.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite = Path(DATABASES["default"]["NAME"])
    if not PRODUCTION and _sqlite.is_absolute() and _sqlite.parent.is_dir():
        # SQLite gives the -wal and -shm files the main file's mode: make that 0600 first.
        os.close(os.open(_sqlite, os.O_WRONLY | os.O_CREAT, 0o600))
        for _path in (_sqlite, Path(f"{_sqlite}-wal"), Path(f"{_sqlite}-shm")):
            if _path.exists():
                _path.chmod(0o600)
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
# Behind PgBouncer in transaction mode (deploy/pgbouncer.ini) a session lasts one
# transaction: no server-side cursors, and no prepared statements (Debian 12's PgBouncer
# 1.18 cannot carry them between server connections; 1.21 and later can, with
# max_prepared_statements, and then "session" here keeps them).
DATABASE_POOL_MODE = env.str("DATABASE_POOL_MODE", default="session")
if DATABASE_POOL_MODE not in {"session", "transaction"}:
    raise ImproperlyConfigured(
        f"DATABASE_POOL_MODE must be 'session' or 'transaction', not {DATABASE_POOL_MODE!r}."
    )
if DATABASE_POOL_MODE == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# A hot standby for dashboards and exports (core.replicas), e.g.
# postgres://reporting@standby:5432/cyberweek; its tests read the primary's test database.
DATABASE_STANDBY_URL = env.str("DATABASE_STANDBY_URL", default="")
if DATABASE_STANDBY_URL:
    standby = env.db_url_config(DATABASE_STANDBY_URL)
    if standby["ENGINE"] == "django.db.backends.postgresql":
        standby["ENGINE"] = "cyberweek.core.postgresql"
    standby.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    standby["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    standby["CONN_HEALTH_CHECKS"] = True
    standby["TEST"] = {"MIRROR": "default"}
    DATABASES["standby"] = standby
DATABASE_ROUTERS = ["cyberweek.core.replicas.ReportingRouter"]
STANDBY_MAX_LAG_SECONDS = env.int("STANDBY_MAX_LAG_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cyberweek.core.cache_backends.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cyberweek"),
            # A Redis that does not answer must not hold a request for long: the cache
            # fails soft (see its backend), and the page comes from the database.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
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
    "access-log-checkpoint": {
        "task": "privacy.checkpoint_access_log",
        "schedule": crontab(minute=7),
        "kwargs": {"only_if_stale": True},
    },
    "activities-reminders": {
        "task": "activities.send_overdue_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "deliver-due-outbox": {"task": "core.deliver_due_outbox", "schedule": 60.0},
    "purge-outbox": {"task": "core.purge_outbox", "schedule": crontab(hour=4, minute=0)},
    "showcase-expire-uploads": {"task": "showcase.expire_uploads", "schedule": crontab(minute=17)},
}
# The dashboards' summary figures (insights/summaries.py): beat refreshes them this often;
# the embedded runtime (no beat) refreshes them when a dashboard finds them older.
INSIGHTS_REFRESH_SECONDS = env.int("INSIGHTS_REFRESH_SECONDS", default=60)
INSIGHTS_REFRESH_ON_VIEW = env.bool("INSIGHTS_REFRESH_ON_VIEW", default=not PRODUCTION)
CELERY_BEAT_SCHEDULE |= {
    "insights-refresh-figures": {
        "task": "insights.refresh_figures",
        "schedule": float(INSIGHTS_REFRESH_SECONDS),
    },
    "insights-deliver-reports": {
        "task": "insights.deliver_reports",
        "schedule": crontab(minute=0, hour=20),
    },
}
# Prometheus scrapers other than on the node itself present this bearer token.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")


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

# Sessions are read from the cache and kept in the database (core/sessions.py says how a
# Redis outage can neither lose one nor bring a signed-out one back).
SESSION_ENGINE = "cyberweek.core.sessions"
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
    # Load balancers and Prometheus ask each node directly, over plain HTTP on the host.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # TLS ends at nginx, which sets this header for the stateless web nodes behind it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How many reverse proxies (nginx, a load balancer) stand in front and append to
# X-Forwarded-For; 0 trusts only the socket's peer address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
# Sign-in attempts, per window: failed ones per account (keyed on the normalised identifier)
# and per address; all of them per address, with a ceiling high enough for a classroom or an
# office behind one address (successful sign-ins must not lock its people out).
LOGIN_LIMIT_PER_ACCOUNT = env.int("LOGIN_LIMIT_PER_ACCOUNT", default=8)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=30)
LOGIN_LIMIT_PER_IP = env.int("LOGIN_LIMIT_PER_IP", default=600)
LOGIN_LIMIT_WINDOW = env.int("LOGIN_LIMIT_WINDOW", default=15 * 60)
# A classroom signs up together behind one address; codes per address or number are limited
# separately (below), so this only slows scripted sign-ups.
SIGNUP_LIMIT_PER_IP = env.int("SIGNUP_LIMIT_PER_IP", default=200)
# Sign-up codes (proof of the address): how long one lives, how many tries it allows, and
# how often one address or number may be sent a message.
SIGNUP_CODE_TTL = env.int("SIGNUP_CODE_TTL", default=15 * 60)
SIGNUP_CODE_ATTEMPTS = env.int("SIGNUP_CODE_ATTEMPTS", default=5)
SIGNUP_CODE_RESEND_SECONDS = env.int("SIGNUP_CODE_RESEND_SECONDS", default=60)
SIGNUP_CODES_PER_HOUR = env.int("SIGNUP_CODES_PER_HOUR", default=5)
# Knowledge contest: {"answer": [per account, per address], ...} a minute (quiz/ratelimits.py).
QUIZ_RATE_LIMITS = env.json("QUIZ_RATE_LIMITS", default={})

# The tip line: leading zero bits of its proof-of-work challenge (each one doubles the
# browser's work; 16 is about a second on a phone), and reports and receipt look-ups
# allowed per address and hour.
TIPLINE_POW_BITS = env.int("TIPLINE_POW_BITS", default=16)
TIPLINE_REPORTS_PER_HOUR = env.int("TIPLINE_REPORTS_PER_HOUR", default=20)
TIPLINE_LOOKUPS_PER_HOUR = env.int("TIPLINE_LOOKUPS_PER_HOUR", default=120)

# Uploads larger than this are refused by Django before any view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Untrusted files (core/bounded_files.py): what any uploaded file may be and unpack to, for
# every format and app. An app may narrow these for its own files, never widen them.
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=5 * 1024 * 1024)
UPLOAD_MAX_INFLATED_BYTES = env.int("UPLOAD_MAX_INFLATED_BYTES", default=16 * 1024 * 1024)
UPLOAD_MAX_XML_TAGS = env.int("UPLOAD_MAX_XML_TAGS", default=1_500_000)
UPLOAD_MAX_MEMBERS = env.int("UPLOAD_MAX_MEMBERS", default=1000)
UPLOAD_MAX_PDF_PAGES = env.int("UPLOAD_MAX_PDF_PAGES", default=300)
UPLOAD_MAX_CHARACTERS = env.int("UPLOAD_MAX_CHARACTERS", default=4_000_000)
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=20_000)
UPLOAD_MAX_DEPTH = env.int("UPLOAD_MAX_DEPTH", default=32)
# The public self-check: checks per address per hour (core.rate_limits).
SELF_CHECK_LIMIT_PER_IP = env.int("SELF_CHECK_LIMIT_PER_IP", default=60)

# --- Personal information ---------------------------------------------------------------
# The encryption key ring (see core/crypto.py): JSON in CYBERWEEK_KEYS, or a file. The
# embedded runtime makes var/keys.json together with a new, empty database (core/key_check.py)
# and never again. Production reads only what its settings name: CYBERWEEK_KEYS, or a file
# set explicitly in CYBERWEEK_KEY_FILE, never a demo var/keys.json that happens to lie there.
CYBERWEEK_KEYS = env.str("CYBERWEEK_KEYS", default="")
if PRODUCTION:
    CYBERWEEK_KEY_FILE = (
        Path(env.str("CYBERWEEK_KEY_FILE")) if env.str("CYBERWEEK_KEY_FILE", default="") else None
    )
else:
    CYBERWEEK_KEY_FILE = Path(env.str("CYBERWEEK_KEY_FILE", default=str(VAR_DIR / "keys.json")))
if PRODUCTION:
    from cyberweek.core.crypto import parse_key_ring

    if CYBERWEEK_KEYS:
        parse_key_ring(CYBERWEEK_KEYS, source="CYBERWEEK_KEYS")
    elif CYBERWEEK_KEY_FILE is not None and CYBERWEEK_KEY_FILE.is_file():
        parse_key_ring(CYBERWEEK_KEY_FILE.read_text("utf-8"), source=str(CYBERWEEK_KEY_FILE))
    elif CYBERWEEK_KEY_FILE is not None:
        raise ImproperlyConfigured(
            f"CYBERWEEK_KEY_FILE names {CYBERWEEK_KEY_FILE}, which does not exist: restore the "
            "encryption key ring there or set CYBERWEEK_KEYS (see README, Configuration)."
        )
    else:
        raise ImproperlyConfigured(
            "CYBERWEEK_KEYS or CYBERWEEK_KEY_FILE must hold the encryption key ring when "
            "CYBERWEEK_ENV=production (see README, Configuration)."
        )
# The access log's signed checkpoints (privacy/checkpoints.py): an append-only file (0600),
# on storage the database's users cannot write; optionally also mailed and POSTed.
ACCESS_LOG_CHECKPOINT_FILE = Path(
    env.str("ACCESS_LOG_CHECKPOINT_FILE", default=str(VAR_DIR / "access-log-checkpoints.jsonl"))
)
ACCESS_LOG_CHECKPOINT_EVERY = env.int("ACCESS_LOG_CHECKPOINT_EVERY", default=100)
if ACCESS_LOG_CHECKPOINT_EVERY < 1:
    raise ImproperlyConfigured("ACCESS_LOG_CHECKPOINT_EVERY must be 1 or more.")
ACCESS_LOG_CHECKPOINT_EMAILS = env.list("ACCESS_LOG_CHECKPOINT_EMAILS", default=[])
ACCESS_LOG_CHECKPOINT_WEBHOOK = env.str("ACCESS_LOG_CHECKPOINT_WEBHOOK", default="")
if ACCESS_LOG_CHECKPOINT_WEBHOOK and not ACCESS_LOG_CHECKPOINT_WEBHOOK.startswith(
    ("https://", "http://")
):
    raise ImproperlyConfigured("ACCESS_LOG_CHECKPOINT_WEBHOOK must be an http(s) URL.")
# Mail: files under var/mail in the embedded runtime (never the console: it would put
# addresses in logs); EMAIL_URL (e.g. smtp+tls://user:pass@host:587) in production.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Set directly: django-environ reads filemail:///abs/path as a path relative to the
    # working directory, which put mail inside the checkout.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cyberweek <noreply@cyberweek.invalid>")
# Text messages (sign-up codes, account notices for people who signed up with a mobile
# number): the dotted path of a class with `send(*, number, text)` (accounts/delivery.py).
# The embedded default writes files under var/sms; a deployment names its gateway's sender.
# Production names its sender explicitly: codes written to files on a server reach nobody.
SMS_SENDER = (
    _required("SMS_SENDER")
    if PRODUCTION
    else env.str("SMS_SENDER", default="cyberweek.accounts.delivery.FileSmsSender")
)
SMS_FILE_PATH = Path(env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms")))
# Tickets are signed with Ed25519 (tickets/signing.py): PEM, or base64 of the raw 32-byte
# private key. The embedded runtime creates var/ticket-signing-key.pem (0600) on first use.
TICKET_SIGNING_KEY = env.str("TICKET_SIGNING_KEY", default="")
TICKET_SIGNING_KEY_FILE = Path(
    env.str("TICKET_SIGNING_KEY_FILE", default=str(VAR_DIR / "ticket-signing-key.pem"))
)
if PRODUCTION:
    from cyberweek.tickets.signing import parse_signing_key

    parse_signing_key(_required("TICKET_SIGNING_KEY"), source="TICKET_SIGNING_KEY")
# Where people reach the site; every link in a mail starts with it (core/links.py). The
# embedded runtime serves http://127.0.0.1:8000 (`make demo`); production defaults to
# https:// and the first of ALLOWED_HOSTS.
if PRODUCTION and ALLOWED_HOSTS[0].strip(".*"):
    _default_site_url = f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
else:
    _default_site_url = "" if PRODUCTION else "http://127.0.0.1:8000"
SITE_URL = env.str("SITE_URL", default=_default_site_url).rstrip("/")
if not SITE_URL.startswith(("https://", "http://")) or "/" in SITE_URL.split("://", 1)[1]:
    raise ImproperlyConfigured(
        "SITE_URL must be the site's address without a path, e.g. https://cyberweek.example.cn "
        "(see README, Configuration)."
    )
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
# Source maps (most of django-ninja's API docs' bytes) are fetched by developer tools only:
# not worth compressing at every deployment.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media (outcome photos, contest videos and posters) in a folder, or in an S3-compatible
# bucket when MEDIA_S3_BUCKET is set (django-storages). Credentials come from the standard
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables, which boto3 reads itself.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
_media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            # Private objects: served through a view that checks who asks, or by a
            # short-lived signed URL the page gives (contest videos).
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Micro-video contest ---------------------------------------------------------------
# tus uploads land here chunk by chunk (a local folder: it must be on disk for appending);
# a finished upload moves to the media storage above.
SHOWCASE_STAGING_DIR = Path(
    env.str("SHOWCASE_STAGING_DIR", default=str(VAR_DIR / "showcase-uploads"))
)
SHOWCASE_UPLOAD_EXPIRY_HOURS = env.int("SHOWCASE_UPLOAD_EXPIRY_HOURS", default=24)
# The longest the full decode of one video may run (seconds) before it is refused.
SHOWCASE_DECODE_TIMEOUT = env.int("SHOWCASE_DECODE_TIMEOUT", default=900)
SHOWCASE_FFMPEG = env.str("SHOWCASE_FFMPEG", default="ffmpeg")
SHOWCASE_FFPROBE = env.str("SHOWCASE_FFPROBE", default="ffprobe")

# --- API -------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Logging: no personal data, ever. Request bodies and query strings are not logged. ---
# JSON lines in production (one object a line, for the log shipper), plain text otherwise;
# both carry the request id (core.request_ids).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cyberweek.core.request_ids.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django logs 4xx lines with the full path; the path can hold a search term.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
    },
}

ADMIN_URL = env.str("ADMIN_URL", default="admin/")

PLATFORM_NAME = _("National Cybersecurity Awareness Week")

# The pii engine, for this deployment (issue 21): values that are never personal
# information here (public hotlines, the speakers' names on the programme), words that
# always are ({type: [words]}), and patterns of its own ([{"type", "regex", "context"}]).
PII_ALLOW_LIST = env.list("PII_ALLOW_LIST", default=[])
PII_DENY_LISTS: dict[str, list[str]] = {}
PII_PATTERNS: list[dict] = []
