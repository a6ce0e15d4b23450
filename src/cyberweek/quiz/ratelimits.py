"""Rate limits for taking a contest, per account and per network address.

A fixed-window counter in Django's cache (Redis in production, so every web node counts
together; process memory in the embedded runtime). The per-address limits are generous
because a whole school or company may reach us through one address.
"""

import functools
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


# Counts every key in one call. A pipeline of INCR and EXPIRE per key is four commands to
# pack and parse in Python for each answer; this is one, and the expiry is set only once
# per window.
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
    from .leaderboards import _client

    return _client(url).register_script(_COUNT_SCRIPT)


def _counts(keys: list[str]) -> list[int]:
    """Add one to each counter of this window and return the new counts."""
    if getattr(settings, "REDIS_URL", ""):
        from redis.exceptions import RedisError

        prefix = settings.CACHES["default"].get("KEY_PREFIX", "") or "cyberweek"
        try:
            return _count_script(settings.REDIS_URL)(
                keys=[f"{prefix}:{key}" for key in keys], args=[WINDOW_SECONDS + 5]
            )
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


def check(request, action: str, *, user_id: int | None = None) -> None:
    """Raise `RateLimited` (429, with the seconds to wait) when the account or the address
    has used up this minute's allowance for `action`. The account is `user_id` when given
    (an answer token names it), else the signed-in user."""
    limits = limits_for(action)
    now = time.time()
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    keys = [f"quiz:rl:{action}:a:{client_address(request)}:{window_start}"]
    caps = [limits.per_address]
    if user_id is None and request.user.is_authenticated:
        user_id = request.user.pk
    if user_id is not None:
        keys.append(f"quiz:rl:{action}:u:{user_id}:{window_start}")
        caps.append(limits.per_user)
    if any(count > cap for count, cap in zip(_counts(keys), caps, strict=True)):
        retry_after = max(1, int(window_start + WINDOW_SECONDS - now) + 1)
        raise RateLimited(
            _("Too many requests. Please wait %(seconds)d seconds and try again.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )
