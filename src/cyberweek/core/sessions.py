"""Sessions read from the shared cache, kept in the database, and never resurrected.

Every signed-in request loads its session. Django's `cached_db` engine reads it from Redis
(one round trip, no SQL) and keeps the database as the truth, so a Redis outage only makes
sessions slower, never lost. What it does not handle is a Redis that stops answering for a
moment and then comes back with what it held: a sign-out (or any change to a session)
made meanwhile reached the database but not the cache, and the stale copy would be served
again, the signed-out session alive. This engine closes that hole in two ways:

- a cached copy lives at most `CACHED_FOR_SECONDS`, so any stale copy dies soon whatever
  happens;
- a write or delete that the cache refuses is retried through the durable outbox
  (`evict`), which removes the copy as soon as Redis answers again.

`SESSION_ENGINE = "cyberweek.core.sessions"` (settings). The session key is a credential,
so the outbox keeps it in its encrypted `private` field, blanked after delivery.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches

from . import outbox
from .cache_backends import UNREACHABLE

logger = logging.getLogger(__name__)
# Short enough that a copy the outbox could not evict does not outlive a coffee break;
# long enough that an active visitor costs the database one read every few minutes.
CACHED_FOR_SECONDS = 300


def _strict(cache, name: str):
    """The cache's own `name` method, which raises when the server does not answer (the
    fail-soft backend swallows that; see core/cache_backends.py)."""
    strict = getattr(cache, f"{name}_or_raise", None)
    return strict or getattr(cache, name)


class SessionStore(CachedDBStore):
    def _cached_for(self, expiry=None) -> int:
        return min(CACHED_FOR_SECONDS, self.get_expiry_age(expiry=expiry))

    def load(self):
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._cache.set(self.cache_key, data, self._cached_for(row.expire_date))
        return data

    def save(self, must_create=False):
        # The database first: it is the truth, and a failure there fails the request.
        super(CachedDBStore, self).save(must_create)
        try:
            _strict(self._cache, "set")(self.cache_key, self._session, self._cached_for())
        except UNREACHABLE:
            _evict_later(self.session_key)

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            _strict(self._cache, "delete")(KEY_PREFIX + session_key)
        except UNREACHABLE:
            _evict_later(session_key)


def _evict_later(session_key: str) -> None:
    logger.warning("session cache unreachable; its copy will be evicted through the outbox")
    outbox.enqueue(evict, private=session_key)


@outbox.handler
def evict(*, private: str) -> bool:
    """Remove a session's cached copy; raises while the cache still does not answer, so the
    outbox tries again."""
    _strict(caches[settings.SESSION_CACHE_ALIAS], "delete")(KEY_PREFIX + private)
    return True
