from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from cyberweek.core.models import AuditEvent
from cyberweek.privacy import services
from cyberweek.privacy.checkpoints import checkpoint_head
from cyberweek.privacy.models import AccessLogEntry
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def old_event(days_ago):
    event = AuditEvent.objects.create(action="old", outcome="done")
    AuditEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return event


def test_only_what_is_past_its_period_is_purged_and_a_dry_run_changes_nothing():
    expired, kept = old_event(3 * 365 + 10), old_event(3 * 365 - 10)
    report = services.purge_expired(dry_run=True)
    assert report.counts["core.audit"] == 1
    assert AuditEvent.objects.filter(pk=expired.pk).exists()
    services.purge_expired(dry_run=False)
    assert not AuditEvent.objects.filter(pk=expired.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_periods_can_be_shortened_by_setting(settings):
    settings.RETENTION_DAYS = {"audit": 30}
    old_event(31)
    assert services.purge_expired(dry_run=True).counts["core.audit"] == 1


def log_at(when, n, staff):
    """Looks logged at `when`, as the platform's clock said then."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return [services.log_access(actor=staff, what=f"r{i}", why="support") for i in range(n)]


def test_purging_the_access_log_keeps_the_rest_of_the_chain_verifiable():
    staff = UserFactory()
    log_at(timezone.now() - timedelta(days=4 * 365), 2, staff)
    log_at(timezone.now(), 2, staff)
    checkpoint_head()  # what the first entry queued after its commit (never reached in a test)
    report = services.purge_expired(dry_run=False)
    assert report.counts["privacy.access_log"] == 2
    assert AccessLogEntry.objects.count() == 2
    check = services.verify_access_log()
    assert (check.ok, check.checked, check.checkpoints) == (True, 2, 2)


def test_a_log_that_does_not_verify_is_not_purged_and_the_rest_still_is():
    """Purging would delete the evidence of the change and sign a new start over it."""
    staff = UserFactory()
    entries = log_at(timezone.now() - timedelta(days=4 * 365), 2, staff)
    checkpoint_head()
    AccessLogEntry.objects.filter(pk=entries[0].pk).update(why="nothing to see")
    kept_event = old_event(4 * 365)
    report = services.purge_expired(dry_run=False)
    assert report.counts["privacy.access_log"] == 0
    assert AccessLogEntry.objects.count() == 2
    assert not AuditEvent.objects.filter(pk=kept_event.pk).exists()


def test_the_purge_command_reports_a_dry_run(capsys):
    old_event(4 * 365)
    call_command("privacy", "purge", "--dry-run")
    out = capsys.readouterr().out
    assert "core.audit: 1 due" in out
    assert "dry run: nothing changed" in out
    assert AuditEvent.objects.filter(action="old").exists()


def test_purge_is_judged_against_the_day_given():
    old_event(10)
    report = services.purge_expired(today=date.today() + timedelta(days=3 * 365), dry_run=True)
    assert report.counts["core.audit"] == 1
