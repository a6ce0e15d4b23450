"""A person reports a phishing link without an account (the page solves the proof of work
with WebCrypto); two volunteers triage it, and the second downloads the STIX bundle."""

import json
import re
from pathlib import Path

import pytest
import stix2
from playwright.sync_api import expect

from cyberweek.geo.models import Region
from cyberweek.tipline.models import Report, Volunteer
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_report_anonymously_triage_with_two_volunteers_and_download_stix(
    page, browser, live_server, regions, settings
):
    settings.TIPLINE_POW_BITS = 8
    beijing = Region.objects.get(code="110000")
    for email in ("first@example.org", "second@example.org"):
        Volunteer.objects.create(user=UserFactory(email=email), region=beijing)

    page.goto("/en/tipline/report/phishing/")
    page.get_by_label("Where are you?").select_option("110000")
    page.get_by_label("The link").fill("HTTP://ICBC-Secure.example.net./login#x")
    page.get_by_label("What happened?").fill("短信说我的账户冻结，我的手机号是13912345678")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Thank you: your report was received")).to_be_visible()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", page.locator("#receipt-code").inner_text())
    expect(page.locator("#masked-text")).not_to_contain_text("13912345678")
    report = Report.objects.get()

    sign_in(page, "first@example.org")
    page.goto(f"/en/tipline/triage/{report.pk}/")
    expect(page.get_by_text("http://icbc-secure.example.net/login")).to_be_visible()
    page.get_by_role("button", name="Claim").click()
    page.get_by_role("button", name="Confirm threat", exact=True).click()
    expect(page.locator("#report-status")).to_have_text("Confirmed, awaiting a second volunteer")

    second = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(second, "second@example.org")
    second.goto(f"/en/tipline/triage/{report.pk}/")
    second.get_by_role("button", name="Confirm again and escalate").click()
    expect(second.locator("#report-status")).to_have_text(
        "Confirmed and passed to CERT teams and platforms"
    )
    second.goto("/en/tipline/triage/")
    with second.expect_download() as download:
        second.get_by_role("link", name="Download STIX 2.1 bundle").click()
    bundle = stix2.parse(Path(download.value.path()).read_text(), allow_custom=False)
    patterns = [o.pattern for o in bundle.objects if o.type == "indicator"]
    assert patterns == ["[url:value = 'http://icbc-secure.example.net/login']"]
    assert json.loads(bundle.serialize())["type"] == "bundle"
