"""Rate limits: counted on every request, or counted in batches by each process and
reported to Redis once a second (the contest's answers).

The batched tests that need Redis use the server every machine runs (127.0.0.1:6379) in
both passes of the suite, with identities of their own so that runs never share a count."""

import threading
import time
import uuid

import pytest
import redis
from django.core.cache import cache

from cyberweek.core import rate_limits
from cyberweek.core.rate_limits import Tally

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def on_redis(settings):
    settings.REDIS_URL = REDIS_URL
    return settings


@pytest.fixture
def key():
    """A fresh key of the current one-minute window, and its limit."""
    return lambda limit: (rate_limits._key("test", uuid.uuid4().hex, 60)[0], limit)


def hits(tally, keys, n):
    return [tally.hit(keys, expires_in=60) for _ in range(n)]


def test_a_batched_limit_holds_exactly_within_a_process(settings, key):
    settings.REDIS_URL = ""
    tally = Tally(background=False)
    assert hits(tally, [key(3)], 5) == [True, True, True, False, False]


def test_an_event_counts_on_every_key_or_on_none(settings, key):
    settings.REDIS_URL = ""
    tally = Tally(background=False)
    account, address = key(2), key(10)
    assert hits(tally, [account, address], 3) == [True, True, False]
    # The refused event was not counted against the address.
    assert hits(tally, [address], 9) == [True] * 8 + [False]


def test_processes_learn_each_others_counts_when_they_report(on_redis, key):
    first, second = Tally(background=False), Tally(background=False)
    shared = [key(5)]
    assert hits(first, shared, 3) == [True] * 3
    assert hits(second, shared, 1) == [True]
    first.sync()
    second.sync()  # Redis now says 4 in all
    assert hits(second, shared, 2) == [True, False]
    second.sync()
    first.sync()  # and first learns the fifth
    assert hits(first, shared, 1) == [False]
    stored = redis.Redis.from_url(REDIS_URL).get(rate_limits.cache.make_key(shared[0][0]))
    assert int(stored) == 5


def test_reported_counts_expire_with_their_window(on_redis, key):
    tally = Tally(background=False)
    shared = [key(5)]
    hits(tally, shared, 1)
    tally.sync()
    ttl = redis.Redis.from_url(REDIS_URL).ttl(rate_limits.cache.make_key(shared[0][0]))
    assert 0 < ttl <= 62


def test_counts_wait_in_memory_while_redis_is_down(settings, key, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    tally = Tally(background=False)
    shared = [key(3)]
    assert hits(tally, shared, 2) == [True, True]
    tally.sync()
    assert "Redis did not answer" in caplog.text
    assert hits(tally, shared, 2) == [True, False]  # still limiting, on its own counts
    settings.REDIS_URL = REDIS_URL
    tally.sync()
    stored = redis.Redis.from_url(REDIS_URL).get(rate_limits.cache.make_key(shared[0][0]))
    assert int(stored) == 3


def test_a_new_window_starts_from_nothing(settings, key, monkeypatch):
    settings.REDIS_URL = ""
    tally = Tally(background=False)
    clock = [1000.0]
    monkeypatch.setattr(rate_limits.time, "monotonic", lambda: clock[0])
    old = key(1)
    assert tally.hit([old], expires_in=5)
    assert not tally.hit([old], expires_in=5)
    clock[0] += 6
    assert tally.hit([key(1)], expires_in=5)
    assert old[0] not in tally._rows  # the past window is forgotten


def test_after_a_fork_the_child_starts_from_nothing(settings, key, monkeypatch):
    settings.REDIS_URL = ""
    tally = Tally(background=False)
    shared = [key(1)]
    assert hits(tally, shared, 2) == [True, False]
    monkeypatch.setattr(rate_limits.os, "getpid", lambda: -1)
    assert hits(tally, shared, 1) == [True]


def test_the_background_thread_reports_every_second(on_redis, key, monkeypatch):
    monkeypatch.setattr(rate_limits, "SYNC_SECONDS", 0.05)
    monkeypatch.setattr(rate_limits.os, "getpid", lambda: 10**9)  # a process of its own
    tally = Tally()
    shared = [key(10)]
    hits(tally, shared, 4)
    threads = [t for t in threading.enumerate() if t.name == "rate-limit-sync"]
    assert threads
    client = redis.Redis.from_url(REDIS_URL)
    stored = None
    for _ in range(100):
        stored = client.get(rate_limits.cache.make_key(shared[0][0]))
        if stored is not None:
            break
        time.sleep(0.02)
    assert int(stored) == 4
    tally._pid = None  # lets the thread end


def test_hit_all_batched_gives_the_window_s_retry_after(settings):
    settings.REDIS_URL = ""
    rate_limits.tally.reset()
    identity = uuid.uuid4().hex
    first = rate_limits.hit_all([("t", identity, 1)], window=60, batched=True)
    second = rate_limits.hit_all([("t", identity, 1)], window=60, batched=True)
    assert first.allowed
    assert not second.allowed
    assert 0 < second.retry_after <= 60


def test_hit_and_read_counts_and_reads_the_cache_in_one_call():
    identity = uuid.uuid4().hex
    cache.set("read-test:facts", ("a", 1))
    cache.set("read-test:count", 7)
    read = ["read-test:facts", "read-test:count", "read-test:missing"]
    verdicts = []
    for _ in range(3):
        verdict, found = rate_limits.hit_and_read(
            "read-test", identity, limit=2, window=60, read=read
        )
        verdicts.append(verdict.allowed)
        assert found == {"read-test:facts": ("a", 1), "read-test:count": 7}
    assert verdicts == [True, True, False]


def test_hit_and_read_counts_in_the_process_while_redis_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    identity = uuid.uuid4().hex
    verdicts = [
        rate_limits.hit_and_read("read-test", identity, limit=2, window=60, read=["x"])
        for _ in range(3)
    ]
    assert [(verdict.allowed, found) for verdict, found in verdicts] == [
        (True, {}),
        (True, {}),
        (False, {}),
    ]
