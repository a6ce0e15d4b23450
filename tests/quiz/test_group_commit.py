"""Group commit on its own: batching, keys, failures and hand-over, with real threads."""

import threading
import time

import pytest

from cyberweek.quiz import group_commit
from cyberweek.quiz.group_commit import GroupCommit


class SlowStore:
    """Records each batch; the first call waits until `release` is set, so that callers
    arriving meanwhile queue up behind it."""

    def __init__(self, fail_on=()):
        self.batches = []
        self.release = threading.Event()
        self.fail_on = set(fail_on)
        self.first = True

    def __call__(self, items):
        self.batches.append(list(items))
        if self.first:
            self.first = False
            assert self.release.wait(10)
        if self.fail_on.intersection(items) and len(items) > 1:
            raise RuntimeError("one bad item spoils the statement")
        if len(items) == 1 and items[0] in self.fail_on:
            raise ValueError(f"bad item {items[0]}")
        return [f"stored {item}" for item in items]


def call_in_threads(group, calls):
    """Start one thread per (key, item); return their outcomes by item."""
    outcomes = {}

    def run(key, item):
        try:
            outcomes[item] = group.store(key, item)
        except Exception as error:
            outcomes[item] = error

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    return threads, outcomes


def wait_for_queue(group, length):
    deadline = time.monotonic() + 10
    while len(group._queue) < length:
        assert time.monotonic() < deadline, "callers never queued"
        time.sleep(0.001)


def behind_a_held_batch(group, store, first, rest):
    """Call `first` and hold its batch in the store until every call of `rest` has
    queued behind it; then let it go. The outcomes of all, by item."""
    held, outcomes = call_in_threads(group, [first])
    while not store.batches:
        time.sleep(0.001)
    queued, more = call_in_threads(group, rest)
    wait_for_queue(group, len(rest))
    store.release.set()
    for thread in held + queued:
        thread.join(10)
    return {**outcomes, **more}


def test_a_caller_alone_is_stored_at_once_in_a_batch_of_one():
    batches = []
    group = GroupCommit(lambda items: batches.append(list(items)) or ["ok"] * len(items))
    assert group.store("k", "answer") == "ok"
    assert group.store("k", "again") == "ok"
    assert batches == [["answer"], ["again"]]


def test_callers_arriving_while_a_batch_is_stored_go_together_in_the_next():
    store = SlowStore()
    group = GroupCommit(store)
    outcomes = behind_a_held_batch(
        group, store, ("a", 1), [(key, n) for n, key in enumerate("bcde", start=2)]
    )
    assert store.batches[0] == [1]
    assert sorted(store.batches[1]) == [2, 3, 4, 5]
    assert outcomes == {n: f"stored {n}" for n in range(1, 6)}
    assert group._queue == []
    assert not group._storing


def test_a_key_is_never_twice_in_one_batch():
    store = SlowStore()
    group = GroupCommit(store)
    outcomes = behind_a_held_batch(
        group, store, ("same", 1), [("same", 2), ("other", 3), ("same", 4)]
    )
    for batch in store.batches:
        keys = ["same" if item in (1, 2, 4) else "other" for item in batch]
        assert keys.count("same") <= 1
    assert outcomes == {n: f"stored {n}" for n in (1, 2, 3, 4)}


def test_a_failed_batch_is_stored_again_one_by_one_and_fails_only_the_bad_item():
    store = SlowStore(fail_on={3})
    group = GroupCommit(store)
    outcomes = behind_a_held_batch(group, store, ("a", 1), [("b", 2), ("c", 3), ("d", 4)])
    assert isinstance(outcomes.pop(3), ValueError)
    assert outcomes == {1: "stored 1", 2: "stored 2", 4: "stored 4"}
    assert [3] in store.batches  # the bad item was tried alone


def test_a_caller_whose_batch_of_one_fails_gets_the_error_and_the_next_is_not_stuck():
    def store(items):
        if "bad" in items:
            raise ValueError("bad item")
        return ["ok"] * len(items)

    group = GroupCommit(store)
    with pytest.raises(ValueError, match="bad item"):
        group.store("k", "bad")
    assert group.store("k", "good") == "ok"


def test_a_batch_holds_at_most_max_batch_items(monkeypatch):
    monkeypatch.setattr(group_commit, "MAX_BATCH", 3)
    store = SlowStore()
    group = GroupCommit(store)
    outcomes = behind_a_held_batch(group, store, ("first", 0), [(n, n) for n in range(1, 8)])
    assert all(len(batch) <= 3 for batch in store.batches)
    assert sorted(item for batch in store.batches for item in batch) == list(range(8))
    assert outcomes == {n: f"stored {n}" for n in range(8)}


def test_many_callers_at_once_each_get_their_own_result():
    calls = []
    lock = threading.Lock()

    def store(items):
        with lock:
            calls.append(len(items))
        time.sleep(0.002)
        return [item * 10 for item in items]

    group = GroupCommit(store)
    threads, outcomes = call_in_threads(group, [(n, n) for n in range(200)])
    for thread in threads:
        thread.join(30)
    assert outcomes == {n: n * 10 for n in range(200)}
    assert sum(calls) == 200
    assert len(calls) < 200  # some went together
    assert group._queue == []
    assert not group._storing
