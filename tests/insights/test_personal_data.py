from datetime import date

import pytest

from cyberweek.insights.models import ReportBuild, ReportSubscription
from cyberweek.privacy import registry
from tests.accounts.factories import UserFactory
from tests.programme.factories import EditionFactory

from .factories import use_insights

pytestmark = pytest.mark.django_db


def source():
    return next(s for s in registry.sources() if s.key == "insights.reports")


def test_the_export_lists_the_reports_asked_for_and_the_subscriptions():
    person = UserFactory()
    use_insights(person)
    records = source().export(person)
    assert len(records) == 2
    assert any("字体缺失" in str(record.values()) for record in records)
    assert source().export(UserFactory()) == []


def test_erasure_keeps_the_build_without_its_requester_and_ends_the_subscription():
    person = UserFactory()
    build, subscription = use_insights(person)
    assert source().erase(person) == 2
    build.refresh_from_db()
    assert build.requested_by is None
    assert not ReportSubscription.objects.filter(pk=subscription.pk).exists()
    assert source().erase(person) == 0


def test_retention_drops_old_requesters_and_idle_subscriptions_only():
    person = UserFactory()
    old, idle = use_insights(person, edition=EditionFactory(year=2019))
    recent = ReportBuild.objects.create(
        edition=EditionFactory(year=2026, starts_on=date(2026, 9, 14), ends_on=date(2026, 9, 20)),
        region=old.region,
        language="en",
        requested_by=person,
    )
    # Well past the organiser period after the 2019 edition, within it for 2026.
    today = date(2026, 12, 6)
    due = source().purge_due(today=today, dry_run=True)
    assert due == 2
    assert source().purge_due(today=today, dry_run=False) == 2
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.requested_by is None
    assert recent.requested_by == person
    assert not ReportSubscription.objects.filter(pk=idle.pk).exists()
