"""A reporter withdraws a report by its receipt while volunteers are still deciding."""

import pytest
from django.urls import reverse

from cyberweek.core.errors import InvalidTransition, LimitReached, NotFound
from cyberweek.core.models import AuditEvent
from cyberweek.tipline import queries
from cyberweek.tipline.models import Cluster, Evidence, Report, TriageStep
from cyberweek.tipline.services.triage import (
    claim_report,
    confirm_report,
    escalate_report,
    reject_report,
)
from cyberweek.tipline.services.withdrawal import withdraw_report

from .factories import escalated, phishing, png, volunteer

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.9"
SHARED = "http://icbc-secure.example.net/login"


def test_withdrawing_erases_what_was_sent_and_the_clusters_count_one_fewer():
    phishing(link=SHARED)  # someone else reported the same link
    filed = phishing(link=SHARED + "?phone=13812345678", text="我的手机13812345678", images=[png()])
    mine = Cluster.objects.get(kind="url", value=SHARED + "?phone=13812345678")
    assert Cluster.objects.get(kind="domain").report_count == 2

    report = withdraw_report(code=filed.receipt, address=ADDRESS)

    report.refresh_from_db()
    assert report.status == Report.Status.WITHDRAWN
    assert report.closed_at is not None
    assert (report.original_text, report.reported_value, report.masked_text) == ("", "", "")
    assert report.masked_types == []
    assert not Evidence.objects.filter(report=report).exists()
    assert not report.observables.exists()
    # The link only this report named is gone with its canonical form (and the phone in it);
    # the host and domain others reported count one report fewer.
    assert not Cluster.objects.filter(pk=mine.pk).exists()
    assert Cluster.objects.get(kind="domain").report_count == 1
    assert Cluster.objects.get(kind="url", value=SHARED).report_count == 1
    assert report.steps.last().action == TriageStep.Action.WITHDRAWN
    assert AuditEvent.objects.filter(action="tipline.report_withdrawn").count() == 1


def test_a_report_confirmed_once_can_still_be_withdrawn_and_no_longer_escalated():
    filed = phishing()
    first = volunteer()
    claim_report(actor=first, report_id=filed.report.pk)
    confirm_report(actor=first, report_id=filed.report.pk)
    withdraw_report(code=filed.receipt, address=ADDRESS)
    with pytest.raises(InvalidTransition):
        escalate_report(actor=volunteer(), report_id=filed.report.pk)
    assert queries.confirmed_threats().count() == 0


@pytest.mark.parametrize("decide", ["escalate", "reject"])
def test_a_decided_report_cannot_be_withdrawn(decide):
    if decide == "escalate":
        filed = escalated()
    else:
        filed = phishing()
        first = volunteer()
        claim_report(actor=first, report_id=filed.report.pk)
        reject_report(actor=first, report_id=filed.report.pk)
    before = Report.objects.get(pk=filed.report.pk)
    with pytest.raises(InvalidTransition):
        withdraw_report(code=filed.receipt, address=ADDRESS)
    after = Report.objects.get(pk=filed.report.pk)
    assert (after.status, after.masked_text) == (before.status, before.masked_text)
    assert Cluster.objects.get(kind="url").report_count == 1
    assert not AuditEvent.objects.filter(action="tipline.report_withdrawn").exists()


def test_withdrawing_needs_the_right_receipt_and_is_limited_per_address(settings):
    phishing()
    with pytest.raises(NotFound):
        withdraw_report(code="ABCD-EFGH-JKLM-NPQR", address=ADDRESS)
    settings.TIPLINE_LOOKUPS_PER_HOUR = 1
    with pytest.raises(LimitReached):
        withdraw_report(code="ABCD-EFGH-JKLM-NPQR", address=ADDRESS)
    assert Report.objects.get().status == Report.Status.NEW


def test_a_withdrawn_report_counts_in_no_statistics():
    phishing()
    filed = phishing(link="http://other.example.org/")
    withdraw_report(code=filed.receipt, address=ADDRESS)
    assert queries.statistics()["total"] == 1


def test_the_receipt_page_withdraws_and_then_says_so(client):
    filed = phishing()
    page = client.post(reverse("tipline:receipt"), {"code": filed.receipt})
    assert 'id="withdraw"' in page.text
    done = client.post(reverse("tipline:withdraw"), {"code": filed.receipt})
    assert done.status_code == 200
    assert Report.objects.get().status == Report.Status.WITHDRAWN
    assert 'id="withdraw"' not in done.text
    again = client.post(reverse("tipline:withdraw"), {"code": filed.receipt})
    assert again.status_code == 409
    assert client.get(reverse("tipline:withdraw")).status_code == 405


def test_the_api_withdraws_by_receipt_and_refuses_a_decided_report(client):
    filed = phishing()
    response = client.post(
        "/api/tipline/receipts/withdraw", {"code": filed.receipt}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    decided = escalated()
    refused = client.post(
        "/api/tipline/receipts/withdraw",
        {"code": decided.receipt},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
