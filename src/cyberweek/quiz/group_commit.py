"""Group commit: the answers that reach one process at the same moment are stored together.

An answer is acknowledged only once it is committed, so each one waits for the database.
When the whole country opens the contest, a web process holds several answers at once;
storing each in its own statement costs PostgreSQL a statement, a commit and a WAL flush
apiece, and the process a round trip apiece. Here the first answer to arrive is stored at
once, and those that arrive while it is at the database wait, then go together in one
statement and one commit, stored by the thread of the first of them. With nobody waiting,
an answer is stored alone, with no delay added.

What it keeps:
- nothing is acknowledged before its batch has committed;
- a batch never holds two items with the same key (one statement cannot upsert a row
  twice): a repeat waits for the next batch;
- if a batch fails, each of its items is stored again alone, by its own thread, so one bad
  item fails only its own request.
"""

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

# More than the threads of any one process, so one batch empties the queue.
MAX_BATCH = 64
_PENDING = object()


class _Waiter:
    __slots__ = ("alone", "item", "key", "result", "wake")

    def __init__(self, key: Hashable, item: Any):
        self.key = key
        self.item = item
        self.result = _PENDING
        self.alone = False
        # A plain lock as a one-shot signal: created held, released to wake the waiter.
        # An Event costs several times more, on the contest's hottest path.
        self.wake = threading.Lock()
        self.wake.acquire()


class GroupCommit:
    """Stores items through `store_many(items) -> results` (one result per item, in
    order), batching the items of concurrent callers. `store_many` runs on the thread of
    one of the callers, with that thread's database connection, in autocommit."""

    def __init__(self, store_many: Callable[[Sequence[Any]], Sequence[Any]]):
        self._store_many = store_many
        self._lock = threading.Lock()
        self._queue: list[_Waiter] = []
        self._storing = False

    def store(self, key: Hashable, item: Any):
        """Store `item` and return its result once it is committed."""
        me = _Waiter(key, item)
        with self._lock:
            self._queue.append(me)
            wait = self._storing
            self._storing = True
        if wait:
            me.wake.acquire()
            if me.alone:
                (result,) = self._store_many([item])
                return result
            if me.result is not _PENDING:
                return me.result
            # Woken without a result: this thread stores the next batch.
        return self._store_batch(me)

    def _store_batch(self, me: _Waiter):
        batch = self._take(me)
        results = None
        try:
            results = self._store_many([waiter.item for waiter in batch])
            if len(results) != len(batch):
                raise ValueError("store_many gave a result count other than its item count")
        except Exception:
            results = None
            if len(batch) == 1:
                raise
        finally:
            for i, waiter in enumerate(batch):
                if results is None:
                    waiter.alone = True
                else:
                    waiter.result = results[i]
                if waiter is not me:
                    waiter.wake.release()
            self._hand_over()
        if results is None:
            (result,) = self._store_many([me.item])
            return result
        return me.result

    def _take(self, me: _Waiter) -> list[_Waiter]:
        """`me` and the waiting items with other keys, up to MAX_BATCH; the rest stay."""
        with self._lock:
            batch, keys, rest = [me], {me.key}, []
            for waiter in self._queue:
                if waiter is me:
                    continue
                if waiter.key in keys or len(batch) >= MAX_BATCH:
                    rest.append(waiter)
                else:
                    batch.append(waiter)
                    keys.add(waiter.key)
            self._queue = rest
        return batch

    def _hand_over(self) -> None:
        """The longest-waiting caller stores the next batch; with none waiting, the next
        caller to come stores at once."""
        with self._lock:
            if self._queue:
                self._queue[0].wake.release()
            else:
                self._storing = False
