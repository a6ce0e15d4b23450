"""Forgetting a cached copy even while Redis does not answer.

Some copies in the shared cache must not outlive the truth: a session after its sign-out,
a user's roles after one is revoked, a CTF challenge after it is hidden, an entry after it
is rejected, an edition after it is unpublished. Their writers delete the copy, or the
version stamp the copies are checked against (`version_changed`). The fail-soft cache
skips a delete while Redis does not answer, and a Redis that comes back with what it held
would then serve the stale copy again. So `forget` deletes strictly and, when Redis does
not answer, leaves the delete to the durable outbox, which repeats it until Redis answers.
Such copies are also given a short expiry, which bounds the time even if the outbox is
slow.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction

from . import outbox
from .cache_backends import UNREACHABLE

logger = logging.getLogger(__name__)


def _delete_strictly(key: str) -> None:
    # The fail-soft backend's `delete_or_raise` raises when Redis does not answer; another
    # backend (the in-process cache of the embedded default) cannot fail that way.
    getattr(cache, "delete_or_raise", cache.delete)(key)


def forget(key: str) -> None:
    """Delete `key` from the shared cache now, or as soon as the cache answers again. The key
    may hold a credential (a session key), so the outbox keeps it encrypted."""
    try:
        _delete_strictly(key)
    except UNREACHABLE:
        logger.warning("cache unreachable; a stale copy will be forgotten through the outbox")
        outbox.enqueue(forget_later, private=key)


def versioned(version_key: str, keys: list[str], found: dict | None = None) -> tuple[int, dict]:
    """The version stamp at `version_key` and, of `keys`, the copies stored under it (one
    round trip, or none when the caller read `found` already). With no stamp (never set, or
    forgotten by `version_changed`) a new one is started and nothing counts. Copies read
    from the database now are to be kept (`keep`) under the version returned: a change made
    meanwhile forgets it, so they never count after that change."""
    if found is None:
        found = cache.get_many([version_key, *keys])
    version = found.get(version_key)
    if version is None:
        cache.add(version_key, time.time_ns(), None)
        # Another process may have started one first; its stamp is the one that counts.
        return cache.get(version_key) or time.time_ns(), {}
    current = {}
    for key in keys:
        stored = found.get(key)
        # A copy in another shape was written by another release: it does not count.
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
            current[key] = stored[1]
    return version, current


def keep(version: int, copies: dict, timeout: int) -> None:
    """Store `copies` (key → value) under `version`, for `timeout` seconds at most."""
    if copies:
        cache.set_many({key: (version, value) for key, value in copies.items()}, timeout)


def version_changed(version_key: str) -> None:
    """The copies checked against the version stored at `version_key` stop counting: the
    version is forgotten now, and again when the transaction commits (a copy read from the
    database before the commit would otherwise be stored under the version the next reader
    starts). Readers start a new version when they find none."""
    forget(version_key)
    transaction.on_commit(lambda: forget(version_key))


@outbox.handler
def forget_later(*, private: str) -> bool:
    """Raises while the cache still does not answer, so the outbox tries again."""
    _delete_strictly(private)
    return True
