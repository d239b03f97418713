"""Settings for chibo, read from the environment (see .env.example for every variable).

Without DATABASE_URL / REDIS_URL the app runs on SQLite and a file-system Celery broker, so a laptop needs
no server; with them set the same code runs on PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over the file; ENV_FILE points elsewhere (tests use none).
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
# Everything the app writes at run time (SQLite file, uploads, generated PDFs, Celery folders).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="dev-only-not-secret")
# Encrypts the passphrases of the committees' signing certificates (documents/signing.py). Unset when DEBUG is
# off, digital signing is unavailable: PDFs are produced unsigned and the minutes page says so. `make run`
# writes a random one into .env; DEBUG gets a fixed development key.
SIGNING_KEY = env("SIGNING_KEY", default="dev-only-signing-key" if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "members",
    "meetings",
    "documents",
    "notifications",
    "evaluations",
    "archive",
    "audit",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: private, no-store and a Permissions-Policy on everything a view answers.
    "chibo.middleware.PrivateResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Session lifetime (12 h; 30 idle minutes for committee accounts) and the required second factor.
    "members.middleware.SessionTimeoutMiddleware",
    "members.middleware.TwoFactorMiddleware",
    # Who made a change: the audit history (django-simple-history) takes the request's user.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Prometheus metrics (chibo/metrics.py, `GET /metrics` with `Authorization: Bearer <METRICS_TOKEN>`): request
# latency per view from django-prometheus's two middlewares, around the rest (the second just inside Axes,
# which must stay last). Off by default: `make run` and the load test's CPU figures measure without them.
METRICS = env.bool("METRICS", default=False)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Several processes add up through this shared folder (prometheus_client's multiprocess mode).
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
# A Celery worker's own task durations, served by the worker itself on this port (0: none) behind the same
# token; docker-compose.yml binds it inside the compose network only (chibo/metrics.py).
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_HOST = env.str("WORKER_METRICS_HOST", default="127.0.0.1")
if env.str("DATABASE_REPLICA_URL", default=""):
    # After the user is known: a signed-in user's write keeps their reads on the primary for a while.
    after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    MIDDLEWARE.insert(after_auth, "core.replica.StickyWritesMiddleware")
if METRICS:
    MIDDLEWARE = [
        # /metrics before the Host check: scraped by each replica's address (chibo/metrics.py).
        "chibo.metrics.ScrapeMiddleware",
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE[:-1],
        "django_prometheus.middleware.PrometheusAfterMiddleware",
        MIDDLEWARE[-1],
    ]

ROOT_URLCONF = "chibo.urls"
WSGI_APPLICATION = "chibo.wsgi.application"

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
                "members.context_processors.access",
                "notifications.context_processors.notifications",
                "evaluations.context_processors.todo",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write one file at once: WAL and IMMEDIATE transactions avoid
    # "database is locked" (TOOLCHAIN.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction pooling (docker-compose.yml's `pgbouncer`), a server-side cursor
    # would outlive the transaction that opened it on whichever server connection PgBouncer lent.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("PGBOUNCER", default=False)
    # An unreachable server fails a request in seconds (a 503, chibo/errors.py) rather than hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# A read replica (#22): the dashboard, its exports and search read from it (core/replica.py), except for a
# user who has just written something. Its tests use the primary (Django's test mirror).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"].get("CONN_MAX_AGE", 0),
        CONN_HEALTH_CHECKS=True,
        DISABLE_SERVER_SIDE_CURSORS=DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False),
        OPTIONS={**DATABASES["replica"].get("OPTIONS", {}), "connect_timeout": 5},
        TEST={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["chibo.routers.ReplicaRouter"]
# How long after a write a user's reads stay on the primary: more than the replica's lag.
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=30)
# Two test runs on one PostgreSQL server need two test databases (pytest-xdist adds _gw0, _gw1...).
if env("DATABASE_TEST_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login throttling counts live in the database through axes, not here) ------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "chibo.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # An unreachable Redis (a cut rather than a refusal) costs a request one second, not a minute.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live updates pushed to the phones over Server-Sent Events (meetings/push.py, chibo/push.py): needs Redis
# and the ASGI server (chibo.asgi, as docker-compose.yml runs it). Off, the phones poll every few seconds.
LIVE_PUSH = env.bool("LIVE_PUSH", default=False) and bool(REDIS_URL)
LIVE_STREAM_PATH = "/live/stream/"
LIVE_PUSH_PREFIX = env("LIVE_PUSH_PREFIX", default="chibo:live:")

# --- Celery ---------------------------------------------------------------------------------------
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task whose worker died unacknowledged is delivered again after this many seconds. It must exceed
    # the longest job (the book archive's time limit, 3,600 s, archive/tasks.py) and the longest retry
    # countdown (300 s, core/jobs.py), or a job still running would be delivered a second time. A render
    # lost sooner is queued again by the recovery jobs within minutes (docs/OPERATIONS.md).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600 + 300)
    }
else:
    # A real worker and beat on a folder queue: no server needed on a laptop.
    (CELERY_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (CELERY_DIR / "processed").mkdir(parents=True, exist_ok=True)
    (CELERY_DIR / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Two queues, each with workers of its own in production (docker-compose.yml: worker-now, worker-render), so
# a batch of books never holds up a reminder (#22): `now` for what must leave at once (notifications and
# their emails, the search index, indicator refreshes, reminders, the recovery sweeps), `render` for the
# heavy work (PDFs, minutes books, archives, and the nightly rebuild of every cell's indicators, a batch of
# minutes on a province). A worker started without -Q reads both (`make run`, .ci's tests). Tests and
# scripts/load.py that start real workers put a name of their own in front (CELERY_QUEUE_PREFIX), so nothing
# else on the broker interferes.
CELERY_QUEUE_PREFIX = env("CELERY_QUEUE_PREFIX", default="")
CELERY_QUEUE_NOW = f"{CELERY_QUEUE_PREFIX}now"
CELERY_QUEUE_RENDER = f"{CELERY_QUEUE_PREFIX}render"
CELERY_TASK_DEFAULT_QUEUE = CELERY_QUEUE_NOW
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in (CELERY_QUEUE_NOW, CELERY_QUEUE_RENDER)
]
_NOW, _RENDER = {"queue": CELERY_QUEUE_NOW}, {"queue": CELERY_QUEUE_RENDER}
CELERY_TASK_ROUTES = {
    "notifications.tasks.run_reminders": _NOW,
    "notifications.tasks.send_pending_emails": _NOW,
    "notifications.tasks.send_pending_pushes": _NOW,
    "archive.tasks.reindex_meetings": _NOW,
    "archive.tasks.recover": _NOW,
    "evaluations.tasks.refresh_meeting_indicators": _NOW,
    "meetings.tasks.plan_next_month": _NOW,
    "members.tasks.apply_due_transfers": _NOW,
    "documents.tasks.recover_renders": _NOW,  # only queues renders again: quick
    "documents.tasks.render_pdf": _RENDER,
    "documents.tasks.render_book": _RENDER,
    "documents.tasks.render_archive": _RENDER,
    "evaluations.tasks.rebuild_indicators": _RENDER,
    "audit.tasks.check_records": _RENDER,  # reads the whole record: with the other long jobs
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DIR / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Daily, so a cell whose meeting day is set mid-month still gets next month's meeting; idempotent.
    "plan-next-month": {"task": "meetings.tasks.plan_next_month", "schedule": crontab(hour=0, minute=30)},
    # A transfer dated in the future moves the member on its day (before the day's meetings and reminders).
    "apply-due-transfers": {
        "task": "members.tasks.apply_due_transfers",
        "schedule": crontab(hour=0, minute=1),
    },
    "run-reminders": {"task": "notifications.tasks.run_reminders", "schedule": crontab(minute=5)},
    # Picks up emails whose first attempt failed or whose worker died; sending is claimed row by row.
    "rebuild-indicators": {
        "task": "evaluations.tasks.rebuild_indicators",
        "schedule": crontab(hour=1, minute=15),
    },
    "send-pending-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": crontab(minute="*/10"),
    },
    # Pushes whose first attempt met a push service that was down, or whose worker died (claim per delivery).
    "send-pending-pushes": {
        "task": "notifications.tasks.send_pending_pushes",
        "schedule": crontab(minute="*/5"),
    },
    # Renders pending too long and a search index behind its record are queued again (core/jobs.py), so a
    # killed worker or a broker that lost its queue delays a job by minutes, never for ever.
    "recover-renders": {"task": "documents.tasks.recover_renders", "schedule": crontab(minute="*/2")},
    "recover-archive": {"task": "archive.tasks.recover", "schedule": crontab(minute="*/5")},
    # The record's invariants (audit/nightly.py): a record changed behind the app's back is known the next day.
    "check-records": {"task": "audit.tasks.check_records", "schedule": crontab(hour=2, minute=30)},
}

# --- Authentication -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id at OWASP's minimum (core/hashers.py); PBKDF2 stays to verify older hashes, which Django rewrites
# as Argon2id at their owner's next login.
PASSWORD_HASHERS = [
    "core.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five failed logins for one (username, IP) lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "members.views.accounts.lockout"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_VERBOSE = False
# Failed logins and invitation codes per client address (password spraying), counted in this cache;
# the numbers and why are in members/throttle.py.
THROTTLE_CACHE = "default"
# Never written to the failure log: a login code typed at the second step (members/views/accounts.py).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Two-step login (django-otp, TOTP plus single-use backup codes): any user may turn it on; with this set,
# committee and reviewer accounts must (members/middleware.TwoFactorMiddleware).
REQUIRE_2FA_FOR_COMMITTEE = env.bool("REQUIRE_2FA_FOR_COMMITTEE", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Chi bộ")
# The admin lists devices (deleting one resets a lost phone) but never shows a secret key or a backup code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# A session ends 12 hours after login, whatever happens in between (members/middleware.py); committee and
# reviewer accounts also after 30 minutes without a request of their own (polling does not count).
SESSION_COOKIE_AGE = 12 * 3600
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# Sessions are read from the cache (Redis in production) and kept in the database: a phone polling the
# live comment list every few seconds costs no session query. With the cache down they are read from the
# database alone (chibo/sessions.py: Django's cached_db turned a Redis outage into a 500 on every page).
SESSION_ENGINE = "chibo.sessions"
SESSION_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese"))]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["chibo.formats"]

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Served at the site's root by WhiteNoise (/favicon.ico), for the browsers and readers that ask there.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# The installable app's manifest (static/root/manifest.webmanifest): WhiteNoise would call it octet-stream.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads ("default") and rendered PDFs, books and archives ("generated") are on the local disk (MEDIA_ROOT)
# unless S3_BUCKET names a bucket of an S3-compatible object store (MinIO in docker-compose.yml), which every
# web node and worker then shares (chibo/storages.py). Either way no file is ever served directly: every
# download goes through a view that checks access, and the bucket stays private.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    from chibo.storages import object_storages

    _FILE_STORAGES = object_storages(
        bucket=S3_BUCKET,
        endpoint_url=env("S3_ENDPOINT_URL", default=""),
        region=env("S3_REGION", default=""),
        access_key=env("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env("AWS_SECRET_ACCESS_KEY", default=""),
        prefix=env("S3_PREFIX", default=""),
        addressing_style=env("S3_ADDRESSING_STYLE", default=""),
    )
else:
    from chibo.storages import local_storages

    _FILE_STORAGES = local_storages()
STORAGES = {
    **_FILE_STORAGES,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            # Off only for a throwaway server that skips collectstatic (scripts/load.py): 40 s saved per run.
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# `make backup` (manage.py backup) writes one folder per run here: database dump, media, manifest.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)

# --- Email ----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="chibo@localhost")

# --- Push notifications (Web Push, VAPID; notifications/webpush.py) ------------------------------------
# The server's VAPID key pair, base64url: the public key as an uncompressed P-256 point, the private one as
# its 32-byte number (`make run` writes a pair into .env once: scripts/vapid_keys.py). Without them the
# settings page explains that push is not available and nothing is sent. Changing them makes every device's
# subscription useless: members turn push on again.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
# Who the push services may write to about this server (Apple's refuses a localhost address).
VAPID_SUBJECT = env("VAPID_SUBJECT", default="") or f"mailto:{DEFAULT_FROM_EMAIL}"
# The only addresses the job posts push messages to (a subscription elsewhere is refused): the push services
# of Chrome and Android (FCM), Firefox, Edge and Safari. "*." matches any subdomain.
PUSH_SERVICES = env.list(
    "PUSH_SERVICES",
    default=[
        "https://fcm.googleapis.com",
        "https://*.push.services.mozilla.com",
        "https://*.notify.windows.com",
        "https://*.push.apple.com",
    ],
)

# --- Audit history (django-simple-history) -------------------------------------------------------
# Viewing an object's history in the admin needs the "view historical …" permission, as the history page
# does; reverting from the admin is off: a change goes through the app, where its rules are checked.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Production hardening (DEBUG off) -------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes over plain HTTP: its checks answer, not redirect (chibo/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: no inline script or style anywhere; behaviour lives in static/js.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens masked, a refused request on one line (chibo/logs.py).
    "filters": {"private": {"()": "chibo.logs.PrivateFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["private"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (a DEBUG-only console, mail to ADMINS) would bypass the filter: one way out.
        "django": {"handlers": [], "propagate": True},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
