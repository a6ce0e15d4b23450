"""A participant takes a whole contest in Chromium: enters, answers (saved by htmx as they
click), continues on a second device, submits, reviews and finds the certificate."""

import re

import pytest
from playwright.sync_api import expect

from cyberweek.quiz.models import Answer, Attempt, Contest
from tests.accounts.factories import PASSWORD, UserFactory
from tests.quiz.factories import contest_with_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_participant_takes_a_whole_contest(page, browser, live_server, regions):
    contest = contest_with_paper(questions=5, review_opens=Contest.ReviewOpens.IMMEDIATELY)
    user = UserFactory(email="pupil@example.org")
    sign_in(page, user.email)

    page.goto(f"/en/quiz/{contest.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(contest.title_en)
    page.get_by_label("Name on your certificate").fill("李小明")
    page.get_by_label("Show my name on leaderboards").check()
    page.get_by_label("Province").select_option(label="Tianjin")
    page.get_by_role("button", name="Start the contest").click()

    expect(page.get_by_role("timer")).to_contain_text("Time left")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^1?\d:\d\d$"))
    attempt = Attempt.objects.get(user=user)
    items = {i.position: i for i in attempt.items.select_related("version")}
    for position in (1, 2, 3):
        key = items[position].version.correct[0]
        page.locator(f"#q{position}-{key}").check()
        expect(page.locator(f"#status-{position}")).to_contain_text("Saved at")
    assert Answer.objects.filter(attempt=attempt).count() == 3

    # The same person on a second device continues the same attempt, answers included.
    other = browser.new_context(base_url=live_server.url)
    second = other.new_page()
    sign_in(second, user.email)
    second.goto(f"/en/quiz/attempts/{attempt.pk}/")
    expect(second.locator(f"#q1-{items[1].version.correct[0]}")).to_be_checked()
    wrong = next(k for k in items[4].option_order if k not in items[4].version.correct)
    second.locator(f"#q4-{wrong}").check()
    expect(second.locator("#status-4")).to_contain_text("Saved at")
    other.close()

    page.locator(f"#q5-{items[5].version.correct[0]}").check()
    expect(page.locator("#status-5")).to_contain_text("Saved at")
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.locator("#result")).to_contain_text("Your score: 40 of 50")
    expect(page.locator("#result")).to_contain_text("You passed.")
    expect(page.get_by_role("link", name="Download your certificate (PDF)")).to_be_visible()
    expect(page.get_by_text("your choice").first).to_be_visible()

    page.get_by_role("link", name="Public verification page").click()
    expect(page.get_by_text("This certificate is genuine.")).to_be_visible()
    expect(page.get_by_text("李小明")).to_be_visible()

    page.goto(f"/en/quiz/{contest.slug}/leaderboard/")
    expect(page.get_by_text("Your rank on this board: 1")).to_be_visible()
    expect(page.get_by_role("cell", name="李小明")).to_be_visible()
