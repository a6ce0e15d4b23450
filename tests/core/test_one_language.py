"""Pages speak the reader's language: no English message on a Chinese page, no Chinese
region name or raw code on an English one, words that mean what the page does."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core import audit
from cyberweek.core.action_labels import LABELS, describe
from cyberweek.quiz.models import Attempt, Contest
from tests.accounts.factories import UserFactory, organiser
from tests.quiz.factories import contest_with_paper
from tests.quiz.test_services import right_answers

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def chinese(client, url, method="get", data=None):
    with translation.override("zh-hans"):
        url = reverse(url) if not url.startswith("/") else url
    return getattr(client, method)(url, data or {}).content.decode()


def test_the_chinese_sign_up_page_names_a_short_password_in_chinese(client):
    page = chinese(
        client, "accounts:signup", "post", {"identifier": "a@example.org", "password": "abc"}
    )
    assert "密码太短，至少需要 10 个字符。" in page
    assert "too short" not in page


def test_the_privacy_centre_shows_local_minutes_and_labels_not_utc_microseconds_or_codes(
    client,
):
    user = organiser(L.NATIONAL)
    audit.record_denied(user, "organiser.access")
    audit.record(user, "programme.edition_created")
    client.force_login(user)
    page = chinese(client, "privacy:centre")
    assert "进入组织者工作台" in page
    assert "创建届次" in page
    assert "organiser.access" not in page
    assert "programme.edition_created" not in page
    assert "已拒绝" in page
    assert ">denied<" not in page
    # Asia/Shanghai to the minute, as the rest of the site shows times.
    with translation.override("zh-hans"):
        shown = timezone.localtime().strftime("%Y-%m-%d %H:")
    assert shown in page
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}", page)
    assert not re.search(r"\+00:00", page)
    for english in ["created at", "last used at", "throttling failure count"]:
        assert english not in page


def test_every_action_the_services_record_has_a_label():
    """A new audit code without a label would show as "An action in …": name it."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "src" / "cyberweek"
    recorded = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        recorded |= set(
            re.findall(r"audit\.record(?:_denied)?\([^,]+,\s*\"([a-z_]+\.[a-z_]*[a-z])\"", text)
        )
    assert recorded
    assert recorded <= set(LABELS), recorded - set(LABELS)
    with translation.override("en"):
        # Codes built at run time ("quiz.contest_" + "created") are listed by hand.
        assert describe("quiz.contest_created") == "Contest created"
        assert describe("quiz.something_new") == "An action in Knowledge contest"
        assert describe("accounts.organiserrole") == "organiser role"


def test_the_contest_review_is_a_look_back_at_answers_not_an_approval(client):
    contest = contest_with_paper(review_opens=Contest.ReviewOpens.IMMEDIATELY)
    client.force_login(UserFactory())
    with translation.override("zh-hans"):
        client.post(
            reverse("quiz:contest", args=[contest.slug]),
            {"display_name": "李小明", "track": "general"},
        )
        attempt = Attempt.objects.get()
        for position, keys in right_answers(attempt).items():
            client.post(reverse("quiz:answer", args=[attempt.pk, position]), {"chosen": keys})
        client.post(reverse("quiz:submit", args=[attempt.pk]))
        page = client.get(reverse("quiz:review", args=[attempt.pk])).content.decode()
        detail = client.get(reverse("quiz:contest", args=[contest.slug])).content.decode()
    assert "答题回顾" in page
    assert "审核" not in page
    assert "答题回顾" in detail


def test_organiser_contest_tables_head_their_columns_with_what_they_hold(client):
    contest = contest_with_paper()
    client.force_login(organiser(L.NATIONAL))
    contests = chinese(client, "organiser:quiz_contests")
    assert "<th>开放时间</th>" in contests
    assert "待处理" not in contests
    with translation.override("zh-hans"):
        url = reverse("organiser:quiz_flagged", args=[contest.pk])
    flagged = client.get(url).content.decode()
    assert "<th>交卷时间</th>" in flagged
    assert "交卷数" not in flagged
