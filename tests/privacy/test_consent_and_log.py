import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import NotFound, PermissionDenied, ValidationFailed
from cyberweek.privacy import services
from cyberweek.privacy.models import ConsentNotice, Purpose
from tests.accounts.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db
BOARD = Purpose.LEADERBOARD_DISPLAY


@pytest.fixture
def national():
    return organiser(OrganiserRole.Level.NATIONAL)


@pytest.fixture
def notice(national):
    return services.publish_notice(actor=national, purpose=BOARD, text="在排行榜上显示我的名字。")


def test_consent_is_given_once_and_withdrawn_as_easily(notice):
    user = UserFactory()
    assert not services.has_consent(user, BOARD)
    first = services.give_consent(user=user, purpose=BOARD)
    assert services.give_consent(user=user, purpose=BOARD) == first
    assert services.has_consent(user, BOARD)
    assert services.withdraw_consent(user=user, purpose=BOARD) == 1
    assert not services.has_consent(user, BOARD)
    assert [s.state for s in services.consent_overview(user) if s.purpose == BOARD] == ["withdrawn"]


def test_a_new_notice_version_asks_again(national, notice):
    user = UserFactory()
    services.give_consent(user=user, purpose=BOARD)
    newer = services.publish_notice(actor=national, purpose=BOARD, text="新版本的说明。")
    assert newer.version == 2
    assert not services.has_consent(user, BOARD)
    assert [s.state for s in services.consent_overview(user) if s.purpose == BOARD] == ["renew"]
    services.give_consent(user=user, purpose=BOARD)
    assert services.has_consent(user, BOARD)


def test_consent_to_a_purpose_without_a_notice_is_refused():
    with pytest.raises(NotFound):
        services.give_consent(user=UserFactory(), purpose=Purpose.NEWSLETTER)


def test_only_national_organisers_publish_notices(region):
    with pytest.raises(PermissionDenied):
        services.publish_notice(
            actor=organiser(OrganiserRole.Level.PROVINCIAL, "120000"), purpose=BOARD, text="x"
        )
    assert not ConsentNotice.objects.exists()


def test_an_empty_notice_or_unknown_purpose_is_refused(national):
    with pytest.raises(ValidationFailed, match="Write the notice"):
        services.publish_notice(actor=national, purpose=BOARD, text="   ")
    with pytest.raises(ValidationFailed, match="Unknown purpose"):
        services.publish_notice(actor=national, purpose="marketing", text="x")
