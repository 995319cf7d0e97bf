"""Shared fixtures only. Factories live in tests/factories.py."""

import os

import pytest
from django.conf import settings
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


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


@pytest.fixture
def rotation(db):
    """The six policy dialogues of 2025-2030, from the same function as the data migration."""
    from dialogues.rotation import ensure_rotation

    return ensure_rotation()
