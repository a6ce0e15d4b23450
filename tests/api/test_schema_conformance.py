"""Property-based checks of the whole API against its own OpenAPI document (schemathesis)."""

import secrets

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, negative_data_rejection, positive_data_acceptance

from cyberweek.accounts.models import OrganiserRole
from tests.accounts.factories import UserFactory, organiser
from tests.programme.factories import EditionFactory, EventFactory, ThemedDayFactory
from tests.tickets.factories import OfferingFactory

# Django's WSGI handler, as cyberweek.wsgi serves it; importing cyberweek.wsgi would also
# check the key ring against the database, which test collection may not touch.
application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# No text may hold U+0000: the API refuses it anywhere in a request, including names and
# values the schema leaves open (tests/core/test_request_guards.py shows the 422).
schema.config.generation.update(allow_x00=False)


CONTENT_CHECKED = {"/privacy/check/file", "/api/privacy/check/file"}
# The tip line refuses a report whose proof-of-work nonce does not solve its challenge, or
# whose link or number cannot be read, and a receipt code of the wrong length, with their
# documented 422: what solves a SHA-256 puzzle or is a phone number is beyond a schema.
CONTENT_CHECKED |= {
    "/api/tipline/reports",
    "/api/tipline/reports/with-evidence",
    "/api/tipline/receipts",
    "/api/tipline/receipts/withdraw",
}


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


@pytest.fixture(params=["signed out", "visitor", "organiser with the second factor"])
def caller(request, published, settings) -> dict:
    """The headers of a session as each kind of caller has one (with its CSRF pair)."""
    if request.param == "signed out":
        return {}
    settings.ORGANISER_2FA_REQUIRED = True
    client = Client()
    if request.param == "visitor":
        client.force_login(UserFactory())
    else:
        person = organiser(OrganiserRole.Level.NATIONAL)
        device = TOTPDevice.objects.create(user=person, name="phone", confirmed=True)
        client.force_login(person)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # past the code, as after sign-in
        session.save()
    token = secrets.token_hex(16)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "cookies": {settings.SESSION_COOKIE_NAME: session_id, settings.CSRF_COOKIE_NAME: token},
        "headers": {"X-CSRFToken": token},
    }


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_endpoint_answers_as_documented(case, caller):
    # Which bytes make a readable document is beyond a schema: the self-check refusing a
    # schema-valid upload (a PNG, say) with its documented 422 is the endpoint at work.
    excluded = [positive_data_acceptance] if case.path in CONTENT_CHECKED else []
    # Unknown query parameters are ignored, as the web does (caches and links add their
    # own); only that kind of "invalid" request may be answered as if it were valid.
    declared = {p["name"] for p in case.operation.definition.raw.get("parameters", [])}
    if set(case.query or {}) - declared:
        excluded.append(negative_data_rejection)
    if caller:
        # A real session is sent, so "invalid authentication accepted" cannot apply; the
        # signed-out run checks that the session is required.
        excluded.append(ignored_auth)
        # The transport keeps its own cookie jar: the session goes in the case's cookies.
        case.cookies = {**(case.cookies or {}), **caller["cookies"]}
        case.headers = {**(case.headers or {}), **caller["headers"]}
    response = case.call_and_validate(excluded_checks=excluded)
    if case.method == "GET" and case.path == "/api/tickets/registrations":
        assert (response.status_code == 401) == (not caller)  # the session is really used


def test_each_caller_is_who_it_says(caller, request):
    """The sessions above are real: a signed-in list answers, an organiser operation
    answers the organiser only (so the conformance runs cover all three)."""
    who = request.node.callspec.params["caller"]
    cookies = "; ".join(f"{k}={v}" for k, v in caller["cookies"].items()) if caller else ""
    headers = {"HTTP_COOKIE": cookies} if caller else {}
    mine = Client().get("/api/tickets/registrations", **headers)
    assert mine.status_code == (401 if who == "signed out" else 200)
    offering = OfferingFactory()
    counts = Client().get(f"/api/tickets/offerings/{offering.pk}/counts", **headers)
    expected = {"signed out": 401, "visitor": 403, "organiser with the second factor": 200}
    assert counts.status_code == expected[who]
