"""Rate limits for taking a contest, per account and per network address.

Fixed one-minute windows counted by `core.rate_limits` (Redis in production, so every web
node counts together, both counters in one call; process memory in the embedded runtime).
The per-address limits are generous because a whole school or company may reach us
through one address.

Answers are most of a contest's traffic, so they are counted in batches: each process
counts in memory and adds its counts to Redis once a second, and an answer makes no
round trip for its limits. Across processes such a limit may be passed by one second of
the other processes' answers; within one process it holds exactly.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from cyberweek.core import rate_limits
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
BATCHED = {"answer"}


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


def check(request, action: str, *, user_id: int | None = None) -> None:
    """Raise `RateLimited` (429, with the seconds to wait) when the account or the address
    has used up this minute's allowance for `action`. The account is `user_id` when given
    (an answer token names it), else the signed-in user."""
    limits = limits_for(action)
    counted = [(f"quiz-{action}-address", client_address(request), limits.per_address)]
    if user_id is None and request.user.is_authenticated:
        user_id = request.user.pk
    if user_id is not None:
        counted.append((f"quiz-{action}-account", str(user_id), limits.per_user))
    try:
        verdict = rate_limits.hit_all(counted, window=WINDOW_SECONDS, batched=action in BATCHED)
    except (RedisError, OSError, ValueError):
        # A limit is a protection, not part of the answer: a Redis hiccup lets the
        # request through rather than refusing a participant's answer.
        logger.warning("quiz rate limit skipped: Redis did not answer")
        return
    if not verdict.allowed:
        raise RateLimited(
            _("Too many requests. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.retry_after},
            retry_after=verdict.retry_after,
        )
