"""Property-based checks of the whole API against its own OpenAPI document (schemathesis)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.programme.factories import EditionFactory, EventFactory, ThemedDayFactory

# Django's WSGI handler, as cyberweek.wsgi serves it; importing cyberweek.wsgi would also
# check the key ring against the database, which test collection may not touch.
application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def wsgi_in_test_transaction():
    """Calling the WSGI app directly (as schemathesis does) would close the test's database
    connection at the end of each request; Django's test client avoids it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def published(db, wsgi_in_test_transaction):
    edition = EditionFactory()
    ThemedDayFactory(edition=edition)
    EventFactory(edition=edition, slug="opening")
    return edition


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_endpoint_answers_as_documented(case, published):
    case.call_and_validate()
