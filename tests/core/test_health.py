"""Health, readiness, metrics and request ids: what load balancers and operators read."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client

from cyberweek.core import health
from cyberweek.core.outbox import enqueue
from tests.core.test_outbox import refused

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "ok", "keys": "ok"},
    }


def test_readyz_is_not_ready_while_a_check_fails(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == "ok"


def test_readyz_knows_a_pending_migration(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_seen_applied", False)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'core' AND name = '0003_outbox'")
    body = client.get("/readyz").json()
    assert body["checks"]["migrations"] == "failed: RuntimeError"


def test_metrics_count_requests_and_show_the_outbox_backlog(client):
    enqueue(refused, user_id=1)
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_responses_total_by_status_total" in text
    assert "cyberweek_outbox_pending 1.0" in text
    assert "cyberweek_db_statement_seconds_count" in text


def test_metrics_are_not_served_through_the_proxy_or_to_strangers(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7").status_code == 403
    # nginx on the same host connects from loopback, but says whom it forwards.
    forwarded = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forwarded.status_code == 403
    settings.METRICS_TOKEN = "scraper-secret-value"
    wrong = client.get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer scraper-secret-value"
    )
    assert right.status_code == 200


def test_every_response_carries_a_request_id_and_keeps_a_well_formed_one():
    client = Client()
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f1c2b9a")["X-Request-ID"]
    assert kept == "nginx-4f1c2b9a"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>"


def test_log_lines_in_json_carry_the_request_id(settings, capsys):
    from logging.config import dictConfig

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # so readiness logs a warning
    config = json.loads(json.dumps(settings.LOGGING))
    config["handlers"]["console"]["formatter"] = "json"
    dictConfig(config)
    try:
        Client().get("/readyz", HTTP_X_REQUEST_ID="trace-12345678")
        logging.getLogger("cyberweek.test").warning("outside")
    finally:
        dictConfig(settings.LOGGING)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    inside = next(line for line in lines if "readiness check redis" in line["message"])
    assert inside["request_id"] == "trace-12345678"
    assert {"time", "level", "logger"} <= set(inside)
    assert lines[-1] == {**lines[-1], "message": "outside", "request_id": "-"}
