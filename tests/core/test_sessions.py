"""Sessions come from the cache, survive a Redis outage, and a sign-out made while Redis
did not answer is not undone when it answers again (core/sessions.py)."""

import pytest
import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cyberweek.core import outbox
from cyberweek.core.models import OutboxMessage
from cyberweek.core.sessions import CACHED_FOR_SECONDS, SessionStore
from tests.accounts.factories import UserFactory
from tests.shared_redis import REDIS_URL, next_try_is_due

EVICT = "cyberweek.core.stale_copies.forget_later"


def _session_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "django_session" in q["sql"]]


def _signed_in(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_from_the_cache(client, shared_redis):
    _signed_in(client)
    client.get(reverse("privacy:correct"))  # the first read may fill the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("privacy:correct"))
    assert response.status_code == 200
    assert _session_queries(captured) == []


@pytest.mark.django_db
def test_sessions_still_work_from_the_database_while_redis_is_down(client, shared_redis):
    shared_redis(False)
    _signed_in(client)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("privacy:correct"))
    assert response.status_code == 200
    assert _session_queries(captured)  # read from the database, the truth


@pytest.mark.django_db
def test_a_sign_out_during_an_outage_is_not_undone_when_redis_answers_again(
    client, shared_redis, django_capture_on_commit_callbacks
):
    _signed_in(client)
    assert client.get(reverse("privacy:correct")).status_code == 200  # cached now
    key = client.cookies["sessionid"].value
    shared_redis(False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:logout"))
    # The cache did not hear of it; the outbox holds the eviction, the key encrypted.
    message = OutboxMessage.objects.get(kind=EVICT)
    assert key not in str(message.payload)
    shared_redis(True)
    # Redis is back with its stale copy: until the outbox runs, the copy is there …
    from django.core.cache import cache

    assert cache.get(KEY_PREFIX + key) is not None
    next_try_is_due()
    outbox.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    # … and after it the old cookie is signed out.
    assert cache.get(KEY_PREFIX + key) is None
    client.cookies["sessionid"] = key
    response = client.get(reverse("privacy:correct"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_outbox_keeps_trying_while_redis_is_still_down(shared_redis):
    store = SessionStore()
    store["x"] = 1
    store.save()
    shared_redis(False)
    SessionStore(store.session_key).delete()
    message = OutboxMessage.objects.get(kind=EVICT)
    next_try_is_due()
    outbox.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "ConnectionError" in message.last_error


@pytest.mark.django_db
def test_a_change_saved_during_an_outage_is_not_hidden_by_the_old_copy(shared_redis):
    store = SessionStore()
    store["step"] = "before"
    store.save()
    key = store.session_key
    shared_redis(False)
    store = SessionStore(key)
    store["step"] = "after"
    store.save()
    assert OutboxMessage.objects.filter(kind=EVICT).exists()
    shared_redis(True)
    next_try_is_due()
    outbox.deliver_due()
    assert SessionStore(key)["step"] == "after"


@pytest.mark.django_db
def test_a_cached_copy_lives_a_few_minutes_at_most(shared_redis):
    store = SessionStore()
    store["x"] = 1
    store.save()
    from django.core.cache import cache

    ttl = redis.Redis.from_url(REDIS_URL).ttl(cache.make_key(KEY_PREFIX + store.session_key))
    assert 0 < ttl <= CACHED_FOR_SECONDS
