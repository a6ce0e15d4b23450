import base64
import os
import re
import shutil

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation

from cyberweek.accounts.delivery import MemorySmsSender
from cyberweek.core import rate_limits
from cyberweek.geo.models import Region
from cyberweek.geo.regions_data import read_rows
from cyberweek.geo.services import sync_regions

# Fixtures every app's tests may ask for by name.
pytest_plugins = ["tests.shared_redis"]


def pytest_configure(config):
    """Password hashing is deliberately slow; tests hash thousands of passwords and prove
    nothing about the hasher, so they use the fast one (as pretalx and Healthchecks do)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tickets are signed with a key of this run's own, never with a file an earlier run or
    # the demo left in var/ (whose absence, once tickets exist, is rightly an error).
    settings.TICKET_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode()


def ensure_regions():
    if not Region.objects.exists():
        sync_regions(read_rows())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The region tree is reference data every test may need: load it once per session."""
    with django_db_blocker.unblock():
        ensure_regions()


@pytest.fixture
def regions(db):
    """For transactional tests, which empty the database after each test."""
    ensure_regions()
    return Region.objects


@pytest.fixture
def ffmpeg():
    """The video tests need Debian's ffmpeg; without it they fail, never skip (CI installs it)."""
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        pytest.fail("ffmpeg not found: run `apt-get install ffmpeg` (see .ci/run)")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    rate_limits.tally.reset()
    yield
    cache.clear()
    rate_limits.tally.reset()


@pytest.fixture
def region():
    return lambda code: Region.objects.get(code=code)


@pytest.fixture(autouse=True)
def _english():
    """Tests read English messages, and `reverse()` gives the /en/ pages. A test about the
    Chinese default activates it explicitly."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Text messages stay in memory, as mail does (`mail.outbox`): (number, text) pairs."""
    settings.SMS_SENDER = "cyberweek.accounts.delivery.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    yield MemorySmsSender.outbox
    MemorySmsSender.outbox.clear()


@pytest.fixture(autouse=True)
def _access_log_checkpoints(settings, tmp_path):
    """Each test's access-log checkpoints go to a file of its own, as its database is."""
    settings.ACCESS_LOG_CHECKPOINT_FILE = tmp_path / "access-log-checkpoints.jsonl"


# A path written on its own in a mail, e.g. " /zh-hans/tickets/12/" or href="/tickets/12/".
RELATIVE_LINK = re.compile(r"""(?:^|[\s"'(<=])(/[\w\-]+/[^\s"'<>)]*)""", re.MULTILINE)


@pytest.fixture(autouse=True)
def _mail_links_are_absolute():
    """Every mail any test makes the platform send has absolute links only: a mail has no
    page its links could be relative to."""
    yield
    for message in getattr(mail, "outbox", []):
        bodies = [message.body] + [body for body, _type in getattr(message, "alternatives", [])]
        for body in bodies:
            relative = RELATIVE_LINK.findall(body)
            assert not relative, f"mail {message.subject!r} has relative links: {relative}"
