import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import NotFound, PermissionDenied, ValidationFailed
from cyberweek.privacy import services
from cyberweek.privacy.models import AccessLogEntry, ConsentNotice, Purpose
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


def _log(n, national):
    subject = UserFactory()
    return [
        services.log_access(actor=national, subject=subject, what=f"record {i}", why="support")
        for i in range(n)
    ]


def test_the_access_log_chains_each_entry_to_the_one_before(national):
    entries = _log(3, national)
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].entry_hash
    check = services.verify_access_log()
    assert (check.ok, check.checked) == (True, 3)


def test_an_access_needs_a_reason(national):
    with pytest.raises(ValidationFailed, match="Say why"):
        services.log_access(actor=national, what="x", why="  ")


def test_changing_one_entry_is_detected_and_named(national):
    entries = _log(4, national)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_accesslogentry SET why = %s WHERE id = %s", ["nothing", entries[2].pk]
        )
    check = services.verify_access_log()
    assert (check.ok, check.bad_entry_id, check.checked) == (False, entries[2].pk, 2)
    with pytest.raises(CommandError, match=f"access log broken at entry {entries[2].pk}"):
        call_command("privacy", "verify-log")


def test_removing_an_entry_is_detected(national):
    entries = _log(3, national)
    AccessLogEntry.objects.filter(pk=entries[1].pk).delete()
    check = services.verify_access_log()
    assert (check.ok, check.bad_entry_id) == (False, entries[2].pk)


def test_removing_the_newest_entry_is_detected(national):
    entries = _log(2, national)
    AccessLogEntry.objects.filter(pk=entries[-1].pk).delete()
    assert not services.verify_access_log().ok


def test_the_command_reports_an_intact_log(national, capsys):
    _log(2, national)
    call_command("privacy", "verify-log")
    assert "access log intact: 2 entries" in capsys.readouterr().out
