"""Fixed-window rate limits on the shared cache (Redis in production, so every web node
counts together; process memory in the embedded runtime).

`hit_all(..., batched=True)` is for the hottest path (a contest's answers): it counts in
this process's memory and adds the counts to Redis once a second from a background
thread, so a request makes no round trip for its limit. A process refuses as soon as its
own counts, added to the last totals Redis gave it, reach the limit. Each report also
reads back the totals of the counters that are past half their limit, so what other
processes admitted is seen within a second. A batched limit therefore holds exactly
within one process, and across processes it may be passed by about one second of the
others' traffic. If Redis cannot be reached, the counts wait in memory for the next try
and each process keeps limiting on its own; unbatched limits do the same while Redis is
unreachable, so an outage neither opens every limit nor refuses everyone.
"""

import functools
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import redis_client

logger = logging.getLogger(__name__)
SYNC_SECONDS = 1.0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets


def _key(scope: str, identity: str, window: int) -> tuple[str, int]:
    # Identities (addresses, accounts) are hashed: the cache holds no personal data.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]
    now = int(time.time())
    return f"rl:{scope}:{digest}:{now // window}", window - now % window


# Counts every key in one call: a limit is checked on hot paths, where an ADD and an INCR
# per counter would be two round trips each. ARGV[1] is the expiry, ARGV[i + 1] what to
# add to KEYS[i]; EXPIRE is set by the window's first count only.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[i + 1])
  counts[i] = redis.call('INCRBY', key, by)
  if counts[i] == by then redis.call('EXPIRE', key, ARGV[1]) end
end
return counts
"""


@functools.cache
def _count_script(url: str):
    return redis_client.client_for(url).register_script(_COUNT_SCRIPT)


def _count(keys: list[str], window: int, by: list[int] | None = None) -> list[int]:
    """Add `by` (one each by default) to the counters and return the new counts. On Redis
    one script call, on the keys Django's cache would use (so `peek` reads them); in
    process memory, add and incr."""
    by = by or [1] * len(keys)
    if getattr(settings, "REDIS_URL", ""):
        script = _count_script(settings.REDIS_URL)
        return script(keys=[cache.make_key(key) for key in keys], args=[window + 1, *by])
    return _count_in(cache, keys, window, by)


# Used only while Redis is unreachable.
_process_counts = LocMemCache("rate-limits-fallback", {"MAX_ENTRIES": 100_000})


def _count_in(store, keys: list[str], window: int, by: list[int]) -> list[int]:
    counts = []
    for key, n in zip(keys, by, strict=True):
        if store.add(key, n, timeout=window + 1):
            counts.append(n)
            continue
        try:
            counts.append(store.incr(key, n))
        except ValueError:  # expired between add and incr
            store.add(key, n, timeout=window + 1)
            counts.append(n)
    return counts


def hit(scope: str, identity: str, *, limit: int, window: int) -> Verdict:
    """Count one event; allowed while the window's count stays within `limit`."""
    return hit_all([(scope, identity, limit)], window=window)


def hit_all(limits: list[tuple[str, str, int]], *, window: int, batched: bool = False) -> Verdict:
    """Count one event against several (scope, identity, limit) at once; allowed while
    every count stays within its limit. `batched` counts in this process and reports to
    Redis once a second (see the module's docstring)."""
    keys = [_key(scope, identity, window) for scope, identity, _limit in limits]
    if batched:
        allowed = tally.hit(
            [(key, limit) for (key, _retry), (*_, limit) in zip(keys, limits, strict=True)],
            expires_in=keys[0][1],
        )
        return Verdict(allowed, keys[0][1])
    names = [key for key, _retry_after in keys]
    try:
        counts = _count(names, window)
    except (RedisConnectionError, RedisTimeoutError):
        # As batched limits do: while Redis is away each process limits on its own, rather
        # than letting everything through or refusing everyone.
        logger.warning("rate limits unreachable; counting in this process")
        counts = _count_in(
            _process_counts, [key for key, _retry_after in keys], window, [1] * len(keys)
        )
    allowed = all(count <= limit for count, (*_, limit) in zip(counts, limits, strict=True))
    return Verdict(allowed, keys[0][1])


# The counting of `hit`, then a GET of each key to read: ARGV[1] is the expiry; KEYS[1] the
# counter, the other KEYS are read.
_COUNT_AND_READ_SCRIPT = """
local found = {redis.call('INCR', KEYS[1])}
if found[1] == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
for i = 2, #KEYS do
  found[i] = redis.call('GET', KEYS[i])
end
return found
"""
# What Django's Redis cache stores values with (integers as they are, the rest pickled).
_serializer = RedisSerializer()


