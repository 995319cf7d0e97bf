"""Test settings: fast hasher, locmem mail, tasks inline whatever REDIS_URL says."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
DEMO_ACCOUNTS = False
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
# The rate limits of allauth would get in the way of tests that sign in many times.
ACCOUNT_RATE_LIMITS = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process shares the memory cache: the public page cache and the cached sessions run as
# in production (with Redis), whether REDIS_URL is set or not, so query counts do not move.
PUBLIC_PAGE_CACHE_TTL = 60
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The crash points of roadmap_portal.core.faults answer ROADMAP_FAULT in test workers only.
ROADMAP_FAULT_INJECTION = True

# A real Celery worker started by the tests' worker fixture (tests/worker.py) runs with these
# settings against the test database; mail is written to files the test reads back.
if env.bool("ROADMAP_TEST_WORKER", default=False):
    CELERY_TASK_ALWAYS_EAGER = False
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("ROADMAP_TEST_MAIL_DIR")
    # Queue names of the test's own, so parallel runs on one Redis never share a queue.
    _queue_prefix = env("ROADMAP_TEST_QUEUE_PREFIX", default="")
    CELERY_TASK_DEFAULT_QUEUE = _queue_prefix + CELERY_TASK_DEFAULT_QUEUE  # noqa: F405
    CELERY_TASK_ROUTES = {  # noqa: F405
        pattern: {"queue": _queue_prefix + route["queue"]}
        for pattern, route in CELERY_TASK_ROUTES.items()  # noqa: F405
    }
