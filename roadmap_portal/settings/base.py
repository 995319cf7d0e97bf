"""Settings shared by every environment. Values come from the environment (twelve-factor)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_filters",
    "django_htmx",
    "simple_history",
    "csp",
    # Floor 1: the platform.
    "roadmap_portal.core",
    "roadmap_portal.accounts",
    "roadmap_portal.registrations",
    "roadmap_portal.logistics",
    "roadmap_portal.roadmap",
    # Floor 2: the registry.
    "taskforce",
    # Floor 3: the activities.
    "dialogues",
    "webinars",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "roadmap_portal.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "roadmap_portal.accounts.middleware.UserTimeZoneMiddleware",
]

# Every asset is the portal's own: no inline script or style, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
# The camera is for staff scanning check-in codes on a phone; nothing else is used.
PERMISSIONS_POLICY = {
    "camera": ["self"],
    "geolocation": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "interest-cohort": [],
}

ROOT_URLCONF = "roadmap_portal.urls"
WSGI_APPLICATION = "roadmap_portal.wsgi.application"

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
                "roadmap_portal.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"

# Sessions live in the database; with Redis each is also cached there, so a signed-in request
# reads it without a query. Not without Redis: per-process memory caches would keep a session
# that another process has ended.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if env("REDIS_URL", default="")
    else "django.contrib.sessions.backends.db"
)

# django-allauth: e-mail is the login, verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Tell the old address when the e-mail or password of an account changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ASEAN SSE Roadmap] "
ACCOUNT_ADAPTER = "roadmap_portal.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "roadmap_portal.accounts.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_email": "1/m/user",
}

LANGUAGE_CODE = "en"
# The switcher shows each language in its own script (name_local); these names serve the admin.
LANGUAGES = [("en", _("English")), ("id", _("Indonesian")), ("th", _("Thai"))]
# The chosen language outlives the browser session; set_language is a same-site POST.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded CSVs, report snapshots and certificates: private, never served directly.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="ASEAN SSE Roadmap <roadmap@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the portal says it is in links inside e-mails and PDFs.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "ASEAN SSE for SDGs Roadmap"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # The rate limits live here; when Redis is down the cache fails open and logs.
            "BACKEND": "roadmap_portal.core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages reused for anonymous visitors until the data changes (core/pagecache.py).
# Off without Redis: one memory cache per process would miss the other processes' changes.
PUBLIC_PAGE_CACHE_TTL = env.int("PUBLIC_PAGE_CACHE_TTL", default=60 if REDIS_URL else 0)
# Writes to these apps' tables give the public pages a new version ...
PUBLIC_PAGE_CACHE_APPS = [
    "taskforce",
    "registrations",
    "dialogues",
    "webinars",
    "training",
    "logistics",
]
# ... except to these, written often and never shown on a public page.
PUBLIC_PAGE_CACHE_IGNORED_MODELS = [
    "registrations.reminderledger",
    "logistics.checkin",
    "logistics.messagedelivery",
]

# Celery: inline without a broker (the demo); Redis with separate worker and beat otherwise.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "outbox.*": {"queue": "mail"},
    "reminders.*": {"queue": "mail"},
    "reports.*": {"queue": "reports"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest countdown any task is given.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
# A publish that cannot reach Redis gives up quickly: the outbox sweep catches up later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = "UTC"
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ["roadmap_portal.core.console.tasks"]
# How long after an activity the personal data of its logistics is kept (questions' answers,
# visa details, check-ins, support justifications, feedback links).
LOGISTICS_RETENTION_DAYS = env.int("DJANGO_LOGISTICS_RETENTION_DAYS", default=365)

CELERY_BEAT_SCHEDULE = {
    "console-purge-expired-imports": {"task": "console.purge_expired_imports", "schedule": 3600.0},
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 60.0},
    "reports-fail-stale": {"task": "reports.fail_stale", "schedule": 60.0},
    "activities-sync-status": {"task": "registrations.sync_statuses", "schedule": 900.0},
    "reminders-scan": {"task": "reminders.scan", "schedule": 300.0},
    "logistics-purge-expired": {"task": "logistics.purge_expired", "schedule": 86400.0},
    "logistics-invite-feedback": {"task": "logistics.invite_feedback", "schedule": 3600.0},
    "webinars-purge-expired-imports": {
        "task": "webinars.purge_expired_imports",
        "schedule": 3600.0,
    },
    "training-issue-due-certificates": {
        "task": "training.issue_due_certificates",
        "schedule": 3600.0,
    },
    "accounts-apply-retention": {"task": "accounts.apply_retention", "schedule": 86400.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; the reports' own log lines say enough.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Whether seed_demo creates the documented demo accounts.
DEMO_ACCOUNTS = env.bool("DJANGO_DEMO_ACCOUNTS", default=False)
# A few seconds: a user waiting on a busy activity gets "please try again", not a hang.
REGISTRATION_LOCK_TIMEOUT_MS = env.int("DJANGO_REGISTRATION_LOCK_TIMEOUT_MS", default=3000)

# Reports: more rows than this and the report is made on the "reports" queue, not at once.
REPORT_ASYNC_ROW_THRESHOLD = env.int("DJANGO_REPORT_ASYNC_ROW_THRESHOLD", default=300)
# Time limits of the reports.render task; a job silent for longer than the hard limit has lost
# its worker and is marked failed by reports.fail_stale, as is one queued for too long.
REPORT_SOFT_TIME_LIMIT = env.int("DJANGO_REPORT_SOFT_TIME_LIMIT", default=600)
REPORT_HARD_TIME_LIMIT = env.int("DJANGO_REPORT_HARD_TIME_LIMIT", default=660)
REPORT_QUEUE_TIMEOUT = env.int("DJANGO_REPORT_QUEUE_TIMEOUT", default=3600)