@functools.cache
def _count_and_read_script(url: str):
    return redis_client.client_for(url).register_script(_COUNT_AND_READ_SCRIPT)


def hit_and_read(
    scope: str, identity: str, *, limit: int, window: int, read: list[str]
) -> tuple[Verdict, dict]:
    """`hit`, and the cache's values of the keys in `read` (as `cache.get_many` gives them),
    in one round trip to Redis: for a hot path that checks its limit and then needs the
    cache. While Redis is unreachable the limit counts in this process and nothing is read."""
    key, retry_after = _key(scope, identity, window)
    if not getattr(settings, "REDIS_URL", ""):
        return hit(scope, identity, limit=limit, window=window), cache.get_many(read)
    script = _count_and_read_script(settings.REDIS_URL)
    try:
        replies = script(keys=[cache.make_key(k) for k in [key, *read]], args=[window + 1])
    except (RedisConnectionError, RedisTimeoutError):
        logger.warning("rate limits unreachable; counting in this process")
        count = _count_in(_process_counts, [key], window, [1])[0]
        return Verdict(count <= limit, retry_after), {}
    found = {
        k: _serializer.loads(v) for k, v in zip(read, replies[1:], strict=True) if v is not None
    }
    return Verdict(int(replies[0]) <= limit, retry_after), found


class Tally:
    """This process's batched counts: per key (which names its window) the total Redis
    last reported, the count being reported now, and the count not reported yet."""

    def __init__(self, *, background: bool = True):
        self.background = background
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        # key -> [reported total, in flight, pending, expiry, limit]
        self._rows: dict[str, list] = {}
        self._pid = None
        self._next_purge = 0.0

    def hit(self, keys: list[tuple[str, int]], *, expires_in: int) -> bool:
        """Count one event on every key if none has reached its limit; else count nothing."""
        with self._lock:
            if self._pid != os.getpid():
                self._started_in_this_process()
            now = time.monotonic()
            if now >= self._next_purge:
                self._forget_past_windows(now)
                self._next_purge = now + SYNC_SECONDS
            rows = []
            for key, limit in keys:
                row = self._rows.get(key)
                if row is None:
                    row = self._rows[key] = [0, 0, 0, now + expires_in, limit]
                if row[0] + row[1] + row[2] >= limit:
                    return False
                rows.append(row)
            for row in rows:
                row[2] += 1
            return True

    def _started_in_this_process(self):
        # First use, or first use after a fork: the parent's counts are the parent's to
        # report, and its thread did not come along.
        self._pid = os.getpid()
        self._rows.clear()
        if self.background and getattr(settings, "REDIS_URL", ""):
            threading.Thread(
                target=self._report_forever, name="rate-limit-sync", daemon=True
            ).start()

    def _report_forever(self):
        pid = os.getpid()
        while self._pid == pid:
            time.sleep(SYNC_SECONDS)
            try:
                self.sync()
            except Exception:
                # The thread must outlive any one failure, or the process stops reporting.
                logger.exception("rate-limit counts not reported")

    def sync(self) -> None:
        """Add the counts not reported yet to Redis and learn the totals (with Redis)."""
        if not getattr(settings, "REDIS_URL", ""):
            return
        with self._sync_lock:
            with self._lock:
                sending = []
                for key, row in self._rows.items():
                    # What is new, and a zero for counters near their limit, whose totals
                    # (others' counts included) matter.
                    if row[2] or 2 * row[0] >= row[4]:
                        row[1], row[2] = row[2], 0
                        sending.append((key, row))
            if not sending:
                return
            ttl = max(1, int(max(row[3] for _key, row in sending) - time.monotonic()) + 1)
            try:
                totals = _count(
                    [key for key, _row in sending], ttl, [row[1] for _k, row in sending]
                )
            except (RedisError, OSError, ValueError):
                logger.warning("rate-limit counts not reported: Redis did not answer")
                totals = None
            with self._lock:
                for i, (_key, row) in enumerate(sending):
                    if totals is None:
                        row[2] += row[1]
                    else:
                        row[0] = int(totals[i])
                    row[1] = 0

    def _forget_past_windows(self, now: float):
        for key in [key for key, row in self._rows.items() if row[3] <= now]:
            del self._rows[key]

    def reset(self) -> None:
        """Forget every count (the tests start each from nothing)."""
        with self._lock:
            self._rows.clear()


tally = Tally()


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
