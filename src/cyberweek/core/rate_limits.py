"""Fixed-window rate limits on the shared cache (Redis in production, so every web node
counts together; process memory in the embedded runtime)."""

import functools
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from . import redis_client


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets


def _key(scope: str, identity: str, window: int) -> tuple[str, int]:
    # Identities (addresses, accounts) are hashed: the cache holds no personal data.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]
    now = int(time.time())
    return f"rl:{scope}:{digest}:{now // window}", window - now % window


# Counts every key in one call: a limit is checked on hot paths (every answer of a
# contest), where an ADD and an INCR per counter would be two round trips each. EXPIRE is
# set by the first count of a window only.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[1]) end
end
return counts
"""


@functools.cache
def _count_script(url: str):
    return redis_client.client_for(url).register_script(_COUNT_SCRIPT)


def _count(keys: list[str], window: int) -> list[int]:
    """Add one to each counter and return the new counts. On Redis one script call, on the
    keys Django's cache would use (so `peek` reads them); in process memory, add and incr."""
    if getattr(settings, "REDIS_URL", ""):
        script = _count_script(settings.REDIS_URL)
        return script(keys=[cache.make_key(key) for key in keys], args=[window + 1])
    counts = []
    for key in keys:
        if cache.add(key, 1, timeout=window + 1):
            counts.append(1)
            continue
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            counts.append(1)
    return counts


def hit(scope: str, identity: str, *, limit: int, window: int) -> Verdict:
    """Count one event; allowed while the window's count stays within `limit`."""
    return hit_all([(scope, identity, limit)], window=window)


def hit_all(limits: list[tuple[str, str, int]], *, window: int) -> Verdict:
    """Count one event against several (scope, identity, limit) at once; allowed while
    every count stays within its limit."""
    keys = [_key(scope, identity, window) for scope, identity, _limit in limits]
    counts = _count([key for key, _retry_after in keys], window)
    allowed = all(count <= limit for count, (*_, limit) in zip(counts, limits, strict=True))
    return Verdict(allowed, keys[0][1])


def peek(scope: str, identity: str, *, limit: int, window: int) -> Verdict:
    """Whether the next event would be allowed, without counting it."""
    key, retry_after = _key(scope, identity, window)
    return Verdict((cache.get(key) or 0) < limit, retry_after)


def client_ip(request) -> str:
    """The client's address. Behind `TRUSTED_PROXIES` proxies (nginx), the address they
    appended to X-Forwarded-For; otherwise the socket's peer."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
