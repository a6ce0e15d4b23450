"""Sign-in throttles: failures count per account whatever the spelling, and per address;
successful sign-ins from one address (a classroom) do not lock anyone out."""

import pytest
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole
from tests.accounts.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db
THROTTLED = "Too many sign-in attempts"


def sign_in(client, identifier, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"identifier": identifier, "password": password})


def test_other_spellings_of_one_mobile_number_share_its_failure_count(client, settings):
    settings.LOGIN_LIMIT_PER_ACCOUNT = 4
    UserFactory(email=None, mobile="+8613812340001")
    for spelling in ("+86 138-1234-0001", "0086 138 1234 0001", "(138) 1234-0001", "13812340001"):
        assert THROTTLED not in sign_in(client, spelling, "wrong").content.decode()
    for spelling in ("138 1234 0001", "+86(138)12340001", "008613812340001"):
        response = sign_in(client, spelling)
        assert response.status_code == 400
        assert THROTTLED in response.content.decode()


def test_other_spellings_of_one_email_address_share_its_failure_count(client, settings):
    settings.LOGIN_LIMIT_PER_ACCOUNT = 3
    UserFactory(email="li@example.org")
    for spelling in ("LI@example.org", " li@EXAMPLE.org ", "Li@Example.Org"):
        sign_in(client, spelling, "wrong")
    assert THROTTLED in sign_in(client, "li@example.org").content.decode()


def test_a_classroom_behind_one_address_signs_in_without_locking_anyone_out(client):
    people = [UserFactory() for _ in range(40)]
    national = organiser(OrganiserRole.Level.NATIONAL, email="nat@example.org")
    for person in people[:35]:
        assert sign_in(client, person.email).status_code == 302
        client.logout()
    # A few typos among them, as in any classroom.
    for person in people[35:]:
        assert THROTTLED not in sign_in(client, person.email, "typo").content.decode()
    assert sign_in(client, "nat@example.org").status_code == 302
    assert national.pk == int(client.session["_auth_user_id"])


def test_failures_from_one_address_are_limited(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 5
    UserFactory(email="li@example.org")
    for n in range(5):
        sign_in(client, f"person{n}@example.org", "wrong")
    assert THROTTLED in sign_in(client, "li@example.org").content.decode()


def test_all_attempts_from_one_address_have_a_higher_ceiling(client, settings):
    settings.LOGIN_LIMIT_PER_IP = 3
    UserFactory(email="li@example.org")
    for _ in range(3):
        assert sign_in(client, "li@example.org").status_code == 302
        client.logout()
    assert THROTTLED in sign_in(client, "li@example.org").content.decode()
