"""Sessions read from the shared cache, kept in the database, and never resurrected.

Every signed-in request loads its session. Django's `cached_db` engine reads it from Redis
(one round trip, no SQL) and keeps the database as the truth, so a Redis outage only makes
sessions slower, never lost. What it does not handle is a Redis that stops answering for a
moment and then comes back with what it held: a sign-out (or any change to a session)
made meanwhile reached the database but not the cache, and the stale copy would be served
again, the signed-out session alive. This engine closes that hole in two ways:

- a change or delete that the cache refuses is left to the outbox, which deletes the copy
  as soon as Redis answers again (`stale_copies.forget`);
- a cached copy lives at most `CACHED_FOR_SECONDS`, so a stale copy dies soon whatever
  happens.

`SESSION_ENGINE = "cyberweek.core.sessions"` (settings).
"""

from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from .cache_backends import UNREACHABLE
from .stale_copies import forget

# Short enough that a copy the outbox could not yet forget does not outlive a coffee break;
# long enough that an active visitor costs the database one read every few minutes.
CACHED_FOR_SECONDS = 300


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
        strict_set = getattr(self._cache, "set_or_raise", self._cache.set)
        try:
            strict_set(self.cache_key, self._session, self._cached_for())
        except UNREACHABLE:
            forget(self.cache_key)

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is not None:
            forget(KEY_PREFIX + session_key)
