"""A county organiser registers and submits an activity, the organiser of the region above
approves it, and the public finds it in the list."""

import re

import pytest
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.geo.models import Region
from tests.accounts.factories import PASSWORD, organiser
from tests.programme.factories import EditionFactory, ThemedDayFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def edition(regions):
    edition = EditionFactory()
    ThemedDayFactory(edition=edition)
    return edition


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_register_submit_approve_and_the_public_sees_it(page, edition):
    organiser(OrganiserRole.Level.COUNTY, "120101", email="heping@example.org")
    organiser(OrganiserRole.Level.PROVINCIAL, "120000", email="tianjin@example.org")
    heping = Region.objects.get(code="120101")

    sign_in(page, "heping@example.org")
    page.get_by_role("link", name="Organiser area").click()
    # The dashboard card's link; the navigation bar has a public "Activities" link too.
    page.locator("main").get_by_role("link", name="Activities", exact=True).click()
    page.get_by_role("link", name="Register an activity").click()
    page.get_by_label(re.compile(r"^Title\W*$")).fill("和平区网络安全进校园")
    page.get_by_label("Title (English)").fill("Heping cybersecurity at school")
    page.get_by_label("Description").fill("讲解个人信息保护，咨询电话13812345678。")
    page.get_by_label("Sector").select_option("school")
    page.get_by_label("Region").select_option(str(heping.pk))
    page.get_by_label("Format").select_option("offline")
    page.get_by_label("Venue address").fill("和平区示例中学礼堂")
    page.get_by_label("Audience").fill("初中生")
    page.get_by_label("Starts").fill("2019-09-17T09:00")
    page.get_by_label("Ends").fill("2019-09-17T08:00")
    page.get_by_label("Expected reach").fill("300")
    page.get_by_label("Contact name").fill("王老师")
    page.get_by_label("Contact phone").fill("13812345678")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("An activity must end after it starts.").first).to_be_visible()

    page.get_by_label("Ends").fill("2019-09-17T11:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("saved as a draft")).to_be_visible()
    expect(page.get_by_text("Personal information was masked")).to_be_visible()
    page.get_by_role("link", name="Submit for review").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#status")).to_have_text("Submitted for review")
    sign_out(page)

    sign_in(page, "tianjin@example.org")
    page.goto("/en/organiser/activities/")
    page.get_by_role("link", name="和平区网络安全进校园").first.click()
    page.get_by_role("link", name="Review").click()
    page.get_by_label("Approve: publish it").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#status")).to_have_text("Approved")
    sign_out(page)

    page.goto("/en/activities/")
    page.get_by_label("Search").fill("进校园")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Heping cybersecurity at school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Heping cybersecurity at school")
    expect(page.get_by_text("138****5678")).to_be_visible()
    expect(page.get_by_text("13812345678")).to_have_count(0)
    expect(page.get_by_text("王老师")).to_have_count(0)


def test_the_map_draws_the_provinces(page, edition):
    page.goto("/activities/map/")
    expect(page.locator("#activity-map canvas").first).to_be_visible()


def test_a_missed_name_is_masked_by_hand_and_a_colleague_sees_the_contact_with_a_reason(
    page, edition
):
    organiser(OrganiserRole.Level.COUNTY, "120101", email="heping@example.org")
    organiser(OrganiserRole.Level.COUNTY, "120101", email="colleague@example.org")
    heping = Region.objects.get(code="120101")

    sign_in(page, "heping@example.org")
    page.goto("/en/organiser/activities/new/")
    page.get_by_label(re.compile(r"^Title\W*$")).fill("社区反诈讲座")
    page.get_by_label("Description").fill("本次活动由社区网格员王建国负责。")
    page.get_by_label("Also mask").fill("王建国")
    page.get_by_label("Sector").select_option("community")
    page.get_by_label("Region").select_option(str(heping.pk))
    page.get_by_label("Format").select_option("offline")
    page.get_by_label("Venue address").fill("和平区某社区活动室")
    page.get_by_label("Audience").fill("社区居民")
    page.get_by_label("Starts").fill("2019-09-17T09:00")
    page.get_by_label("Ends").fill("2019-09-17T11:00")
    page.get_by_label("Expected reach").fill("80")
    page.get_by_label("Contact name").fill("王老师")
    page.get_by_label("Contact phone").fill("13812345678")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("本次活动由社区网格员***负责。")).to_be_visible()
    detail = page.url
    sign_out(page)

    sign_in(page, "colleague@example.org")
    page.goto(detail)
    expect(page.get_by_text("王老师")).to_have_count(0)
    page.get_by_label("Why do you need to see this personal information?").fill("核对联系人")
    page.get_by_role("button", name="Show the contact and the texts as written").click()
    expect(page.locator("#contact")).to_contain_text("王老师")
    expect(page.get_by_text("this look is recorded in the access log")).to_be_visible()
