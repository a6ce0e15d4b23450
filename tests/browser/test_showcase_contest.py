"""The micro-video contest in Chromium: an entrant uploads a generated clip over tus and
sees the checks pass, an organiser accepts it, a judge scores it, a verified voter votes,
and the published results show it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.showcase.models import Entry, JudgeAssignment, Vote
from tests.accounts.factories import UserFactory, organiser
from tests.showcase.factories import contest, criteria, make_clip
from tests.showcase.test_services import verified

from .test_quiz_contest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ffmpeg"),
]


def fill_in_an_entry(page, the_contest, *, title, name):
    """The entry form up to its last button, which the caller presses."""
    page.goto(f"/en/showcase/{the_contest.slug}/enter/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Category").select_option("open")
    page.get_by_label("Name shown with the entry").fill(name)


def test_upload_screen_judge_vote_and_see_the_result(
    page, browser, live_server, regions, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHOWCASE_STAGING_DIR = tmp_path / "staging"
    the_contest = contest(title_en="Payment-Clearing Cup")
    first, second = criteria(the_contest)
    clip = make_clip(tmp_path / "my-film.mp4", seconds=2)

    entrant = UserFactory(email="creator@example.org")
    sign_in(page, entrant.email)
    fill_in_an_entry(page, the_contest, title="守护个人信息", name="李小明")
    page.get_by_role("button", name="Continue to the upload").click()
    page.get_by_label("Video file").set_input_files(str(clip))
    expect(page.locator("#upload-message")).to_contain_text("Upload complete")
    expect(page.locator("#status")).to_contain_text("waiting for screening")
    expect(page.locator("#steps .text-bg-success")).to_have_count(4)
    entry = Entry.objects.get()

    staff = browser.new_context(base_url=live_server.url)
    organiser_page = staff.new_page()
    national = organiser(OrganiserRole.Level.NATIONAL, email="national@example.org")
    sign_in(organiser_page, national.email)
    organiser_page.goto(f"/en/organiser/showcase/{the_contest.pk}/screening/")
    organiser_page.get_by_role("button", name="Accept").click()
    expect(organiser_page.get_by_text("Decision recorded.")).to_be_visible()

    judge_context = browser.new_context(base_url=live_server.url)
    judge_page = judge_context.new_page()
    judge = UserFactory(email="judge@example.org")
    JudgeAssignment.objects.create(contest=the_contest, judge=judge, category="open")
    sign_in(judge_page, judge.email)
    judge_page.goto(f"/en/showcase/{the_contest.slug}/judging/")
    judge_page.get_by_role("link", name="守护个人信息").click()
    judge_page.get_by_label(f"{first.name} (×2, 0–10)").fill("9")
    judge_page.get_by_label(f"{second.name} (×1, 0–10)").fill("6")
    judge_page.get_by_role("button", name="Save scores").click()
    expect(judge_page.get_by_text("Scores saved.")).to_be_visible()
    judge_context.close()

    voter_context = browser.new_context(base_url=live_server.url)
    voter_page = voter_context.new_page()
    voter = verified(UserFactory(email="voter@example.org"))
    sign_in(voter_page, voter.email)
    voter_page.goto(f"/en/showcase/entries/{entry.ref}/")
    voter_page.locator("#player").evaluate("player => player.play()")
    voter_page.get_by_role("button", name="Vote").click()
    expect(voter_page.get_by_text("your vote is counted")).to_be_visible()
    assert Vote.objects.get().played
    voter_context.close()

    the_contest.voting_closes_at = timezone.now() - timedelta(minutes=1)
    the_contest.voting_opens_at = timezone.now() - timedelta(days=1)
    the_contest.save()
    organiser_page.goto(f"/en/organiser/showcase/{the_contest.pk}/progress/")
    expect(organiser_page.locator("table").first).to_contain_text("1 / 1")
    organiser_page.get_by_role("button", name="Publish the results").click()
    expect(organiser_page.get_by_text("Results published.").first).to_be_visible()
    staff.close()

    page.goto(f"/en/showcase/{the_contest.slug}/results/")
    expect(page.locator("table")).to_contain_text("守护个人信息")
    expect(page.locator("table")).to_contain_text("李**")


def test_a_file_chosen_before_the_uploader_loaded_is_uploaded(
    page, live_server, regions, settings, tmp_path
):
    """On a slow connection a person can choose the file before the upload script has run;
    its change event is then gone, and the upload must start anyway (CI once caught
    Playwright choosing it that early)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHOWCASE_STAGING_DIR = tmp_path / "staging"
    the_contest = contest(title_en="Payment-Clearing Cup")
    clip = make_clip(tmp_path / "early.mp4", seconds=1)
    entrant = UserFactory(email="early@example.org")
    sign_in(page, entrant.email)
    fill_in_an_entry(page, the_contest, title="早早选好的视频", name="王早")
    page.route("**/showcase/upload.js*", lambda route: route.abort())
    page.get_by_role("button", name="Continue to the upload").click()
    page.wait_for_load_state()
    page.get_by_label("Video file").set_input_files(str(clip))
    expect(page.locator("#uploader")).not_to_have_attribute("data-ready", "true")

    page.unroute("**/showcase/upload.js*")
    script = page.locator("script[src*='showcase/upload']").get_attribute("src")
    page.add_script_tag(url=script)
    expect(page.locator("#upload-message")).to_contain_text("Upload complete")
    expect(page.locator("#status")).to_contain_text("waiting for screening")
