"""A shared service that is down answers 503 (or degrades), never 500 — against real
connections refused by a closed port, not mocks."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cyberweek.core import rate_limits
from tests.activities.factories import ActivityFactory
from tests.ports import unused_port
from tests.programme.factories import EditionFactory


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "cyberweek.core.cache_backends.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.django_db
def test_public_activity_list_is_served_from_the_database_when_redis_is_down(client, redis_down):
    ActivityFactory(edition=EditionFactory(), status="approved", title_en="Still listed")
    response = client.get(reverse("activities:list"))
    assert response.status_code == 200
    assert "Still listed" in response.content.decode()


@pytest.mark.django_db
def test_rate_limits_keep_counting_in_the_process_when_redis_is_down(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{unused_port()}/0"
    verdicts = [
        rate_limits.hit("outage-test", "203.0.113.9", limit=3, window=60).allowed for _ in range(5)
    ]
    assert verdicts == [True, True, True, False, False]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/editions", "application/problem+json"), ("/", "text/html; charset=utf-8")],
)
def test_database_down_answers_503_with_retry_after(path, content_type):
    client = Client(raise_request_exception=False)
    # The connection's next open fails for real: PostgreSQL on a port nothing listens on,
    # SQLite on a file in a folder that does not exist.
    key = "PORT" if connection.vendor == "postgresql" else "NAME"
    unreachable = unused_port() if key == "PORT" else "/nonexistent-folder/down.sqlite3"
    saved = connection.settings_dict[key]
    connection.close()
    connection.settings_dict[key] = unreachable
    try:
        response = client.get(path)
    finally:
        connection.close()
        connection.settings_dict[key] = saved
    assert response.status_code == 503
    assert response["Content-Type"] == content_type
    assert int(response["Retry-After"]) > 0
    text = response.json()["title"] if path.startswith("/api/") else response.content.decode()
    assert "服务暂时不可用" in text  # the default language


@pytest.mark.django_db
def test_api_body_over_the_limit_is_a_413_problem_document(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/privacy/check", {"text": "x" * 5000}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/body-too-large")


@pytest.mark.django_db
def test_malformed_api_request_is_a_problem_document_and_a_page_elsewhere(client):
    api = client.get("/api/editions", HTTP_HOST="bad host")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"
    page = client.get("/", HTTP_HOST="bad host")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
