"""The second factor: who may enrol an authenticator, and when."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.accounts import services
from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import PermissionDenied
from cyberweek.core.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(client, identifier, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"identifier": identifier, "password": password})


def verify(client, device):
    return client.post(reverse("accounts:otp_verify"), {"token": current_token(device)})


@pytest.fixture
def two_factor(settings):
    settings.ORGANISER_2FA_REQUIRED = True


@pytest.fixture
def enrolled(two_factor):
    national = organiser(L.NATIONAL, email="nat@example.org")
    device = TOTPDevice.objects.create(user=national, name="phone", confirmed=True)
    return national, device


def test_a_password_only_session_cannot_open_the_set_up_page_of_an_enrolled_organiser(
    client, enrolled
):
    national, device = enrolled
    sign_in(client, "nat@example.org")
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert list(TOTPDevice.objects.filter(user=national)) == [device]


def test_a_password_only_session_cannot_confirm_an_authenticator_of_its_own(client, enrolled):
    national, device = enrolled
    sign_in(client, "nat@example.org")
    # An attacker who saw a secret somewhere (or planted an unconfirmed device) posts a code.
    planted = TOTPDevice.objects.create(user=national, name="attacker", confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": current_token(planted)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert list(TOTPDevice.objects.filter(user=national, confirmed=True)) == [device]
    assert client.get(reverse("organiser:dashboard")).status_code == 302


def test_the_services_refuse_a_second_device_without_a_verified_session(enrolled):
    national, _device = enrolled
    with pytest.raises(PermissionDenied, match="code from your authenticator"):
        services.start_totp_enrolment(user=national, session_verified=False)
    planted = TOTPDevice.objects.create(user=national, name="attacker", confirmed=False)
    with pytest.raises(PermissionDenied, match="code from your authenticator"):
        services.confirm_totp_enrolment(
            user=national, token=current_token(planted), session_verified=False
        )
    assert TOTPDevice.objects.filter(user=national, confirmed=True).count() == 1


def test_a_verified_session_replaces_the_authenticator_and_the_holder_is_told(
    client, enrolled, django_capture_on_commit_callbacks
):
    national, old = enrolled
    sign_in(client, "nat@example.org")
    verify(client, old)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    new = TOTPDevice.objects.get(user=national, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:otp_setup"), {"token": current_token(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=national)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert AuditEvent.objects.filter(actor=national, action="accounts.totp_enrolled").exists()
    assert [m.to for m in mail.outbox] == [["nat@example.org"]]
    assert "authenticator" in mail.outbox[0].body
    # The session is verified with the new device, so the organiser area stays open.
    assert client.get(reverse("organiser:dashboard")).status_code == 200


def test_an_organiser_without_a_device_enrols_on_first_sign_in_and_is_told(
    client, two_factor, django_capture_on_commit_callbacks
):
    national = organiser(L.NATIONAL, email="nat@example.org")
    assert sign_in(client, "nat@example.org")["Location"].startswith(reverse("accounts:otp_setup"))
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=national)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:otp_setup"), {"token": current_token(device)})
    assert TOTPDevice.objects.get(user=national).confirmed
    assert len(mail.outbox) == 1
    assert client.get(reverse("organiser:dashboard")).status_code == 200


def test_participants_have_no_set_up_page(client, two_factor):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:otp_setup")).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_a_higher_organiser_resets_a_lost_authenticator_and_it_is_audited(
    enrolled, django_capture_on_commit_callbacks
):
    national, _device = enrolled
    county = organiser(L.COUNTY, "120101", email="county@example.org")
    TOTPDevice.objects.create(user=county, name="phone", confirmed=True)
    national.is_verified = lambda: True
    with django_capture_on_commit_callbacks(execute=True):
        services.reset_second_factor(actor=national, user=county)
    assert not TOTPDevice.objects.filter(user=county).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor_reset")
    assert event.actor == national
    assert event.target_id == str(county.pk)
    assert [m.to for m in mail.outbox] == [["county@example.org"]]


@pytest.mark.parametrize("level", [L.COUNTY, L.PROVINCIAL])
def test_a_peer_or_lower_organiser_cannot_reset_an_authenticator(enrolled, level):
    _national, _device = enrolled
    tianjin = organiser(L.PROVINCIAL, "120000", email="tj@example.org")
    TOTPDevice.objects.create(user=tianjin, name="phone", confirmed=True)
    actor = organiser(level, "120000" if level == L.PROVINCIAL else "120101")
    actor.is_verified = lambda: True
    with pytest.raises(PermissionDenied):
        services.reset_second_factor(actor=actor, user=tianjin)
    assert TOTPDevice.objects.filter(user=tianjin).exists()


def test_no_one_resets_their_own_authenticator_this_way(enrolled):
    national, _device = enrolled
    national.is_verified = lambda: True
    with pytest.raises(PermissionDenied):
        services.reset_second_factor(actor=national, user=national)


def test_the_reset_page_resets_and_the_organiser_enrols_again(
    client, enrolled, django_capture_on_commit_callbacks
):
    _national, device = enrolled
    county = organiser(L.COUNTY, "120101", email="county@example.org")
    TOTPDevice.objects.create(user=county, name="phone", confirmed=True)
    sign_in(client, "nat@example.org")
    verify(client, device)
    roles = client.get(reverse("organiser:roles")).content.decode()
    url = reverse("organiser:reset_second_factor", args=[county.pk])
    assert url in roles
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=county).exists()
    client.logout()
    assert sign_in(client, "county@example.org")["Location"].startswith(
        reverse("accounts:otp_setup")
    )
    assert re.search(r"<svg", client.get(reverse("accounts:otp_setup")).content.decode())


def test_even_where_two_factor_is_optional_a_password_cannot_replace_the_authenticator(client):
    national = organiser(L.NATIONAL, email="nat@example.org")
    device = TOTPDevice.objects.create(user=national, name="phone", confirmed=True)
    sign_in(client, "nat@example.org")
    response = client.get(reverse("accounts:otp_setup"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert list(TOTPDevice.objects.filter(user=national)) == [device]
