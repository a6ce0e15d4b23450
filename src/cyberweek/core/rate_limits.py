"""Fixed-window rate limits on the shared cache (Redis in production, so every web node
counts together; process memory in the embedded runtime)."""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets


def _key(scope: str, identity: str, window: int) -> tuple[str, int]:
    # Identities (addresses, accounts) are hashed: the cache holds no personal data.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]
    bucket = int(time.time()) // window
    return f"rl:{scope}:{digest}:{bucket}", window - int(time.time()) % window


def hit(scope: str, identity: str, *, limit: int, window: int) -> Verdict:
    """Count one event; allowed while the window's count stays within `limit`."""
    key, retry_after = _key(scope, identity, window)
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            count = 1
    return Verdict(count <= limit, retry_after)


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
