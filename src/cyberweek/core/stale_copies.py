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
