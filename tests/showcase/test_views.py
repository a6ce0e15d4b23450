"""The pages and the API of the micro-video contest."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core import outbox
from cyberweek.showcase import queries, voting
from cyberweek.showcase.models import Entry, JudgeAssignment, VideoFile, Vote
from tests.accounts.factories import UserFactory, organiser

from .factories import accepted_entry, contest, criteria
from .test_services import verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def the_contest():
    return contest()


def test_the_contest_gallery_filters_and_masks_names(client, the_contest):
    accepted_entry(the_contest, UserFactory(), public_title="防诈骗", category="youth")
    accepted_entry(the_contest, UserFactory(), public_title="保护隐私", category="open")
    # Only entries with a checked video are in the gallery.
    assert "防诈骗" not in client.get(f"/en/showcase/{the_contest.slug}/").content.decode()
    Entry.objects.update(video=None)
    for entry in Entry.objects.all():
        entry.video = VideoFile.objects.create(
            entry=entry, length=1, expires_at=timezone.now(), state="ready"
        )
        entry.save()
    page = client.get(f"/en/showcase/{the_contest.slug}/?category=youth").content.decode()
    assert "防诈骗" in page
    assert "保护隐私" not in page
    assert "李**" in page
    assert "李小明" not in page
    chinese = client.get(f"/showcase/{the_contest.slug}/").content.decode()
    assert "作品展示" in chinese


def test_entering_through_the_page_leads_to_the_upload_page(client, the_contest):
    client.force_login(UserFactory())
    response = client.post(
        f"/en/showcase/{the_contest.slug}/enter/",
        {"title": "我的短片", "category": "open", "display_name": "小明", "theme": ""},
    )
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/showcase/entries/{entry.ref}/upload/")
    page = client.get(response["Location"]).content.decode()
    assert "tus.min.js" in page
    assert 'data-entry="' + entry.ref in page


def test_a_bad_entry_form_answers_400(client, the_contest):
    client.force_login(UserFactory())
    response = client.post(
        f"/en/showcase/{the_contest.slug}/enter/", {"title": "", "category": "x"}
    )
    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_captions_upload_is_validated_and_served(client, the_contest):
    user = UserFactory()
    client.force_login(user)
    entry = accepted_entry(the_contest, user)
    bad = SimpleUploadedFile("c.vtt", b"nonsense")
    response = client.post(f"/en/showcase/entries/{entry.ref}/upload/", {"captions": bad})
    assert response.status_code == 400
    assert "WebVTT" in response.content.decode()
    good = SimpleUploadedFile("c.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")
    client.post(f"/en/showcase/entries/{entry.ref}/upload/", {"captions": good})
    entry.refresh_from_db()
    assert default_storage.exists(entry.captions_name)
    served = client.get(f"/en/showcase/entries/{entry.ref}/captions/")
    assert served["Content-Type"].startswith("text/vtt")


def test_my_entries_show_the_steps_and_others_cannot_open_my_upload_page(client, the_contest):
    user = UserFactory()
    entry = accepted_entry(the_contest, user, status=Entry.Status.UPLOADING, check_error="太长")
    client.force_login(user)
    page = client.get("/en/showcase/mine/").content.decode()
    assert "format check" in page
    assert "太长" in page
    client.force_login(UserFactory())
    assert client.get(f"/en/showcase/entries/{entry.ref}/upload/").status_code == 404


def test_an_entry_not_accepted_is_not_public(client, the_contest):
    entry = accepted_entry(the_contest, UserFactory(), status=Entry.Status.SCREENING)
    assert client.get(f"/en/showcase/entries/{entry.ref}/").status_code == 404
    assert client.get(f"/en/showcase/entries/{entry.ref}/poster/").status_code == 404


def test_voting_from_the_entry_page(client, the_contest):
    entry = accepted_entry(the_contest, UserFactory())
    voter = verified()
    client.force_login(voter)
    page = client.get(f"/en/showcase/entries/{entry.ref}/").content.decode()
    assert "<video" in page
    assert "Votes" not in page  # tallies are hidden until voting closes
    client.post(f"/en/showcase/entries/{entry.ref}/played/")
    response = client.post(f"/en/showcase/entries/{entry.ref}/vote/", follow=True)
    assert "your vote is counted" in response.content.decode()
    assert Vote.objects.get().played
    again = client.post(f"/en/showcase/entries/{entry.ref}/vote/", follow=True)
    assert "already voted" in again.content.decode()
    assert Vote.objects.count() == 1


def test_an_unverified_voter_is_sent_to_verification(client, the_contest):
    entry = accepted_entry(the_contest, UserFactory())
    client.force_login(UserFactory())
    page = client.get(f"/en/showcase/entries/{entry.ref}/").content.decode()
    assert "/showcase/verify/" in page
    response = client.post("/en/showcase/verify/", {"mobile": "not a number"})
    assert response.status_code == 400
    assert "valid mobile number" in response.content.decode()


def test_the_organiser_pages_need_a_national_organiser(client, the_contest):
    client.force_login(UserFactory())
    assert client.get(f"/en/organiser/showcase/{the_contest.pk}/screening/").status_code == 403
    client.force_login(organiser(OrganiserRole.Level.PROVINCIAL, "110000"))
    assert client.get(f"/en/organiser/showcase/{the_contest.pk}/fraud/").status_code == 403


def test_screening_from_the_organiser_page(client, the_contest):
    entry = accepted_entry(the_contest, UserFactory(), status=Entry.Status.SCREENING)
    client.force_login(organiser(OrganiserRole.Level.NATIONAL))
    page = client.get(f"/en/organiser/showcase/{the_contest.pk}/screening/").content.decode()
    assert entry.public_title in page
    client.post(
        f"/en/organiser/showcase/{the_contest.pk}/screening/",
        {"entry": entry.pk, "decision": "reject", "reason": "与主题无关"},
    )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REJECTED
    for page in ("progress", "fraud"):
        assert client.get(f"/en/organiser/showcase/{the_contest.pk}/{page}/").status_code == 200


def test_judges_see_entries_without_entrants_or_votes_and_score_them(client, the_contest):
    first, second = criteria(the_contest)
    judge = UserFactory()
    JudgeAssignment.objects.create(contest=the_contest, judge=judge, category="open")
    entry = accepted_entry(the_contest, UserFactory(), display_name="王大锤")
    Vote.objects.create(contest=the_contest, entry=entry, voter=UserFactory(), day="2026-12-06")
    client.force_login(judge)
    queue = client.get(f"/en/showcase/{the_contest.slug}/judging/").content.decode()
    assert entry.public_title in queue
    assert "王" not in queue
    page = client.get(f"/en/showcase/{the_contest.slug}/judging/{entry.ref}/").content.decode()
    assert "王" not in page
    assert "Votes" not in page
    client.post(
        f"/en/showcase/{the_contest.slug}/judging/{entry.ref}/",
        {f"c{first.pk}": 7, f"c{second.pk}": 9, "comment": ""},
    )
    assert entry.scores.count() == 2
    client.force_login(UserFactory())
    assert client.get(f"/en/showcase/{the_contest.slug}/judging/").status_code == 404


def test_results_page_and_api_after_publication(client, the_contest):
    entry = accepted_entry(the_contest, UserFactory())
    assert (
        "not published" in client.get(f"/en/showcase/{the_contest.slug}/results/").content.decode()
    )
    the_contest.results_published_at = timezone.now()
    the_contest.save()
    page = client.get(f"/en/showcase/{the_contest.slug}/results/").content.decode()
    assert entry.public_title in page
    api = client.get(f"/api/showcase/contests/{the_contest.slug}/results").json()
    assert api[0]["ref"] == entry.ref
    assert api[0]["entrant"] == "李**"


def test_the_api_lists_contests_and_votes_with_problem_errors(client, the_contest):
    assert client.get("/api/showcase/contests").json()["items"][0]["slug"] == the_contest.slug
    entry = accepted_entry(the_contest, UserFactory())
    assert client.post(f"/api/showcase/entries/{entry.ref}/vote").status_code == 401
    client.force_login(verified())
    assert client.post(f"/api/showcase/entries/{entry.ref}/vote").status_code == 201
    again = client.post(f"/api/showcase/entries/{entry.ref}/vote")
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")


def test_verifying_returns_to_the_entry_but_never_to_another_site(client, sms_outbox, the_contest):
    client.force_login(UserFactory())
    client.post("/en/showcase/verify/", {"mobile": "13800138000"})
    outbox.deliver_due()  # the code leaves through the outbox once the request committed
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)
    response = client.post("/en/showcase/verify/?next=https://evil.example/", {"code": code})
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_accounts_voting_from_one_browser_share_a_device_signal(client, the_contest):
    entry = accepted_entry(the_contest, UserFactory())
    first, second = verified(), verified()
    client.force_login(first)
    assert client.post(f"/api/showcase/entries/{entry.ref}/vote").status_code == 201
    token = client.cookies[voting.DEVICE_COOKIE].value  # set by the first vote, HttpOnly
    assert client.cookies[voting.DEVICE_COOKIE]["httponly"]
    client.force_login(second)  # the same browser, another account
    client.post(f"/en/showcase/entries/{entry.ref}/vote/")
    stored = set(Vote.objects.filter(entry=entry).values_list("device", flat=True))
    assert len(stored) == 1
    assert token not in stored.pop()  # only a keyed digest is kept
    flagged = {f.vote.voter_id: f.signals for f in queries.fraud_signals(the_contest)}
    assert "device" in flagged[first.pk]
    assert "device" in flagged[second.pk]


def test_a_forged_device_cookie_is_replaced_and_another_browser_is_not_flagged(client, the_contest):
    entry = accepted_entry(the_contest, UserFactory())
    client.cookies[voting.DEVICE_COOKIE] = "<script>"
    client.force_login(verified())
    assert client.post(f"/api/showcase/entries/{entry.ref}/vote").status_code == 201
    assert client.cookies[voting.DEVICE_COOKIE].value != "<script>"
    other = Client()
    other.force_login(verified())
    assert other.post(f"/api/showcase/entries/{entry.ref}/vote").status_code == 201
    flagged = [f.signals for f in queries.fraud_signals(the_contest)]
    assert not any("device" in signals for signals in flagged)


def test_an_entrant_changes_a_returned_entrys_text_and_it_goes_back_to_screening(
    client, the_contest
):
    entrant = UserFactory()
    entry = accepted_entry(
        the_contest,
        entrant,
        status=Entry.Status.RETURNED,
        screening_reason="标题含手机号",
        category="open",
    )
    client.force_login(entrant)
    mine = client.get("/en/showcase/mine/").content.decode()
    assert f"/showcase/entries/{entry.ref}/edit/" in mine
    page = client.get(f"/en/showcase/entries/{entry.ref}/edit/").content.decode()
    assert "标题含手机号" in page  # the reason it was returned
    form = {"title": "守护个人信息", "category": "open", "display_name": "李小明"}
    refused = client.post(f"/en/showcase/entries/{entry.ref}/edit/", {**form, "title": " "})
    assert refused.status_code == 400
    saved = client.post(f"/en/showcase/entries/{entry.ref}/edit/", form)
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "守护个人信息"
    assert entry.status == Entry.Status.UPLOADING  # no video yet; with one, SCREENING
    # Nobody else edits it, and a rejected entry is not offered.
    client.force_login(UserFactory())
    assert client.get(f"/en/showcase/entries/{entry.ref}/edit/").status_code == 404
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.REJECTED)
    client.force_login(entrant)
    assert f"/showcase/entries/{entry.ref}/edit/" not in client.get("/en/showcase/mine/").text
    rejected = client.post(f"/en/showcase/entries/{entry.ref}/edit/", form)
    assert rejected.status_code == 400
    assert "rejected" in rejected.content.decode()
