"""What counts as a shared service being down, as opposed to a bug.

PostgreSQL refusing or dropping connections and Redis not answering raise these exceptions
from deep inside Django, psycopg and redis-py; the last-resort error handler
(`core.views.server_error`) turns them into 503 answers with Retry-After instead of 500s.
"""

from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

OUTAGE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)

# Long enough for a primary failover or a Redis restart, short enough for a person to wait.
RETRY_AFTER_SECONDS = 30


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)
