"""Sign-up proves the address with a code, and never tells whether an account exists."""

import re
import smtplib

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from cyberweek.accounts import services
from cyberweek.accounts.models import OrganiserRole, SignUpCode, User
from cyberweek.core.errors import LimitReached, ValidationFailed
from cyberweek.core.models import AuditEvent, OutboxMessage
from cyberweek.geo.models import Region
from tests.accounts.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "mountain river 2019!"


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def last_mail_code() -> str:
    return code_in(mail.outbox[-1].subject + mail.outbox[-1].body)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the on-commit sends of whatever happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sign_up(client, identifier, password=NEW_PASSWORD):
    return client.post(reverse("accounts:signup"), {"identifier": identifier, "password": password})


def test_a_new_address_gets_a_code_and_the_account_signs_in_once_it_is_entered(client, sent):
    with sent():
        response = sign_up(client, "new@example.org")
    assert response["Location"] == reverse("accounts:signup_confirm")
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    code = last_mail_code()
    # Stored as a keyed digest only.
    assert code not in SignUpCode.objects.get().code_digest
    # Before the code, the password does not sign in.
    login = reverse("accounts:login")
    other = client.__class__()
    refused = other.post(login, {"identifier": "new@example.org", "password": NEW_PASSWORD})
    assert refused.status_code == 400

    response = client.post(reverse("accounts:signup_confirm"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("programme:home")).context["user"].is_authenticated
    user = User.objects.get()
    assert user.verified_at is not None
    assert AuditEvent.objects.filter(action="accounts.signed_up", actor=user).exists()
    assert not SignUpCode.objects.exists()
    ok = other.post(login, {"identifier": "new@example.org", "password": NEW_PASSWORD})
    assert ok.status_code == 302


def test_a_mobile_number_gets_its_code_by_text_message(client, sent, sms_outbox):
    with sent():
        sign_up(client, "+86 139-1234-5678")
    [(number, text)] = sms_outbox
    assert number == "+8613912345678"
    client.post(reverse("accounts:signup_confirm"), {"code": code_in(text)})
    assert User.objects.get().verified_at is not None


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_warning(client, sent):
    owner = UserFactory(email="taken@example.org")
    with sent():
        taken = sign_up(client, "Taken@Example.org")
    fresh_client = client.__class__()
    with sent():
        fresh = sign_up(fresh_client, "fresh@example.org")
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]

    def page_of(some_client, identifier):
        page = some_client.get(reverse("accounts:signup_confirm")).content.decode()
        return re.sub(r'value="[^"]{20,}"', "", page).replace(identifier, "X")

    assert page_of(client, "taken@example.org") == page_of(fresh_client, "fresh@example.org")
    warning = next(m for m in mail.outbox if m.to == ["taken@example.org"])
    assert "tried to sign up" in warning.subject
    assert not re.search(r"\b\d{6}\b", warning.subject + warning.body)
    # No code works for the taken address, and nothing of the owner's changed.
    response = client.post(reverse("accounts:signup_confirm"), {"code": "123456"})
    assert "not right" in response.content.decode()
    assert User.objects.by_email("taken@example.org").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_wrong_code_is_refused_and_tries_are_limited(client, sent, settings):
    settings.SIGNUP_CODE_ATTEMPTS = 3
    with sent():
        sign_up(client, "new@example.org")
    code = last_mail_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        response = client.post(reverse("accounts:signup_confirm"), {"code": wrong})
        assert response.status_code == 400
        assert "not right" in response.content.decode()
    response = client.post(reverse("accounts:signup_confirm"), {"code": code})
    assert response.status_code == 400
    assert User.objects.get().verified_at is None


def test_an_expired_code_is_refused(client, sent):
    with sent():
        sign_up(client, "new@example.org")
    SignUpCode.objects.update(expires_at="2020-01-01T00:00:00Z")
    response = client.post(reverse("accounts:signup_confirm"), {"code": last_mail_code()})
    assert "expired" in response.content.decode()
    assert User.objects.get().verified_at is None


