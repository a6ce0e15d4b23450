"""The main pages of each app work under the production Content-Security-Policy, and none
of them makes the browser report a violation (the `csp_violations` fixture fails the test
on any): the public pages with ECharts and the API's Swagger UI, a participant in an attempt
(htmx saves, the countdown script), and an organiser's pages with the check-in scanner."""

import re

import pytest
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.quiz.models import Attempt
from tests.accounts.factories import PASSWORD, UserFactory, organiser
from tests.programme.factories import EditionFactory
from tests.quiz.factories import contest_with_paper
from tests.tickets.factories import OfferingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()


def may_use_camera(page) -> bool:
    return page.evaluate("document.featurePolicy.allowsFeature('camera')")


def test_the_public_pages_work_under_the_policy(page, regions, csp_violations):
    EditionFactory(is_published=True)
    contest_with_paper()
    for path in ("/en/", "/en/editions/", "/en/quiz/", "/en/accounts/login/", "/en/privacy/"):
        response = page.goto(path)
        assert "object-src 'none'" in response.headers["content-security-policy"]
        expect(page.locator("main")).to_be_visible()
    page.goto("/en/activities/map/")
    expect(page.locator("#activity-map canvas").first).to_be_visible()
    box = page.locator("#activity-map").bounding_box()
    assert box["height"] >= 300  # its size comes from site.css now, not a style attribute
    assert not may_use_camera(page)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.get_by_text("/api/quiz/contests").first).to_be_visible()
    assert csp_violations == []


def test_a_participant_in_an_attempt_works_under_the_policy(page, regions, csp_violations):
    contest = contest_with_paper(questions=3)
    UserFactory(email="taker@example.org")
    sign_in(page, "taker@example.org")
    page.goto(f"/en/quiz/{contest.slug}/")
    page.get_by_label("Name on your certificate").fill("李小明")
    page.get_by_role("button", name="Start the contest").click()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(19|20):\d\d$"))
    attempt = Attempt.objects.get()
    first = attempt.items.get(position=1)
    page.locator(f"#q1-{first.option_order[0]}").check()
    expect(page.locator("#status-1")).to_contain_text("Saved at")
    page.get_by_role("button", name="Submit my answers").click()
    # Two questions blank: the page asks first, and says how many.
    expect(page.get_by_role("alert")).to_contain_text("2 of 3 questions are still blank.")
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.locator("#review-opens")).to_contain_text("when the contest closes")
    assert csp_violations == []


def test_an_organiser_works_under_the_policy_and_only_the_scanner_has_the_camera(
    page, regions, csp_violations
):
    contest = contest_with_paper()
    offering = OfferingFactory(title="开幕式", title_en="Opening ceremony")
    organiser(OrganiserRole.Level.NATIONAL, email="national@example.org")
    sign_in(page, "national@example.org")
    for path in (
        "/en/organiser/",
        "/en/organiser/quiz/contests/",
        f"/en/organiser/quiz/contests/{contest.pk}/edit/",
        f"/en/organiser/quiz/contests/{contest.pk}/stats/",
    ):
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        assert not may_use_camera(page)
    page.goto(f"/en/organiser/tickets/{offering.pk}/check-in/")
    expect(page.locator("#network-state")).to_have_text("Online")
    assert may_use_camera(page)
    assert csp_violations == []


def test_the_fixture_catches_a_violation(page, live_server, csp_violations):
    """The watch itself: a page whose inline script and style attribute the policy refuses
    is reported (and then forgiven, so that this test passes)."""
    page.route(
        "**/probe",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'; style-src 'self'"},
            body='<p style="color:red">x</p><script>document.title = "ran"</script>',
        ),
    )
    page.goto(f"{live_server.url}/probe")
    expect(page).not_to_have_title("ran")
    page.wait_for_timeout(200)  # the events are dispatched after the refusal
    directives = {v.split("CSP violation: ")[-1].split()[0] for v in csp_violations}
    assert {"script-src-elem", "style-src-attr"} <= directives, csp_violations
    csp_violations.clear()
