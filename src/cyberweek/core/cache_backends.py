"""Django's Redis cache, made to fail soft.

The shared cache only ever holds copies (rendered pages, list fragments, version stamps):
the database has the truth. So when Redis does not answer, a read is a miss and a write is
skipped, and the page is served from the database instead of failing. Counters that need
Redis for correctness (rate limits, leaderboards) do not go through these methods.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# One warning a minute per process is enough to page someone, and does not flood the log.
WARN_EVERY_SECONDS = 60


class FailSoftRedisCache(RedisCache):
    _warned_at = 0.0

    def _unreachable(self, operation: str) -> None:
        now = time.monotonic()
        if now - FailSoftRedisCache._warned_at >= WARN_EVERY_SECONDS:
            FailSoftRedisCache._warned_at = now
            logger.warning("cache unreachable during %s; serving from the database", operation)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            self._unreachable("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE:
            self._unreachable("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE:
            self._unreachable("has_key")
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE:
            self._unreachable("add")
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE:
            self._unreachable("set")

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE:
            self._unreachable("set_many")
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE:
            self._unreachable("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE:
            self._unreachable("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE:
            self._unreachable("delete_many")

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE:
            self._unreachable("clear")
            return False
