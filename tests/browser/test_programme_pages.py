import re

import pytest
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.programme.models import Event
from tests.accounts.factories import PASSWORD, organiser
from tests.programme.factories import EditionFactory, EventFactory, ThemedDayFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def edition(regions):
    edition = EditionFactory()
    ThemedDayFactory(edition=edition)
    EventFactory(
        edition=edition,
        slug="opening",
        kind=Event.Kind.CEREMONY,
        title="开幕式",
        title_en="Opening ceremony",
        starts_at=at(16, "09:00"),
        ends_at=at(16, "10:30"),
    )
    return edition


def test_the_home_page_and_programme_in_chinese_then_english(page, edition):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("网络安全为人民，网络安全靠人民")
    expect(page.get_by_text("校园日").first).to_be_visible()
    page.get_by_role("link", name="完整日程 →").click()
    expect(page.get_by_role("heading", name="2019年日程")).to_be_visible()
    expect(page.get_by_role("link", name="开幕式")).to_be_visible()

    site = page.url.split("/editions")[0]
    page.get_by_role("group", name="语言").get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{site}/en/editions/2019/")
    expect(page.get_by_role("heading", name="2019 programme")).to_be_visible()
    page.get_by_role("link", name="Opening ceremony").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening ceremony")


def test_an_organiser_signs_in_and_creates_an_event(page, edition):
    organiser(OrganiserRole.Level.NATIONAL, email="national@example.org")
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill("national@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Organiser area").click()
    page.get_by_role("link", name="Manage the programme").click()
    page.get_by_role("link", name="2019").click()
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Kind").select_option("session")
    page.get_by_label(re.compile(r"^Title\W*$")).fill("个人信息保护公开课")
    page.get_by_label("Title (English)").fill("Personal information open class")
    page.get_by_label("Short name").fill("pi-class")
    page.get_by_label("Starts").fill("2019-09-22T14:00")
    page.get_by_label("Ends").fill("2019-09-22T13:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("An event must end after it starts.")).to_be_visible()

    page.get_by_label("Ends").fill("2019-09-22T15:30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The event is saved.")).to_be_visible()

    page.goto("/en/editions/2019/")
    page.get_by_role("link", name="Personal information open class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal information open class")
