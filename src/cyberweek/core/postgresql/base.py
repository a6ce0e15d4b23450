"""Django's PostgreSQL backend, with its connection health check skipped while the
connection is busy.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request,
so a connection broken since it was last used (a database restart, a dropped socket) is
replaced instead of failing the request. Under a burst that is one extra round trip per
request on connections that answered a moment ago. Here the check is skipped when this
connection served a whole request without error less than `PROVEN_FOR` seconds ago, and
made as before once it has been idle longer. A connection that breaks inside that second
fails one request, as it would without health checks; Django then closes it.

Django turns psycopg's prepared statements off (`prepare_threshold=None`), which also
makes psycopg ignore `execute(..., prepare=True)`. Unless the settings choose a threshold,
this backend sets one that is never reached, so no statement is prepared automatically
(Django's own client-side-bound cursors cannot be) but the few hot statements that ask
for it are: the contest's answer upsert (`quiz.answer_store`) is then parsed and planned
once per connection instead of on every answer.
"""

import time

from django.db.backends.postgresql import base

PROVEN_FOR = 1.0
# Statements asking for `prepare=True` are prepared; no other reaches this many runs.
EXPLICIT_ONLY = 2**62


class DatabaseWrapper(base.DatabaseWrapper):
    proven_at = float("-inf")

    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("prepare_threshold") is None and "prepare_threshold" not in (
            self.settings_dict.get("OPTIONS") or {}
        ):
            params["prepare_threshold"] = EXPLICIT_ONLY
        return params

    def close_if_unusable_or_obsolete(self):
        # Called when a request starts and when it ends. `health_check_done` is set by the
        # request's first query, so at the end it says whether the connection was used.
        served = self.connection is not None and self.health_check_done
        served = served and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if served and self.connection is not None:
            self.proven_at = time.monotonic()

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and time.monotonic() - self.proven_at < PROVEN_FOR
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
