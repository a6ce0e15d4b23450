"""Property-based checks of the whole API against its own OpenAPI document (schemathesis)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from tests.programme.factories import EditionFactory, EventFactory, ThemedDayFactory

# Django's WSGI handler, as cyberweek.wsgi serves it; importing cyberweek.wsgi would also
# check the key ring against the database, which test collection may not touch.
application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# No text may hold U+0000: the API refuses it anywhere in a request, including names and
# values the schema leaves open (tests/core/test_request_guards.py shows the 422).
schema.config.generation.update(allow_x00=False)


CONTENT_CHECKED = {"/privacy/check/file", "/api/privacy/check/file"}


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
    # Which bytes make a readable document is beyond a schema: the self-check refusing a
    # schema-valid upload (a PNG, say) with its documented 422 is the endpoint at work.
    excluded = [positive_data_acceptance] if case.path in CONTENT_CHECKED else []
    case.call_and_validate(excluded_checks=excluded)
