"""Rate limits for taking a contest, per account and per network address.

A fixed-window counter in Django's cache (Redis in production, so every web node counts
together; process memory in the embedded runtime). The per-address limits are generous
because a whole school or company may reach us through one address.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from cyberweek.core.errors import LimitReached
from cyberweek.core.rate_limits import client_ip

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60
# (per account, per address) requests a minute. `QUIZ_RATE_LIMITS` overrides any of them.
DEFAULT_LIMITS = {
    "start": (20, 600),
    "answer": (120, 6000),
    "submit": (20, 600),
    "certificate": (20, 300),
}


class RateLimited(LimitReached):
    def __init__(self, message=None, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    per_user: int
    per_address: int


def limits_for(action: str) -> Limits:
    overrides = getattr(settings, "QUIZ_RATE_LIMITS", None) or {}
    per_user, per_address = overrides.get(action, DEFAULT_LIMITS[action])
    return Limits(per_user, per_address)


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def _counts(keys: list[str]) -> list[int]:
    """Add one to each counter of this window and return the new counts."""
    if getattr(settings, "REDIS_URL", ""):
        # One round trip for all counters: this runs on every answer of every participant.
        from redis.exceptions import RedisError

        from .leaderboards import _client

        pipe = _client(settings.REDIS_URL).pipeline(transaction=False)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "") or "cyberweek"
        for key in keys:
            pipe.incr(f"{prefix}:{key}")
            pipe.expire(f"{prefix}:{key}", WINDOW_SECONDS + 5)
        try:
            return pipe.execute()[::2]
        except (RedisError, OSError, ValueError):
            # A limit is a protection, not part of the answer: a Redis hiccup lets the
            # request through rather than refusing a participant's answer.
            logger.warning("quiz rate limit skipped: Redis did not answer")
            return [0 for _key in keys]
    counts = []
    for key in keys:
        cache.add(key, 0, WINDOW_SECONDS + 5)
        try:
            counts.append(cache.incr(key))
        except ValueError:
            # The key expired between add and incr: this request opens a new window.
            cache.set(key, 1, WINDOW_SECONDS + 5)
            counts.append(1)
    return counts


def check(request, action: str) -> None:
    """Raise `RateLimited` (429, with the seconds to wait) when the account or the address
    has used up this minute's allowance for `action`."""
    limits = limits_for(action)
    now = time.time()
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    keys = [f"quiz:rl:{action}:a:{client_address(request)}:{window_start}"]
    caps = [limits.per_address]
    if request.user.is_authenticated:
        keys.append(f"quiz:rl:{action}:u:{request.user.pk}:{window_start}")
        caps.append(limits.per_user)
    if any(count > cap for count, cap in zip(_counts(keys), caps, strict=True)):
        retry_after = max(1, int(window_start + WINDOW_SECONDS - now) + 1)
        raise RateLimited(
            _("Too many requests. Please wait %(seconds)d seconds and try again.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )
