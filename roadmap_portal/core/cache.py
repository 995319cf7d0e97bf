"""A Redis cache that fails open: when Redis is down the portal keeps serving.

The cache holds only what can be recomputed (rate-limit counters, cached counts), so a read
that cannot reach Redis is a miss and a write is dropped, both logged. Failing closed would
lock every user out of sign-in while Redis restarts.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_open(method_name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), method_name)(*args, **kwargs)
        except (RedisError, OSError) as error:
            logger.warning("cache %s failed open: %s", method_name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default_of_get(key, default=None, version=None):
    return default


class FailOpenRedisCache(RedisCache):
    get = _fail_open("get", _default_of_get)
    set = _fail_open("set", None)
    add = _fail_open("add", False)
    delete = _fail_open("delete", False)
    touch = _fail_open("touch", False)
    incr = _fail_open("incr", 0)
    get_many = _fail_open("get_many", lambda *args, **kwargs: {})
    set_many = _fail_open("set_many", lambda *args, **kwargs: [])
    delete_many = _fail_open("delete_many", None)
    has_key = _fail_open("has_key", False)
    clear = _fail_open("clear", False)
