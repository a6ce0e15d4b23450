"""Prometheus metrics at `/metrics`.

Requests (count, latency, status by view) come from django-prometheus's middleware; this
module adds what only the platform knows: database statement time, the outbox backlog and
the Celery queue length, read when Prometheus scrapes. Under gunicorn with several workers
set PROMETHEUS_MULTIPROC_DIR (an empty folder, cleared at start) so the scrape adds up every
worker. Only loopback addresses or a bearer `METRICS_TOKEN` may read it: nginx does not
forward it, and a scraper elsewhere presents the token.
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db.backends.signals import connection_created
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from . import redis_client
from .models import OutboxMessage

STATEMENT_SECONDS = Histogram(
    "cyberweek_db_statement_seconds",
    "Time spent in database statements, by engine and by connection (default, standby).",
    ["vendor", "database"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


def _timed(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        connection = context["connection"]
        STATEMENT_SECONDS.labels(connection.vendor, connection.alias).observe(
            time.perf_counter() - started
        )


def _instrument(sender, connection, **kwargs):
    if _timed not in connection.execute_wrappers:
        connection.execute_wrappers.append(_timed)


connection_created.connect(_instrument, dispatch_uid="cyberweek.metrics.statements")


class BacklogCollector:
    """Read at each scrape: what waits to be delivered, and for how long."""

    def collect(self):
        pending = OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
        )
        oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
        waiting = GaugeMetricFamily(
            "cyberweek_outbox_pending", "Outbox messages not yet delivered."
        )
        waiting.add_metric([], pending.count())
        yield waiting
        failed = GaugeMetricFamily("cyberweek_outbox_failed", "Outbox messages that gave up.")
        failed.add_metric(
            [], OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
        )
        yield failed
        age = GaugeMetricFamily(
            "cyberweek_outbox_oldest_pending_seconds", "Age of the oldest undelivered message."
        )
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
        yield age
        if settings.REDIS_URL:
            queue = GaugeMetricFamily("cyberweek_celery_queue_length", "Tasks in the broker.")
            queue.add_metric([], redis_client.client_for(settings.CELERY_BROKER_URL).llen("celery"))
            yield queue


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(BacklogCollector())
    return registry


class _Default:
    """The process's own metrics, without registering the backlog in the global registry
    (where every test and every import would query the database)."""

    def collect(self):
        return REGISTRY.collect()


def _may_read(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and offered and hmac.compare_digest(offered, token):
        return True
    if "X-Forwarded-For" in request.headers:
        return False  # came through nginx, whose address is loopback too
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
def metrics(request):
    if not _may_read(request):
        return HttpResponseForbidden("metrics are for the monitoring system\n")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
