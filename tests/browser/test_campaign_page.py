"""A visitor follows a campaign's progress; an organiser joins an activity to it on the
organiser page, and the public page counts it."""

import re

import pytest
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.campaigns import services
from tests.accounts.factories import organiser
from tests.activities.factories import HEPING, HEXI
from tests.browser.test_pages_fit_and_speak_one_language import sign_in
from tests.campaigns.factories import campaign, verified_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_sees_progress_and_an_organiser_adds_an_activity(page, live_server, regions):
    tianjin = organiser(OrganiserRole.Level.PROVINCIAL, "120000", email="tj@example.org")
    made = campaign()
    first = verified_activity(HEPING, participants=120, online=30, edition=made.edition)
    services.add_activity(actor=tianjin, campaign_id=made.pk, activity_id=first.pk)
    second = verified_activity(HEXI, participants=200, edition=made.edition)

    page.goto("/en/campaigns/")
    page.get_by_role("link", name="Ship Cybersecurity launch").click()
    expect(page.get_by_role("heading", name="Ship Cybersecurity launch")).to_be_visible()
    expect(page.get_by_text("150 / 500")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Participants")).to_have_attribute("value", "30")
    expect(page.locator("#campaign-activities li")).to_have_count(1)

    sign_in(page, "tj@example.org")
    page.goto(f"/en/organiser/campaigns/{made.pk}/")
    candidate = page.locator("#candidates li", has_text=second.title_en)
    candidate.get_by_role("button", name="Add").click()
    expect(page.get_by_text("The activity is now part of the campaign.")).to_be_visible()
    expect(page.locator("#linked li")).to_have_count(2)

    page.get_by_role("link", name="Public page").click()
    expect(page).to_have_url(re.compile(r"/en/campaigns/2019/ship-cybersecurity/$"))
    expect(page.get_by_text("350 / 500")).to_be_visible()
    expect(page.locator("#campaign-activities li")).to_have_count(2)
