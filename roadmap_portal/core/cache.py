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


# How long the home page's figures are reused: the counts behind them read large tables.
HOME_FIGURES_TTL = 60


def _home_figures_key(card_key: str) -> str:
    return f"home:figures:{card_key}"


def cached_home_figures(cards) -> list[tuple]:
    """``(card, figures)`` for each home card, the figures from the cache when fresh.

    Every card's figures are read in one cache round trip; only the missing ones are counted
    again and stored for ``HOME_FIGURES_TTL`` seconds, so the home page costs no count on a
    large table while they last. A figure may be up to that old, which a home page can bear.
    When the cache is down the figures are counted on every request.
    """
    from django.core.cache import cache

    keys = {card.key: _home_figures_key(card.key) for card in cards}
    cached = cache.get_many(list(keys.values()))
    missing = {}
    result = []
    for card in cards:
        figures = cached.get(keys[card.key])
        if figures is None:
            figures = card.figures()
            missing[keys[card.key]] = figures
        result.append((card, figures))
    if missing:
        cache.set_many(missing, HOME_FIGURES_TTL)
    return result
