"""The report button on entry pages and what organisers do with reports."""

import pytest

from cyberweek.core.errors import (
    InvalidTransition,
    LimitReached,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.showcase import reports
from cyberweek.showcase.models import Entry, Report
from tests.accounts.factories import UserFactory

from .factories import accepted_entry, contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return accepted_entry(contest(), UserFactory())


def report(entry, address="203.0.113.5", **fields):
    values = {"reason": Report.Reason.PERSONAL_DATA, "details": ""}
    values.update(fields)
    return reports.report_entry(actor=UserFactory(), entry_ref=entry.ref, address=address, **values)


def test_a_report_is_screened_and_audited(entry):
    filed = report(entry, details="视频里有他的手机号 13812345678")
    assert "13812345678" not in filed.details
    assert filed.outcome == Report.Outcome.OPEN
    assert AuditEvent.objects.filter(action="showcase.entry_reported").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "spam"}, "reason"),
        ({"reason": Report.Reason.OTHER, "details": ""}, "details"),
        ({"details": "x" * 1001}, "details"),
        ({"details": "a\x00b"}, "details"),
    ],
)
def test_bad_reports_are_refused_with_the_field_named(entry, fields, field):
    with pytest.raises(ValidationFailed) as error:
        report(entry, **fields)
    assert error.value.field == field
    assert not Report.objects.exists()


def test_only_public_entries_can_be_reported(entry):
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.SCREENING)
    with pytest.raises(NotFound):
        report(entry)


def test_one_report_per_connection_and_entry_and_a_limit_per_hour(entry):
    report(entry)
    with pytest.raises(LimitReached):
        report(entry)
    report(entry, address="198.51.100.7")
    others = [accepted_entry(entry.contest, UserFactory()) for _ in range(reports.REPORTS_PER_HOUR)]
    for other in others[:-1]:
        report(other)
    with pytest.raises(LimitReached):
        report(others[-1])
    assert Report.objects.count() == reports.REPORTS_PER_HOUR + 1


def test_a_report_refused_by_the_hourly_limit_leaves_the_entry_s_report_of_the_day(
    entry, monkeypatch
):
    others = [accepted_entry(entry.contest, UserFactory()) for _ in range(reports.REPORTS_PER_HOUR)]
    for other in others:
        report(other)
    with pytest.raises(LimitReached, match="Too many reports"):
        report(entry)
    # As in the next hour: the connection may report again, this entry too.
    monkeypatch.setattr(reports, "REPORTS_PER_HOUR", 2 * reports.REPORTS_PER_HOUR)
    report(entry)
    with pytest.raises(LimitReached, match="already reported"):
        report(entry)
    assert Report.objects.filter(entry=entry).count() == 1


def test_rejecting_an_entry_closes_its_reports_and_takes_it_out_of_the_gallery(entry, national):
    first = report(entry)
    second = report(entry, address="198.51.100.7")
    reports.close_report(actor=national, report_id=first.pk, outcome="rejected", note="侵权")
    entry.refresh_from_db()
    second.refresh_from_db()
    assert entry.status == Entry.Status.REJECTED
    assert entry.screening_reason == "侵权"
    assert second.outcome == Report.Outcome.REJECTED
    assert AuditEvent.objects.filter(action="showcase.report_closed").exists()
    with pytest.raises(InvalidTransition):
        reports.close_report(actor=national, report_id=first.pk, outcome="dismissed")


def test_closing_reports_needs_a_national_organiser_and_a_reason_to_act(entry, national):
    filed = report(entry)
    with pytest.raises(PermissionDenied):
        reports.close_report(actor=UserFactory(), report_id=filed.pk, outcome="dismissed")
    with pytest.raises(ValidationFailed):
        reports.close_report(actor=national, report_id=filed.pk, outcome="returned")
    with pytest.raises(ValidationFailed):
        reports.close_report(actor=national, report_id=filed.pk, outcome="open")
    reports.close_report(actor=national, report_id=filed.pk, outcome="dismissed")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.ACCEPTED


def test_reporting_from_the_entry_page_and_closing_from_screening(client, entry, national):
    page = client.get(f"/en/showcase/entries/{entry.ref}/").content.decode()
    assert "Report this entry" in page
    response = client.post(
        f"/en/showcase/entries/{entry.ref}/report/",
        {"reason": "copyright", "details": "抄袭了我的作品"},
        follow=True,
    )
    assert "the organisers will look at your report" in response.content.decode()
    again = client.post(
        f"/en/showcase/entries/{entry.ref}/report/", {"reason": "copyright"}, follow=True
    )
    assert "already reported this entry today" in again.content.decode()
    bad = client.post(f"/en/showcase/entries/{entry.ref}/report/", {"reason": "x"}, follow=True)
    assert "Choose a reason" in bad.content.decode()
    client.force_login(national)
    screening = f"/en/organiser/showcase/{entry.contest_id}/screening/"
    assert "抄袭了我的作品" in client.get(screening).content.decode()
    [filed] = Report.objects.all()
    client.post(
        f"/en/organiser/showcase/{entry.contest_id}/reports/{filed.pk}/",
        {"outcome": "returned", "note": "请删去他人作品片段"},
    )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RETURNED
    assert client.get(f"/en/showcase/entries/{entry.ref}/").status_code == 404
