"""Django's Redis cache, made to fail soft.

The shared cache only ever holds copies (rendered pages, list fragments, version stamps):
the database has the truth. So when Redis does not answer, a read is a miss and a write is
skipped, and the page is served from the database instead of failing. Counters that need
Redis for correctness (rate limits, leaderboards) do not go through these methods.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# One warning a minute per process is enough to page someone, and does not flood the log.
WARN_EVERY_SECONDS = 60
_warned_at = -WARN_EVERY_SECONDS


def _fail_soft(name: str, fallback):
    """`RedisCache.<name>`, answering `fallback(*args, **kwargs)` when Redis does not."""
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def soft(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE:
            _unreachable(name)
            return fallback(*args, **kwargs)

    return soft


def _unreachable(operation: str) -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning("cache unreachable during %s; serving from the database", operation)


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class FailSoftRedisCache(RedisCache):
    # Reads miss; writes are skipped (set_many reports every key as not set).
    get = _fail_soft("get", lambda key, default=None, version=None: default)
    get_many = _fail_soft("get_many", lambda *args, **kwargs: {})
    has_key = _fail_soft("has_key", _false)
    add = _fail_soft("add", _false)
    set = _fail_soft("set", _nothing)
    set_many = _fail_soft("set_many", lambda data, *args, **kwargs: list(data))
    touch = _fail_soft("touch", _false)
    delete = _fail_soft("delete", _false)
    delete_many = _fail_soft("delete_many", _nothing)
    clear = _fail_soft("clear", _false)
    # For the callers that must know a write did not happen (core/stale_copies.py): these raise
    # `UNREACHABLE` errors instead of answering as if nothing were there.
    set_or_raise = RedisCache.set
    delete_or_raise = RedisCache.delete
