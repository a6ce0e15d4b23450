"""One Redis client per process for what Django's cache API cannot do (sorted sets, Lua
scripts). The connection pool inside it is shared by the process's threads."""

import functools

from django.conf import settings


@functools.cache
def client_for(url: str):
    import redis
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=5,
        socket_connect_timeout=2,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.02), retries=2),
        retry_on_error=[redis.exceptions.ConnectionError, redis.exceptions.TimeoutError],
    )


def client():
    """The client for `REDIS_URL` (only call it when that is set)."""
    return client_for(settings.REDIS_URL)