def test_a_new_code_waits_a_minute_and_replaces_the_old_one(client, sent, settings):
    with sent():
        sign_up(client, "new@example.org")
    first = last_mail_code()
    with sent():
        client.post(reverse("accounts:signup_confirm"), {"resend": "1"})
    assert len(mail.outbox) == 1  # within the minute: nothing sent
    cache.clear()  # the minute has passed
    with sent():
        client.post(reverse("accounts:signup_confirm"), {"resend": "1"})
    assert len(mail.outbox) == 2
    second = last_mail_code()
    if second != first:
        response = client.post(reverse("accounts:signup_confirm"), {"code": first})
        assert response.status_code == 400
    assert client.post(reverse("accounts:signup_confirm"), {"code": second}).status_code == 302


def test_someone_else_signing_up_with_a_pending_address_cannot_choose_its_password(client, sent):
    with sent():
        sign_up(client, "victim@example.org")
    attacker = client.__class__()
    cache.clear()  # a minute later
    with sent():
        sign_up(attacker, "victim@example.org", "attacker chosen 2019!")
    # The newest code reaches the victim only; it works only in the browser that asked.
    code = last_mail_code()
    response = client.post(reverse("accounts:signup_confirm"), {"code": code})
    assert response.status_code == 400
    assert attacker.post(reverse("accounts:signup_confirm"), {"code": "123456"}).status_code
    # The victim signs up again and confirms: their own password holds.
    cache.clear()
    with sent():
        sign_up(client, "victim@example.org")
    assert client.post(reverse("accounts:signup_confirm"), {"code": last_mail_code()})["Location"]
    user = User.objects.by_email("victim@example.org").get()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password("attacker chosen 2019!")


def test_confirming_without_a_sign_up_in_this_browser_goes_back_to_sign_up(client):
    response = client.get(reverse("accounts:signup_confirm"))
    assert response["Location"] == reverse("accounts:signup")


def test_the_service_refuses_every_failure_alike_and_limits_tries(settings):
    settings.SIGNUP_CODE_ATTEMPTS = 2
    UserFactory(email="taken@example.org")
    for identifier in ("taken@example.org", "nobody@example.org"):
        with pytest.raises(ValidationFailed, match="not right"):
            services.confirm_sign_up(identifier=identifier, nonce="n", code="123456")
    with pytest.raises(ValidationFailed):
        services.confirm_sign_up(identifier="TAKEN@example.org", nonce="n", code="123456")
    with pytest.raises(LimitReached):
        services.confirm_sign_up(identifier=" taken@example.org", nonce="n", code="123456")


def test_unconfirmed_people_cannot_be_given_a_role(sent):
    services.sign_up(email="new@example.org", password=NEW_PASSWORD, nonce="n")
    with pytest.raises(ValidationFailed, match="not confirmed"):
        services.grant_role(
            actor=organiser(OrganiserRole.Level.NATIONAL),
            user=User.objects.by_email("new@example.org").get(),
            level=OrganiserRole.Level.PROVINCIAL,
            region=Region.objects.get(code="120000"),
        )


def test_a_mail_server_that_is_down_does_not_turn_the_answer_into_an_error(
    client, sent, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.accounts.test_sign_up.BrokenMailBackend"
    with sent():
        response = sign_up(client, "new@example.org")
    assert response["Location"] == reverse("accounts:signup_confirm")
    assert "new@example.org" not in caplog.text
    # The outbox keeps the message for the next try, recording why without the address.
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "SMTPRecipientsRefused" in message.last_error
    assert "new@example.org" not in message.last_error


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"new@example.org": (550, b"no")})


def test_signing_up_twice_in_a_minute_from_one_browser_keeps_the_first_code_working(client, sent):
    with sent():
        sign_up(client, "new@example.org")
        sign_up(client, "new@example.org")
    assert len(mail.outbox) == 1
    assert client.post(reverse("accounts:signup_confirm"), {"code": last_mail_code()})[
        "Location"
    ] == reverse("programme:home")
