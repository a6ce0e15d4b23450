"""Every organiser operation of the JSON API needs a session past the second factor.

The operations are listed from the OpenAPI schema (those whose security is the organiser
session), so an operation added later is walked too; and every other operation is walked
with the same session, so one that reaches the permission layer without declaring itself an
organiser operation is caught."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.accounts.models import OrganiserRole
from cyberweek.api import api
from cyberweek.core.api_auth import ORGANISER_SCHEME
from cyberweek.core.models import AuditEvent
from tests.accounts.factories import PASSWORD, organiser
from tests.tickets.factories import OfferingFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def all_operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            schemes = {name for entry in operation.get("security", []) for name in entry}
            yield method, path, schemes


ORGANISER_OPERATIONS = [
    (method, path) for method, path, schemes in all_operations() if ORGANISER_SCHEME in schemes
]
OTHER_OPERATIONS = [
    (method, path) for method, path, schemes in all_operations() if ORGANISER_SCHEME not in schemes
]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def half_signed_in(client, settings):
    """A national organiser's session past the password, not the code."""
    settings.ORGANISER_2FA_REQUIRED = True
    national = organiser(OrganiserRole.Level.NATIONAL, email="nat@example.org")
    TOTPDevice.objects.create(user=national, name="phone", confirmed=True)
    client.post("/en/accounts/login/", {"identifier": "nat@example.org", "password": PASSWORD})
    return national


def call(client, method, path):
    return getattr(client, method)(concrete(path), {}, content_type="application/json")


def test_the_schema_lists_the_organiser_operations():
    assert ("post", "/api/tickets/offerings/{offering_id}/check-ins") in ORGANISER_OPERATIONS
    assert ("get", "/api/tickets/offerings/{offering_id}/counts") in ORGANISER_OPERATIONS


@pytest.mark.parametrize(("method", "path"), ORGANISER_OPERATIONS)
def test_every_organiser_operation_refuses_a_session_without_the_second_factor(
    client, half_signed_in, method, path
):
    response = call(client, method, path)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("/second-factor-required")
    assert body["status"] == 403
    # The API's paths carry no language prefix: problems are in the default, Chinese.
    assert "身份验证器" in body["detail"]
    assert AuditEvent.objects.filter(actor=half_signed_in, outcome="denied").exists()


@pytest.mark.parametrize(("method", "path"), OTHER_OPERATIONS)
def test_no_other_operation_needs_an_organiser_role_undeclared(
    client, half_signed_in, method, path
):
    response = call(client, method, path)
    assert response.status_code < 500
    if response.status_code == 403:
        assert not response.json()["type"].endswith("/second-factor-required"), (
            f"{method} {path} needs an organiser role: declare auth=organiser"
        )


def test_the_same_session_past_the_code_reaches_the_operation(client, half_signed_in):
    device = TOTPDevice.objects.get(user=half_signed_in)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/en/accounts/2fa/verify/", {"token": f"{totp.token():06d}"})
    offering = OfferingFactory()
    response = client.get(f"/api/tickets/offerings/{offering.pk}/counts")
    assert response.status_code == 200
    assert response.json()["checked_in"] == 0


def test_signed_out_callers_get_a_401_problem(client):
    for method, path in ORGANISER_OPERATIONS:
        response = call(client, method, path)
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM
