"""`/healthz` and `/readyz` for load balancers and orchestrators.

`/healthz` says the process answers and touches nothing else, so a database outage does
not get every web node restarted. `/readyz` says the node can serve: the database answers,
no migration is pending, Redis answers (where configured) and the key ring decrypts. Each
check answers in well under a second; the migration check is remembered once it passes,
since migrations do not un-apply themselves under a running process.
"""

import logging

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import redis_client
from .key_check import key_ring_problem

logger = logging.getLogger(__name__)
_migrations_seen_applied = False


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _migrations() -> None:
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrations_seen_applied = True


def _redis() -> None:
    if settings.REDIS_URL:
        redis_client.client().ping()


def _keys() -> None:
    # The same check as `cyberweek check`: the ring opens the value stored with the data.
    if key_ring_problem() is not None:
        raise RuntimeError("the key ring does not open this database's check value")


CHECKS = {"database": _database, "migrations": _migrations, "redis": _redis, "keys": _keys}


@never_cache
@require_GET
def readyz(request):
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # each failure is reported by name, never raised
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            results[name] = f"failed: {type(error).__name__}"
            ready = False
        else:
            results[name] = "ok"
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": results},
        status=200 if ready else 503,
    )
