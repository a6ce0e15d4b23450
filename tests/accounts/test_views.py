import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.core.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def sign_in(client, identifier, password=PASSWORD, next_url=""):
    return client.post(
        reverse("accounts:login"),
        {"identifier": identifier, "password": password, "next": next_url},
    )


def test_signing_up_signs_the_person_in_once_the_code_is_entered(
    client, django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {"identifier": "13912345678", "password": "mountain river 2019!"},
        )
    assert response["Location"] == reverse("accounts:signup_confirm")
    assert not client.get(reverse("programme:home")).context["user"].is_authenticated
    code = re.search(r"\b(\d{6})\b", sms_outbox[0][1]).group(1)
    assert client.post(reverse("accounts:signup_confirm"), {"code": code}).status_code == 302
    assert User.objects.get().mobile == "+8613912345678"
    assert client.get(reverse("programme:home")).context["user"].is_authenticated


def test_signing_up_with_a_taken_address_answers_as_for_a_new_one(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        reverse("accounts:signup"),
        {"identifier": "taken@example.org", "password": "mountain river 2019!"},
    )
    assert response["Location"] == reverse("accounts:signup_confirm")


def test_signing_up_with_an_empty_form_shows_field_errors(client):
    response = client.post(reverse("accounts:signup"), {})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"identifier", "password"}


def test_sign_in_with_email_or_mobile(client):
    UserFactory(email="li@example.org", mobile="+8613812345678")
    assert sign_in(client, "LI@example.org").status_code == 302
    client.logout()
    assert sign_in(client, "138 1234 5678").status_code == 302


def test_a_wrong_password_and_an_unknown_person_get_the_same_answer(client):
    UserFactory(email="li@example.org")
    wrong = sign_in(client, "li@example.org", "wrong password")
    unknown = sign_in(client, "nobody@example.org")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "do not match" in response.content.decode()


def test_sign_in_ignores_a_next_address_on_another_site(client):
    UserFactory(email="li@example.org")
    response = sign_in(client, "li@example.org", next_url="https://evil.example.com/")
    assert response["Location"] == reverse("programme:home")


def test_the_organiser_area_sends_visitors_to_sign_in(client):
    response = client.get(reverse("organiser:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_organiser_area_refuses_participants_and_records_it(client):
    participant = UserFactory()
    client.force_login(participant)
    response = client.get(reverse("organiser:dashboard"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=participant, outcome="denied").count() == 1


def test_organisers_reach_their_area_and_see_their_roles(client):
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    response = client.get(reverse("organiser:dashboard"))
    assert response.status_code == 200
    assert "Provincial · Tianjin" in response.content.decode()


def _current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_with_two_factor_required_an_organiser_enrols_an_authenticator_first(client, settings):
    settings.ORGANISER_2FA_REQUIRED = True
    national = organiser(L.NATIONAL, email="nat@example.org")
    response = sign_in(client, "nat@example.org")
    assert response["Location"].startswith(reverse("accounts:otp_setup"))

    # Without the second factor the organiser area stays closed.
    assert client.get(reverse("organiser:dashboard"))["Location"].startswith(
        reverse("accounts:otp_setup")
    )
    page = client.get(reverse("accounts:otp_setup"))
    assert "<svg" in page.content.decode()
    secret = re.search(r'user-select-all">([A-Z2-7=]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=national, confirmed=False)
    assert device.bin_key == b32decode(secret)

    wrong = "000000" if _current_token(device) != "000000" else "111111"
    bad = client.post(reverse("accounts:otp_setup"), {"token": wrong})
    assert bad.status_code == 400
    good = client.post(reverse("accounts:otp_setup"), {"token": _current_token(device)})
    assert good.status_code == 302
    assert client.get(reverse("organiser:dashboard")).status_code == 200


def test_with_two_factor_required_a_returning_organiser_enters_a_code(client, settings):
    settings.ORGANISER_2FA_REQUIRED = True
    national = organiser(L.NATIONAL, email="nat@example.org")
    device = TOTPDevice.objects.create(user=national, name="phone", confirmed=True)
    assert sign_in(client, "nat@example.org")["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.post(reverse("accounts:otp_verify"), {"token": "12ab"}).status_code == 400
    response = client.post(reverse("accounts:otp_verify"), {"token": _current_token(device)})
    assert response.status_code == 302
    assert client.get(reverse("organiser:dashboard")).status_code == 200


def test_participants_are_never_asked_for_a_second_factor(client, settings):
    settings.ORGANISER_2FA_REQUIRED = True
    UserFactory(email="p@example.org")
    assert sign_in(client, "p@example.org")["Location"] == reverse("programme:home")


def test_signing_out_needs_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_repeated_wrong_passwords_lock_that_account_for_a_while(client, settings):
    settings.LOGIN_LIMIT_PER_ACCOUNT = 3
    UserFactory(email="li@example.org")
    for _ in range(3):
        assert "do not match" in sign_in(client, "li@example.org", "wrong").content.decode()
    # Even the right password waits now, so guessing cannot continue.
    response = sign_in(client, "li@example.org")
    assert response.status_code == 400
    assert "Too many sign-in attempts" in response.content.decode()
    assert "do not match" in sign_in(client, "other@example.org", "x").content.decode()


def test_one_address_cannot_try_endless_accounts(client, settings):
    settings.LOGIN_LIMIT_PER_IP = 5
    for n in range(5):
        sign_in(client, f"person{n}@example.org", "wrong")
    assert "Too many sign-in attempts" in sign_in(client, "new@example.org").content.decode()


def test_the_address_behind_a_trusted_proxy_is_the_one_counted(client, settings):
    settings.LOGIN_LIMIT_PER_IP = 2
    settings.TRUSTED_PROXIES = 1
    for n in range(3):
        response = client.post(
            reverse("accounts:login"),
            {"identifier": f"p{n}@example.org", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        assert "Too many" not in response.content.decode()


def test_sign_ups_from_one_address_are_limited(client, settings):
    settings.SIGNUP_LIMIT_PER_IP = 2
    for n in range(2):
        client.post(
            reverse("accounts:signup"),
            {"identifier": f"new{n}@example.org", "password": "mountain river 2019!"},
        )
        client.logout()
    response = client.post(
        reverse("accounts:signup"),
        {"identifier": "new9@example.org", "password": "mountain river 2019!"},
    )
    assert response.status_code == 400
    assert "Too many sign-ups" in response.content.decode()
    assert not User.objects.by_email("new9@example.org").exists()
