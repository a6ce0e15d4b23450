"""Every tip report has the audit record of its filing, whichever way it came in: the
report page, the API, the API with screenshots, the demo loader (all of them go through
`intake.file_report`; only the benchmark seeds reports around it). A refused report leaves
neither a report nor a record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.models import AuditEvent
from cyberweek.tipline import demo
from cyberweek.tipline.models import Report
from tests.accounts.factories import UserFactory, organiser

from .factories import png
from .test_api import solved

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _easy_puzzle(settings):
    settings.TIPLINE_POW_BITS = 4


def filing_records() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="tipline.report_filed"))


def assert_each_report_has_its_filing_record():
    reports = sorted(str(pk) for pk in Report.objects.values_list("pk", flat=True))
    records = filing_records()
    assert reports
    assert sorted(r.target_id for r in records) == reports
    for record in records:
        assert record.target_type == "tipline.report"
        assert record.actor is None  # filed anonymously: the record names no one


def test_reports_filed_through_the_page_and_the_api_are_audited(client):
    page = client.post(
        reverse("tipline:report", args=["phishing"]),
        {"link": "http://icbc-secure.example.net/login", "text": "短信链接", **solved(client)},
    )
    assert page.status_code == 200
    api = client.post(
        "/api/tipline/reports",
        {"kind": "fraud_phone", "phone": "+86 138 0013 8000", **solved(client)},
        content_type="application/json",
    )
    assert api.status_code == 201
    with_evidence = client.post(
        "/api/tipline/reports/with-evidence",
        {
            "kind": "phishing",
            "link": "http://icbc-secure.example.net/login",
            **solved(client),
            "evidence": [SimpleUploadedFile("shot.png", png(), "image/png")],
        },
    )
    assert with_evidence.status_code == 201
    assert Report.objects.count() == 3
    assert_each_report_has_its_filing_record()


def test_a_refused_report_leaves_no_record(client):
    refused = client.post(
        "/api/tipline/reports/with-evidence",
        {
            "kind": "phishing",
            "link": "http://icbc-secure.example.net/login",
            **solved(client),
            "evidence": [SimpleUploadedFile("shot.png", b"not an image", "image/png")],
        },
    )
    assert refused.status_code == 422
    assert not Report.objects.exists()
    assert not filing_records()


def test_the_demos_reports_are_audited():
    national = organiser(OrganiserRole.Level.NATIONAL)
    for email in ("tianjin@example.org", "heping@example.org"):
        UserFactory(email=email)
    demo.load(national)
    assert_each_report_has_its_filing_record()
