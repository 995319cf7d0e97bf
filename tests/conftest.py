"""Shared fixtures only. Factories live in tests/factories.py."""

import os

import pytest
from django.conf import settings
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

from tests.worker import celery_worker  # noqa: E402, F401  (a shared fixture)


def _need(reason: str):
    """Skip a test whose service is missing, or fail it when CI requires the services."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        _need("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def redis_url():
    """The configured Redis, checked to answer; the test is skipped (or fails in CI) without it."""
    import redis

    url = settings.REDIS_URL
    if not url:
        _need("this test needs Redis (set REDIS_URL=redis://...)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        _need(f"Redis at {url} does not answer: {error}")
    return url


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes files to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures and pages do not leak between tests.

    A test's transaction is rolled back, never committed: the mark it left on the connection
    ("written, not committed", which bypasses the page cache) is cleared as well.
    """
    from django.core.cache import cache

    from roadmap_portal.core.pagecache import forget_uncommitted_writes

    cache.clear()
    forget_uncommitted_writes()


def ensure_reference_data():
    """What the data migrations create: countries, the Secretariat group, the rotation."""
    from dialogues.rotation import ensure_rotation
    from roadmap_portal.accounts.roles import ensure_secretariat_group
    from taskforce.countries import ensure_countries
    from taskforce.models import Country

    ensure_countries(Country)
    ensure_secretariat_group()
    ensure_rotation()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush the database when they end; put the reference data back.

    pytest-django runs them after the others, so only they can meet a flushed database.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        ensure_reference_data()


@pytest.fixture
def rotation(db):
    """The six policy dialogues of 2025-2030, from the same function as the data migration."""
    from dialogues.rotation import ensure_rotation

    return ensure_rotation()
