import os
import uuid

import pytest
import redis

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core import redis_client
from cyberweek.core.permissions import acting_without_session
from tests.accounts.factories import organiser

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"


@pytest.fixture
def use_redis(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.fail(f"Redis is not running at {REDIS_URL}")
    settings.REDIS_URL = REDIS_URL
    prefix = f"test-ctf-{uuid.uuid4().hex}"
    settings.CTF_BOARD_PREFIX = prefix
    client = redis_client.client_for(REDIS_URL)
    yield client
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def use_sql(settings):
    settings.REDIS_URL = ""


@pytest.fixture
def staff(db):
    return acting_without_session(organiser(OrganiserRole.Level.NATIONAL))
