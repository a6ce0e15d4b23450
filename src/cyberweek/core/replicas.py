"""Reads for dashboards and exports go to the PostgreSQL standby, so the public site never
waits on reporting; when the standby is down or lags, they go to the primary.

A view that only reports computes its figures with `report(compute)`; every read inside
goes to the `standby` alias while it is usable, and every write still goes to the primary.
Whether the standby is usable is checked at most every `CHECK_EVERY` seconds per process:
it must answer, and its replay may trail the primary by at most `STANDBY_MAX_LAG_SECONDS`.
A standby that dies between two checks fails the statement sent to it: `report` then marks
it down for this process and computes the figures again on the primary, so the person
asking sees the report, not an error. (`reporting_reads()` alone routes without retrying,
for code that cannot simply be run twice.)
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)
STANDBY = "standby"
CHECK_EVERY = 5.0

_reporting = ContextVar("reporting_reads", default=False)
_standby_used = ContextVar("standby_used", default=False)
T = TypeVar("T")
_lock = threading.Lock()
_state = {"checked_at": -CHECK_EVERY, "usable": False}

# On a standby: how far replay trails, or 0 when it has replayed all it received (an idle
# primary writes nothing, so the last replayed transaction's age alone would look like lag).
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def report(compute: Callable[[], T]) -> T:
    """`compute()` with its reads on the standby; again on the primary if the standby fails.
    `compute` only reads, so running it a second time is safe."""
    used = _standby_used.set(False)
    try:
        with reporting_reads():
            return compute()
    except DatabaseError as error:
        if not _standby_used.get():
            raise
        logger.warning(
            "standby failed (%s); the report is read from the primary", type(error).__name__
        )
        _mark_down()
        return compute()
    finally:
        _standby_used.reset(used)


@contextlib.contextmanager
def reporting_reads():
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def _lag_seconds() -> float:
    connection = connections[STANDBY]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
        cursor.execute("SELECT 1")
        return 0.0


def standby_usable() -> bool:
    if not settings.DATABASE_STANDBY_URL:
        return False
    now = time.monotonic()
    with _lock:
        if now - _state["checked_at"] < CHECK_EVERY:
            return _state["usable"]
        _state["checked_at"] = now
        try:
            lag = _lag_seconds()
        except DatabaseError as error:
            logger.warning(
                "standby unreachable (%s); reports read the primary", type(error).__name__
            )
            connections[STANDBY].close()
            _state["usable"] = False
        else:
            _state["usable"] = lag <= settings.STANDBY_MAX_LAG_SECONDS
            if not _state["usable"]:
                logger.warning("standby %.0f s behind; reports read the primary", lag)
        return _state["usable"]


def _mark_down() -> None:
    """Until the next check, reports read the primary; the broken connection is dropped."""
    with _lock:
        _state["checked_at"] = time.monotonic()
        _state["usable"] = False
    with contextlib.suppress(DatabaseError):
        connections[STANDBY].close()


def forget_standby_state() -> None:
    """The next read checks the standby again (after a failover, and in tests)."""
    with _lock:
        _state["checked_at"] = -CHECK_EVERY


class ReportingRouter:
    def db_for_read(self, model, **hints):
        if _reporting.get() and standby_usable():
            _standby_used.set(True)
            return STANDBY
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the standby is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != STANDBY  # it follows the primary's schema through replication
