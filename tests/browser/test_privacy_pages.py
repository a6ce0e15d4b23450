import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_checks_a_message_before_sending_it(page, regions):
    page.goto("/en/privacy/check/")
    page.get_by_label("Text to check").fill(
        "王先生您好，我的手机是 138 1234 5678，邮箱 li.hua@example.com"
    )
    page.get_by_role("button", name="Check").click()
    expect(page.locator("mark.pii-cn_mobile")).to_contain_text("138 1234 5678")
    expect(page.locator("mark.pii-email")).to_contain_text("li.hua@example.com")
    expect(page.get_by_role("heading", name="Why it matters")).to_be_visible()


def test_a_participant_signs_up_sees_their_data_and_deletes_the_account(page, regions, sms_outbox):
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email address or mobile number").fill("13912345678")
    page.get_by_label("Password").fill("mountain river 2019!")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("We sent a six-digit code to")).to_be_visible()
    # The text message the embedded sender kept (a phone in real life).
    [(number, text)] = sms_outbox
    assert number == "+8613912345678"
    page.get_by_label("Six-digit code we sent you").fill(re.search(r"\b(\d{6})\b", text)[1])
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    page.goto("/en/privacy/")
    expect(page.get_by_text("+8613912345678")).to_be_visible()
    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Your password").fill("mountain river 2019!")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account has been deleted")).to_be_visible()
    page.goto("/en/privacy/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
