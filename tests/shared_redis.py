"""A real Redis that a test makes unreachable and reachable again (`shared_redis`), and the outbox's
next try made due: for the caches that must not serve a stale copy after an outage."""

import os
import secrets

import pytest
import redis
from django.utils import timezone

from cyberweek.core.models import OutboxMessage
from tests.ports import unused_port

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"


def _redis_cache(location: str, prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": "cyberweek.core.cache_backends.FailSoftRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def shared_redis(settings):
    """The real Redis under a prefix of this test's own; returns a function that makes it
    unreachable (a closed port) or reachable again with what it held."""
    prefix = f"sessions-test-{secrets.token_hex(4)}"
    up = _redis_cache(REDIS_URL, prefix)
    down = _redis_cache(f"redis://127.0.0.1:{unused_port()}/0", prefix)
    settings.CACHES = up

    def reachable(yes: bool) -> None:
        settings.CACHES = up if yes else down

    yield reachable
    settings.CACHES = up
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def next_try_is_due() -> None:
    # The try right after the commit failed (Redis was down); the outbox backs off a
    # minute. This is that minute passing.
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
