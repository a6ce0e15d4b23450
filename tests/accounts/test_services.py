import pytest

from cyberweek.accounts import services
from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.core.errors import Conflict, PermissionDenied, ValidationFailed
from cyberweek.core.models import AuditEvent
from cyberweek.geo.queries import country
from tests.accounts.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level
GOOD_PASSWORD = "mountain river 2019!"


def test_sign_up_with_an_email_address_needs_nothing_else():
    pending = services.sign_up(email="  Li.Hua@Example.ORG ", password=GOOD_PASSWORD, nonce="n")
    assert pending.identifier == "li.hua@example.org"
    user = User.objects.get()
    assert user.email == "li.hua@example.org"
    assert user.mobile is None
    # Until the code is entered, the account cannot sign in.
    assert user.verified_at is None
    assert not user.check_password(GOOD_PASSWORD)


@pytest.mark.parametrize("written", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678"])
def test_sign_up_with_a_mobile_number_stores_one_spelling(written):
    assert (
        services.sign_up(mobile=written, password=GOOD_PASSWORD, nonce="n").identifier
        == "+8613812345678"
    )
    assert User.objects.get().mobile == "+8613812345678"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "email address or a mobile number"),
        ({"mobile": "12345"}, "valid mobile number"),
        ({"mobile": "010-12345678"}, "valid mobile number"),  # a landline
        ({"email": "not-an-address"}, "valid email"),
    ],
)
def test_sign_up_refuses_bad_identifiers(fields, message):
    with pytest.raises(ValidationFailed, match=message):
        services.sign_up(password=GOOD_PASSWORD, nonce="n", **fields)
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["short", "1234567890123", "password123"])
def test_sign_up_refuses_weak_passwords(password):
    with pytest.raises(ValidationFailed) as caught:
        services.sign_up(email="weak@example.org", password=password, nonce="n")
    assert caught.value.field == "password"
    assert not User.objects.exists()


def test_a_province_appoints_a_prefecture_in_its_own_province(region):
    tianjin = organiser(L.PROVINCIAL, "120000")
    person = UserFactory()
    role = services.grant_role(
        actor=tianjin, user=person, level=L.PREFECTURAL, region=region("120100")
    )
    assert role.granted_by == tianjin
    assert AuditEvent.objects.filter(action="accounts.role_granted", outcome="done").exists()


def test_a_province_cannot_appoint_in_another_province_and_the_refusal_is_recorded(region):
    tianjin = organiser(L.PROVINCIAL, "120000")
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=tianjin, user=UserFactory(), level=L.PREFECTURAL, region=region("110100")
        )
    assert not OrganiserRole.objects.filter(region__code="110100").exists()
    denial = AuditEvent.objects.get(outcome="denied")
    assert (denial.actor, denial.action, denial.region_code) == (
        tianjin,
        "accounts.grant_role",
        "110100",
    )


def test_an_organiser_cannot_appoint_a_peer(region):
    tianjin = organiser(L.PROVINCIAL, "120000")
    with pytest.raises(PermissionDenied, match="below your own level"):
        services.grant_role(
            actor=tianjin, user=UserFactory(), level=L.PROVINCIAL, region=region("120000")
        )


def test_a_role_must_sit_on_a_region_of_its_level(region):
    national = organiser(L.NATIONAL)
    with pytest.raises(ValidationFailed, match="region of level"):
        services.grant_role(
            actor=national, user=UserFactory(), level=L.PROVINCIAL, region=region("120101")
        )


def test_a_unit_role_needs_the_unit_name(region):
    national = organiser(L.NATIONAL)
    with pytest.raises(ValidationFailed, match="Name the unit"):
        services.grant_role(
            actor=national, user=UserFactory(), level=L.UNIT, region=region("120101")
        )


def test_granting_the_same_role_twice_is_a_conflict(region):
    national = organiser(L.NATIONAL)
    person = UserFactory()
    services.grant_role(actor=national, user=person, level=L.PROVINCIAL, region=region("120000"))
    with pytest.raises(Conflict):
        services.grant_role(
            actor=national, user=person, level=L.PROVINCIAL, region=region("120000")
        )


def test_a_participant_cannot_grant_roles():
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=UserFactory(),
            user=UserFactory(),
            level=L.PROVINCIAL,
            region=country().children.first(),
        )
