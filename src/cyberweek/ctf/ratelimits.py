"""Rate limits on flag submissions, per team and per team and challenge.

Fixed one-minute windows on `core.rate_limits`, batched as the contest's answers are:
each process counts in memory and adds its counts to Redis once a second, so a wrong flag
makes no round trip for its limits (submissions are most of a CTF's writes). If Redis
cannot be reached, each process keeps limiting on its own; an error in the limiter lets
the submission through, because a limit protects the platform and is not part of the
answer.
"""

import logging

from django.conf import settings
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from cyberweek.core import rate_limits
from cyberweek.core.errors import LimitReached

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60
# (per team, per team and challenge) submissions a minute; `CTF_RATE_LIMITS` overrides.
DEFAULT_LIMITS = (60, 10)


class RateLimited(LimitReached):
    def __init__(self, message=None, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def limits() -> tuple[int, int]:
    return tuple(getattr(settings, "CTF_RATE_LIMITS", None) or DEFAULT_LIMITS)


def check_submission(*, team_id: int, challenge_id: int) -> None:
    """Count one submission; raise `RateLimited` when the team or the team on this
    challenge has used up the minute's allowance."""
    per_team, per_challenge = limits()
    counted = [
        ("ctf-submit-team", str(team_id), per_team),
        ("ctf-submit-challenge", f"{team_id}:{challenge_id}", per_challenge),
    ]
    try:
        verdict = rate_limits.hit_all(counted, window=WINDOW_SECONDS, batched=True)
    except (RedisError, OSError, ValueError):
        logger.warning("ctf rate limit skipped: Redis did not answer")
        return
    if not verdict.allowed:
        raise RateLimited(
            _("Too many flags. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.retry_after},
            retry_after=verdict.retry_after,
        )
